/* Getting dirty file data to the disk without anyone asking (fs/writeback.c):
 * writers over the dirty limit write their own file back (Linux's dirty
 * throttling), the frame allocator may take clean cached pages back, and
 * a kernel thread writes back what has been dirty for too long. */
#pragma once
#include <fs/fs.h>

/* Boot: lets the frame allocator reclaim clean page-cache pages; reads
 * dirty_expire_centisecs and dirty_writeback_centisecs from the command line. */
void writeback_init(void);
/* Starts the background writeback thread (after init has pid 1). */
void writeback_start(void);
/* Just before the power goes off: stops the background writeback (after
 * its current pass) and writes everything back. Returns sync's error. */
int writeback_final_sync(void);
/* A writer has dirtied pages of inode (it holds inode->lock): past the
 * dirty limit it writes the file back itself before going on. */
void balance_dirty_pages(struct inode *inode);
