/* Getting dirty file data to the disk without anyone asking (fs/writeback.c):
 * writers over the dirty limit write their own file back (Linux's dirty
 * throttling), and the frame allocator may take clean cached pages back. */
#pragma once
#include <fs/fs.h>

/* Boot: lets the frame allocator reclaim clean page-cache pages. */
void writeback_init(void);
/* A writer has dirtied pages of inode (it holds inode->lock): past the
 * dirty limit it writes the file back itself before going on. */
void balance_dirty_pages(struct inode *inode);
