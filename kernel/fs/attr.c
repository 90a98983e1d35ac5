/* Changing a file's attributes: truncate, chmod, chown, utimensat,
 * umask, and access() which only asks about them. Who may change what is
 * fs/permission.c's to say. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <x86/uaccess.h>
#include <x86/memlayout.h>
#include <linux/stat.h>
#include <linux/time_types.h>
#include <syscall/syscalls.h>
#include <proc/task.h>
#include <fs/file.h>
#include <fs/memfd.h>
#include <fs/fdtable.h>
#include <fs/namei.h>
#include <fs/pagecache.h>
#include <fs/vfs.h>
#include <fs/permission.h>
#include <proc/cred.h>
#include <mm/vm.h>

/* access() modes: POSIX's values (unistd.h); no UAPI header has them. */
#define X_OK 1
#define W_OK 2
#define R_OK 4

#ifndef UTIME_NOW
#define UTIME_NOW  ((1l << 30) - 1l)    /* from Linux's include/linux/stat.h */
#define UTIME_OMIT ((1l << 30) - 2l)
#endif

int vfs_truncate(struct inode *inode, uint64_t size)
{
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	if (inode->sb->read_only)
		return -EROFS;
	if (size > inode->sb->max_bytes)
		return -EFBIG;
	if (!inode->iop || !inode->iop->truncate)
		return -EPERM;
	mutex_lock(&inode->lock);
	int err = memfd_check_resize(inode, size);
	if (!err && size < inode->size && size % PAGE_SIZE) {
		/* The page the file will end in must be cached, so the bytes
		 * past the new end are zeroed on the disk too. */
		struct cached_page *cp = pagecache_get(inode, size / PAGE_SIZE);
		if (IS_ERR(cp))
			err = PTR_ERR(cp);
	}
	if (!err) {
		file_remove_privs(inode);
		if (size < inode->size)
			vm_unmap_file_past(inode, size);
		pagecache_truncate(inode, size);
		err = inode->iop->truncate(inode, size);
	}
	if (!err)
		inode_touch(inode);
	mutex_unlock(&inode->lock);
	return err;
}

long sys_truncate(const char *upath, int64_t length)
{
	if (length < 0)
		return -EINVAL;
	struct inode *i;
	int err = user_path_inode(AT_FDCWD, upath, LOOKUP_FOLLOW, &i);
	if (err)
		return err;
	/* Through a path, writing needs permission (ftruncate: an fd open
	 * for writing). Not a regular file: vfs_truncate's errno. */
	if (S_ISREG(i->mode) && !i->sb->read_only)
		err = inode_permission(i, MAY_WRITE);
	if (!err)
		err = vfs_truncate(i, length);
	iput(i);
	return err;
}

long sys_ftruncate(int fd, int64_t length)
{
	if (length < 0)
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long err = !file_writable(f) || !S_ISREG(f->inode->mode) ? -EINVAL : vfs_truncate(f->inode, length);
	file_put(f);
	return err;
}

static long chmod_inode(struct inode *i, unsigned mode)
{
	if (i->sb->read_only)
		return -EROFS;
	int err = may_chmod(i, &mode);
	if (err)
		return err;
	mutex_lock(&i->lock);
	i->mode = (i->mode & S_IFMT) | (mode & 07777);
	i->ctime = current_time();
	mark_inode_dirty(i);
	mutex_unlock(&i->lock);
	return 0;
}

long sys_fchmod(int fd, unsigned mode)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long err = f->flags & O_PATH ? -EBADF : chmod_inode(f->inode, mode);
	file_put(f);
	return err;
}

long sys_fchmodat(int dirfd, const char *path, unsigned mode)
{
	struct inode *i;
	int err = user_path_inode(dirfd, path, LOOKUP_FOLLOW, &i);
	if (err)
		return err;
	err = chmod_inode(i, mode);
	iput(i);
	return err;
}

long sys_chmod(const char *path, unsigned mode) { return sys_fchmodat(AT_FDCWD, path, mode); }

/* chown: -1 leaves an id unchanged; may_chown says who may set what.
 * Like Linux, a change of a non-directory clears set-user-ID, and
 * set-group-ID when the group may execute (otherwise it marks mandatory
 * locking), whoever makes it. */
static long chown_inode(struct inode *i, uint32_t uid, uint32_t gid)
{
	if (i->sb->read_only)
		return -EROFS;
	int err = may_chown(i, uid, gid);
	if (err)
		return err;
	mutex_lock(&i->lock);
	if (uid != (uint32_t)-1)
		i->uid = uid;
	if (gid != (uint32_t)-1)
		i->gid = gid;
	if (!S_ISDIR(i->mode)) {
		i->mode &= ~S_ISUID;
		if (i->mode & S_IXGRP)
			i->mode &= ~S_ISGID;
	}
	i->ctime = current_time();
	mark_inode_dirty(i);
	mutex_unlock(&i->lock);
	return 0;
}

long sys_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *i;
	int err = user_path_inode(dirfd, path, at_lookup_flags(flags), &i);
	if (err)
		return err;
	err = chown_inode(i, uid, gid);
	iput(i);
	return err;
}

long sys_chown(const char *path, uint32_t uid, uint32_t gid) { return sys_fchownat(AT_FDCWD, path, uid, gid, 0); }

long sys_lchown(const char *path, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long err = f->flags & O_PATH ? -EBADF : chown_inode(f->inode, uid, gid);
	file_put(f);
	return err;
}

long sys_umask(unsigned mask)
{
	return __atomic_exchange_n(&current->fs->umask, mask & 0777, __ATOMIC_RELAXED);
}

static bool valid_nsec(long ns) { return (ns >= 0 && ns < 1000000000) || ns == UTIME_NOW || ns == UTIME_OMIT; }

static void set_time(struct timespec64 *t, const struct __kernel_timespec *u, struct timespec64 now)
{
	if (!u || u->tv_nsec == UTIME_NOW)
		*t = now;
	else if (u->tv_nsec != UTIME_OMIT)
		*t = (struct timespec64){ .sec = u->tv_sec, .nsec = u->tv_nsec };
}

/* ts: the new access and modification times; NULL: both now. */
static long utimes_inode(struct inode *i, const struct __kernel_timespec *ts)
{
	if (i->sb->read_only)
		return -EROFS;
	struct timespec64 now = current_time();
	mutex_lock(&i->lock);
	set_time(&i->atime, ts ? &ts[0] : NULL, now);
	set_time(&i->mtime, ts ? &ts[1] : NULL, now);
	i->ctime = now;
	mark_inode_dirty(i);
	mutex_unlock(&i->lock);
	return 0;
}

/* utimensat's file, referenced: at the path, or with a NULL path (Linux's
 * extension, futimens) the file dirfd itself. */
static int utimens_target(int dirfd, const char *upath, int flags, struct inode **result)
{
	if (upath)
		return user_path_inode(dirfd, upath, at_lookup_flags(flags), result);
	if (flags & AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	struct file *f = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);
	if (!f)
		return dirfd == AT_FDCWD ? -EFAULT : -EBADF;
	*result = f->inode;
	iref(*result);
	file_put(f);
	return 0;
}

long sys_utimensat(int dirfd, const char *upath, const struct __kernel_timespec *utimes, int flags)
{
	struct __kernel_timespec ts[2];
	if (utimes) {
		if (copy_from_user(ts, utimes, sizeof(ts)))
			return -EFAULT;
		if (!valid_nsec(ts[0].tv_nsec) || !valid_nsec(ts[1].tv_nsec))
			return -EINVAL;
	}
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (utimes && ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
		return 0;
	struct inode *i;
	int err = utimens_target(dirfd, upath, flags, &i);
	if (err)
		return err;
	/* Both "now" (or no times) is a touch, which writers may do too. */
	bool touch = !utimes || (ts[0].tv_nsec == UTIME_NOW && ts[1].tv_nsec == UTIME_NOW);
	err = i->sb->read_only ? -EROFS : may_set_times(i, !touch);
	if (!err)
		err = utimes_inode(i, utimes ? ts : NULL);
	iput(i);
	return err;
}

/* access() answers for the real ids, as a set-user-ID program asks "may
 * the user who ran me do this?" (AT_EACCESS: for the effective ones).
 * The whole lookup runs as them, the path walk's search checks too:
 * Linux's do_faccessat overrides the credentials the same way. */
long sys_faccessat2(int dirfd, const char *path, int mode, int flags)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct cred saved = *current_cred();
	if (!(flags & AT_EACCESS)) {
		struct cred real = saved;
		real.fsuid = real.uid;
		real.fsgid = real.gid;
		override_creds(&real);
	}
	struct inode *i;
	int err = user_path_inode(dirfd, path, at_lookup_flags(flags), &i);
	if (!err) {
		err = inode_permission(i, mode);
		/* POSIX wants a read-only file system reported too. */
		if (!err && (mode & W_OK) && i->sb->read_only &&
		    (S_ISREG(i->mode) || S_ISDIR(i->mode) || S_ISLNK(i->mode)))
			err = -EROFS;
		iput(i);
	}
	if (!(flags & AT_EACCESS))
		override_creds(&saved);
	return err;
}

long sys_faccessat(int dirfd, const char *path, int mode) { return sys_faccessat2(dirfd, path, mode, 0); }
long sys_access(const char *path, int mode) { return sys_faccessat2(AT_FDCWD, path, mode, 0); }
