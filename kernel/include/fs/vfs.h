/* Operations on the file tree shared by the syscalls (the files of fs/) and the
 * kernel's own users (boot, exec): the checks every caller needs, around
 * the filesystem's inode_operations. */
#pragma once
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/dentry.h>

/* Creates name (absent: the caller has looked) in the directory at parent
 * with mode (type bits included). The caller holds its sb->lock. */
int vfs_create(const struct path *parent, const char *name, uint32_t mode, dev_t rdev,
	       struct dentry **result);
/* Sets a regular file's size (truncate, ftruncate, O_TRUNC). */
int vfs_truncate(struct inode *inode, uint64_t size);
/* open() for the kernel: path is a kernel string. */
#define O_EXEC_KERNEL 040       /* a kernel-only open flag (Linux's __FMODE_EXEC): to execute, */
				/* allowed by the x bits, not the r bits */
int vfs_open(int dirfd, const char *path, int flags, unsigned mode, struct file **result);
/* mkdir for boot code (kernel string); -EEXIST if it exists. */
int vfs_mkdir(int dirfd, const char *path, unsigned mode);
