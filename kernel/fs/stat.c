/* stat, lstat, fstat, newfstatat, statx, statfs: a file's attributes in
 * the structs of Linux's UAPI headers. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <x86/uaccess.h>
#include <asm/stat.h>
#include <asm/statfs.h>
#include <linux/stat.h>
#include <syscall/syscalls.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/namei.h>

static void fill_stat(struct inode *i, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = dev_encode(i->sb->dev);
	st->st_ino = i->ino;
	st->st_nlink = i->nlink;
	st->st_mode = i->mode;
	st->st_uid = i->uid;
	st->st_gid = i->gid;
	st->st_rdev = dev_encode(i->rdev);
	st->st_size = i->size;
	st->st_blksize = i->sb->block_size;
	st->st_blocks = i->blocks;
	st->st_atime = i->atime.sec;
	st->st_atime_nsec = i->atime.nsec;
	st->st_mtime = i->mtime.sec;
	st->st_mtime_nsec = i->mtime.nsec;
	st->st_ctime = i->ctime.sec;
	st->st_ctime_nsec = i->ctime.nsec;
}

/* The inode behind (dirfd, path, flags) of the *at() calls, referenced. */
static int inode_at(int dirfd, const char *upath, int flags, struct inode **result)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	return user_path_inode(dirfd, upath, at_lookup_flags(flags), result);
}

static long stat_to_user(struct inode *i, void *ubuf)
{
	struct stat st;
	fill_stat(i, &st);
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_newfstatat(int dirfd, const char *path, void *statbuf, int flags)
{
	if (flags & AT_STATX_SYNC_TYPE)
		return -EINVAL;     /* statx's flags only */
	struct inode *i;
	int err = inode_at(dirfd, path, flags, &i);
	if (err)
		return err;
	err = stat_to_user(i, statbuf);
	iput(i);
	return err;
}

long sys_stat(const char *path, void *statbuf) { return sys_newfstatat(AT_FDCWD, path, statbuf, 0); }
long sys_lstat(const char *path, void *statbuf)
{
	return sys_newfstatat(AT_FDCWD, path, statbuf, AT_SYMLINK_NOFOLLOW);
}

long sys_fstat(int fd, void *statbuf)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long err = stat_to_user(f->inode, statbuf);
	file_put(f);
	return err;
}

long sys_statx(int dirfd, const char *path, int flags, unsigned mask, void *ubuf)
{
	if (mask & STATX__RESERVED)
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	struct inode *i;
	int err = inode_at(dirfd, path, flags, &i);
	if (err)
		return err;
	struct statx sx;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = i->sb->block_size;
	sx.stx_nlink = i->nlink;
	sx.stx_uid = i->uid;
	sx.stx_gid = i->gid;
	sx.stx_mode = i->mode;
	sx.stx_ino = i->ino;
	sx.stx_size = i->size;
	sx.stx_blocks = i->blocks;
	sx.stx_atime.tv_sec = i->atime.sec;
	sx.stx_atime.tv_nsec = i->atime.nsec;
	sx.stx_mtime.tv_sec = i->mtime.sec;
	sx.stx_mtime.tv_nsec = i->mtime.nsec;
	sx.stx_ctime.tv_sec = i->ctime.sec;
	sx.stx_ctime.tv_nsec = i->ctime.nsec;
	sx.stx_rdev_major = MAJOR(i->rdev);
	sx.stx_rdev_minor = MINOR(i->rdev);
	sx.stx_dev_major = MAJOR(i->sb->dev);
	sx.stx_dev_minor = MINOR(i->sb->dev);
	iput(i);
	return copy_to_user(ubuf, &sx, sizeof(sx)) ? -EFAULT : 0;
}

static long statfs_to_user(struct super_block *sb, void *ubuf)
{
	struct kstatfs k = { .namelen = NAME_MAX, .bsize = sb->block_size, .frsize = sb->block_size };
	if (sb->ops->statfs) {
		int err = sb->ops->statfs(sb, &k);
		if (err)
			return err;
	}
	struct statfs st;
	memset(&st, 0, sizeof(st));
	st.f_type = k.type ? k.type : sb->magic;
	st.f_bsize = k.bsize;
	st.f_blocks = k.blocks;
	st.f_bfree = k.bfree;
	st.f_bavail = k.bavail;
	st.f_files = k.files;
	st.f_ffree = k.ffree;
	st.f_namelen = k.namelen;
	st.f_frsize = k.frsize;
	st.f_flags = k.flags | (sb->read_only ? 1 : 0);     /* ST_RDONLY */
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_statfs(const char *path, void *buf)
{
	struct inode *i;
	int err = inode_at(AT_FDCWD, path, 0, &i);
	if (err)
		return err;
	err = statfs_to_user(i->sb, buf);
	iput(i);
	return err;
}

long sys_fstatfs(int fd, void *buf)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long err = statfs_to_user(f->inode->sb, buf);
	file_put(f);
	return err;
}
