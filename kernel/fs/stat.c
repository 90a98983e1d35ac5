/* stat, lstat, fstat, newfstatat, statx, statfs: a file's attributes in
 * the structs of Linux's UAPI headers. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/compiler.h>
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

/* statfs's f_flags (Linux's include/linux/statfs.h, not in its UAPI;
 * glibc's ST_* in sys/statvfs.h): the mount's options and the
 * filesystem's read-only state. */
#define ST_RDONLY       0x0001
#define ST_NOSUID       0x0002
#define ST_NODEV        0x0004
#define ST_NOEXEC       0x0008
#define ST_VALID        0x0020  /* f_flags is filled in */
#define ST_NOATIME      0x0400
#define ST_NODIRATIME   0x0800
#define ST_RELATIME     0x1000

static uint64_t statfs_flags(const struct super_block *sb, const struct mount *m)
{
	uint64_t f = ST_VALID;
	if (mnt_readonly(m, sb))
		f |= ST_RDONLY;
	static const struct { unsigned mnt; uint64_t st; } map[] = {
		{ MNT_NOSUID, ST_NOSUID }, { MNT_NODEV, ST_NODEV }, { MNT_NOEXEC, ST_NOEXEC },
		{ MNT_NOATIME, ST_NOATIME }, { MNT_NODIRATIME, ST_NODIRATIME },
		{ MNT_RELATIME, ST_RELATIME },
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (mnt_has(m, map[i].mnt))
			f |= map[i].st;
	return f;
}

static long statfs_to_user(struct super_block *sb, const struct mount *m, void *ubuf)
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
	st.f_flags = k.flags | statfs_flags(sb, m);
	st.f_fsid.val[0] = (int)dev_encode(sb->dev);    /* Linux: the device, for most */
	st.f_fsid.val[1] = (int)(dev_encode(sb->dev) >> 32);
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_statfs(const char *upath, void *buf)
{
	char *path;
	int err = path_from_user(upath, false, &path);
	if (err)
		return err;
	struct path p;
	err = path_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &p);
	path_free(path);
	if (err)
		return err;
	err = statfs_to_user(p.dentry->sb, p.mnt, buf);
	path_put(&p);
	return err;
}

long sys_fstatfs(int fd, void *buf)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long err = statfs_to_user(f->inode->sb, f->mnt, buf);
	file_put(f);
	return err;
}
