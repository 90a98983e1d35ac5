/* The smaller relatives of fsync and posix_fadvise: syncfs,
 * sync_file_range and readahead, with Linux's checks. Writeback here is
 * per inode (the whole file, not just the range), and a read-ahead is
 * only a hint: the pages come in when they are read. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <syscall/syscalls.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <linux/fs.h>

long sys_syncfs(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int err = sync_filesystems(f->inode->sb);
	file_put(f);
	return err;
}

#define SYNC_RANGE_VALID (SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER)

long sys_sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned flags)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	uint32_t mode = f->inode->mode;
	int64_t end;
	long r = 0;
	if (flags & ~SYNC_RANGE_VALID)
		r = -EINVAL;
	else if (offset < 0 || nbytes < 0 || __builtin_add_overflow(offset, nbytes, &end))
		r = -EINVAL;
	else if (!S_ISREG(mode) && !S_ISBLK(mode) && !S_ISDIR(mode) && !S_ISLNK(mode))
		r = -ESPIPE;
	else if ((flags & SYNC_FILE_RANGE_WRITE) && S_ISREG(mode))
		r = inode_sync(f->inode);
	file_put(f);
	return r;
}

long sys_readahead(int fd, int64_t offset, size_t count)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r = 0;
	if (!file_readable(f))
		r = -EBADF;
	else if (!S_ISREG(f->inode->mode))
		r = -EINVAL;            /* no page cache behind it */
	file_put(f);
	(void)offset, (void)count;
	return r;
}
