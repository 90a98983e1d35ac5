/* openat, open, creat and close: from a path to a descriptor. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <syscall/syscalls.h>
#include <proc/task.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/namei.h>
#include <fs/vfs.h>
#include <fs/permission.h>

/* The flags open() understands; others are ignored, as Linux does. */
#define O_PATH_KEEPS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* O_CREAT: find the name in its directory, creating a regular file if it
 * is not there. A symlink there is followed, and if it leads nowhere its
 * target is created, as Linux does: a loop, not recursion, so a chain of
 * 40 links needs no more kernel stack than one. */
static int open_create(int dirfd, const char *path, int flags, unsigned mode,
		       struct path *result, bool *created)
{
	struct nameidata_parent *nd = kmalloc(sizeof(*nd));
	char *target = kmalloc(PATH_MAX);
	int err = nd && target ? 0 : -ENOMEM;
	struct path base = { 0 };      /* the directory holding the last link */
	for (int links = 0; !err; links++) {
		err = path_parent_from(dirfd, base.dentry ? &base : NULL, path, nd);
		if (base.dentry)
			path_put(&base);
		base.dentry = NULL;
		if (err)
			break;
		if (!nd->last[0] || !strcmp(nd->last, ".") || !strcmp(nd->last, "..") || nd->trailing_slash) {
			path_put(&nd->parent);
			err = -EISDIR;
			break;
		}
		struct dentry *dir = nd->parent.dentry, *d;
		mutex_lock(&dir->sb->lock);
		err = lookup_child(dir, nd->last, &d);
		if (err == -ENOENT) {
			err = vfs_create(&nd->parent, nd->last, S_IFREG | (mode & 07777 & ~current_umask()), 0, &d);
			*created = !err;
		} else if (!err && (flags & O_EXCL)) {
			dput(d);
			err = -EEXIST;
		}
		mutex_unlock(&dir->sb->lock);
		if (err || !S_ISLNK(d->inode->mode)) {
			if (!err) {
				result->mnt = nd->parent.mnt;
				result->dentry = d;
			}
			path_put(&nd->parent);
			break;
		}
		/* A symlink: go round again with its target, from its directory. */
		struct inode *li = d->inode;
		if (li->iop && li->iop->get_link && !(flags & O_NOFOLLOW)) {
			/* A magic link (/proc/PID/fd/N): the object itself. */
			err = links >= MAX_SYMLINKS ? -ELOOP : li->iop->get_link(li, result);
			dput(d);
			path_put(&nd->parent);
			break;
		}
		int n = (flags & O_NOFOLLOW) || links >= MAX_SYMLINKS ? -ELOOP
			: li->iop && li->iop->readlink ? li->iop->readlink(li, target, PATH_MAX - 1) : -EINVAL;
		dput(d);
		err = n < 0 ? n : n == 0 ? -ENOENT : 0;
		if (!err) {
			target[n] = 0;
			path = target;
			base = nd->parent;      /* our reference moves to base */
		} else {
			path_put(&nd->parent);
		}
	}
	kfree(nd);
	kfree(target);
	return err;
}

int vfs_open(int dirfd, const char *path, int flags, unsigned mode, struct file **result)
{
	int err;
	if (!*path)
		return -ENOENT;
	if (flags & O_PATH)
		flags &= O_PATH_KEEPS;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	struct path p;
	bool created = false;
	if (flags & O_CREAT && !(flags & O_PATH)) {
		err = open_create(dirfd, path, flags, mode, &p, &created);
	} else {
		unsigned lf = (flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
			      (flags & O_DIRECTORY ? LOOKUP_DIRECTORY : 0);
		err = path_lookup_at(dirfd, path, lf, &p);
	}
	if (err)
		return err;

	struct inode *inode = p.dentry->inode;
	bool writing = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
	/* What the caller must be allowed (Linux's acc_mode): a file it has
	 * just created it may open however it asked. */
	int may = created ? 0 : flags & O_EXEC_KERNEL ? MAY_EXEC :
		  ((flags & O_ACCMODE) != O_WRONLY ? MAY_READ : 0) | (writing ? MAY_WRITE : 0);
	if (S_ISLNK(inode->mode) && !(flags & O_PATH))
		err = -ELOOP;               /* O_NOFOLLOW met a symlink */
	else if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		err = -ENOTDIR;
	else if (S_ISDIR(inode->mode) && !(flags & O_PATH) && (writing || (flags & O_CREAT)))
		err = -EISDIR;
	else if (!(flags & O_PATH) && writing && mnt_readonly(p.mnt, inode->sb) && !S_ISCHR(inode->mode))
		err = -EROFS;
	else if (!(flags & O_PATH) && (S_ISCHR(inode->mode) || S_ISBLK(inode->mode)) &&
		 mnt_has(p.mnt, MNT_NODEV))
		err = -EACCES;              /* a nodev mount's devices do not open (Linux's may_open_dev) */
	else if ((flags & O_ACCMODE) == O_ACCMODE && !(flags & O_PATH))
		err = -EINVAL;
	else if (!(flags & O_PATH) && may)
		err = inode_permission(inode, may);
	/* Not updating access times is the owner's choice (or root's). */
	if (!err && (flags & O_NOATIME) && !(flags & O_PATH) && !inode_owner_or_capable(inode))
		err = -EPERM;
	if (err) {
		path_put(&p);
		return err;
	}
	struct file *f;
	err = file_open_path(&p, (flags | O_LARGEFILE) & ~(O_CLOEXEC | O_EXEC_KERNEL), &f);
	if (err)
		return err;
	if ((flags & O_TRUNC) && !created && S_ISREG(inode->mode) && !(flags & O_PATH)) {
		err = vfs_truncate(inode, 0);
		if (err) {
			file_put(f);
			return err;
		}
	}
	*result = f;
	return 0;
}

static long do_open(int dirfd, const char *upath, int flags, unsigned mode)
{
	char *path;
	int err = path_from_user(upath, false, &path);
	if (err)
		return err;
	struct file *f;
	err = vfs_open(dirfd, path, flags & ~O_EXEC_KERNEL, mode, &f);
	path_free(path);
	if (err)
		return err;
	return fd_install(f, flags & O_CLOEXEC, 0);
}

long sys_openat(int dirfd, const char *path, int flags, unsigned mode)
{
	return do_open(dirfd, path, flags, mode);
}

long sys_open(const char *path, int flags, unsigned mode)
{
	return do_open(AT_FDCWD, path, flags, mode);
}

long sys_creat(const char *path, unsigned mode)
{
	return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(int fd)
{
	return fd_close(fd);
}
