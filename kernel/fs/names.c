/* The syscalls that create, remove and rename names: mkdir, unlink,
 * rmdir, rename, link, symlink, readlink. Each resolves the parent
 * directory, takes the filesystem's namespace lock, checks what Linux
 * checks (in Linux's order, so the errno matches), and calls the
 * filesystem; the dentry cache is updated to match. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <x86/uaccess.h>
#include <linux/fs.h>
#include <syscall/syscalls.h>
#include <proc/task.h>
#include <fs/namei.h>
#include <fs/vfs.h>
#include <fs/permission.h>
#include <proc/cred.h>

static bool is_dot(const char *n) { return !strcmp(n, ".") || !strcmp(n, ".."); }

/* Common checks before changing a directory (reached through mnt). */
static int may_change(struct dentry *dir, struct mount *mnt)
{
	if (mnt_readonly(mnt, dir->sb))
		return -EROFS;
	if (dir->unlinked)
		return -ENOENT;
	return 0;
}

int vfs_create(const struct path *parent, const char *name, uint32_t mode, dev_t rdev,
	       struct dentry **result)
{
	struct dentry *dir = parent->dentry;
	assert_held(&dir->inode->sb->lock);
	int err = may_change(dir, parent->mnt);
	if (err)
		return err;
	struct inode *di = dir->inode;
	if ((err = may_create(di)))
		return err;
	if (!di->iop->create)
		return -EACCES;
	struct inode *inode;
	err = di->iop->create(di, name, mode, rdev, &inode);
	if (err)
		return err;
	*result = dentry_add_child(dir, name, inode);
	return *result ? 0 : -ENOMEM;
}

/* Resolves the parent of upath; *nd set on success. */
static int parent_from_user(int dirfd, const char *upath, struct nameidata_parent *nd)
{
	char *path;
	int err = path_from_user(upath, false, &path);
	if (err)
		return err;
	err = path_parent_at(dirfd, path, nd);
	path_free(path);
	return err;
}

/* What mkdir, link and symlink share (Linux's filename_create and
 * done_path_create): the last component of nd must be a new name in its
 * directory, whose file system stays locked while make() creates the
 * inode (dir: the parent's; arg: the operation's own) and the name is
 * added. A path ending in '/' names a directory: only mkdir takes one. */
typedef int (*make_fn)(struct inode *dir, const char *name, void *arg, struct inode **result);

static int create_name(struct nameidata_parent *nd, bool dir_only_slash, make_fn make, void *arg)
{
	struct dentry *dir = nd->parent.dentry, *d;
	if (!nd->last[0] || is_dot(nd->last))
		return -EEXIST;
	mutex_lock(&dir->sb->lock);
	int err = lookup_child(dir, nd->last, &d);
	if (!err) {
		dput(d);
		err = -EEXIST;
	} else if (err == -ENOENT) {
		struct inode *inode;
		if (nd->trailing_slash && !dir_only_slash)
			err = -ENOENT;
		else if (!(err = may_change(dir, nd->parent.mnt)) && !(err = may_create(dir->inode)))
			err = make(dir->inode, nd->last, arg, &inode);
		if (!err) {
			d = dentry_add_child(dir, nd->last, inode);
			if (d)
				dput(d);
		}
	}
	mutex_unlock(&dir->sb->lock);
	return err;
}

static int make_directory(struct inode *dir, const char *name, void *mode, struct inode **result)
{
	if (!dir->iop->mkdir)
		return -EPERM;
	return dir->iop->mkdir(dir, name, *(unsigned *)mode & 01777 & ~current_umask(), result);
}

static int mkdir_at(int dirfd, const char *path, unsigned mode, bool from_user)
{
	struct nameidata_parent nd;
	int err = from_user ? parent_from_user(dirfd, path, &nd) : path_parent_at(dirfd, path, &nd);
	if (err)
		return err;
	err = create_name(&nd, true, make_directory, &mode);
	path_put(&nd.parent);
	return err;
}

int vfs_mkdir(int dirfd, const char *path, unsigned mode) { return mkdir_at(dirfd, path, mode, false); }
long sys_mkdirat(int dirfd, const char *path, unsigned mode) { return mkdir_at(dirfd, path, mode, true); }
long sys_mkdir(const char *path, unsigned mode) { return mkdir_at(AT_FDCWD, path, mode, true); }

static bool is_mount_root(struct dentry *d) { return d->parent == d; }

/* What unlink and rmdir check before removing d from parent, in
 * Linux's order (may_delete's permission checks first). */
static int remove_checks(struct dentry *parent, struct dentry *d, struct nameidata_parent *nd, bool dir)
{
	int err = may_delete(parent->inode, d->inode);
	if (err)
		return err;
	if (dir && !S_ISDIR(d->inode->mode))
		return -ENOTDIR;
	if (dir && (d->mounted || is_mount_root(d)))
		return -EBUSY;
	if (!dir && S_ISDIR(d->inode->mode))
		return -EISDIR;
	if (!dir && nd->trailing_slash)
		return -ENOTDIR;
	return may_change(parent, nd->parent.mnt);
}

/* Takes nd->last out of its directory (rmdir when dir, unlink otherwise)
 * and drops nd's reference to the parent. */
static long remove_name(struct nameidata_parent *nd, bool dir)
{
	struct dentry *parent = nd->parent.dentry, *d = NULL;
	mutex_lock(&parent->sb->lock);
	int err = lookup_child(parent, nd->last, &d);
	if (!err) {
		const struct inode_operations *iop = parent->inode->iop;
		int (*op)(struct inode *, const char *, struct inode *) = dir ? iop->rmdir : iop->unlink;
		err = remove_checks(parent, d, nd, dir);
		if (!err)
			err = op ? op(parent->inode, nd->last, d->inode) : -EPERM;
		if (!err)
			dentry_unlink(d);
		dput(d);
	}
	mutex_unlock(&parent->sb->lock);
	path_put(&nd->parent);
	return err;
}

static long do_rmdir(int dirfd, const char *upath)
{
	struct nameidata_parent nd;
	int err = parent_from_user(dirfd, upath, &nd);
	if (err)
		return err;
	if (!nd.last[0])
		err = -EBUSY;
	else if (!strcmp(nd.last, "."))
		err = -EINVAL;
	else if (!strcmp(nd.last, ".."))
		err = -ENOTEMPTY;
	if (err) {
		path_put(&nd.parent);
		return err;
	}
	return remove_name(&nd, true);
}

static long do_unlink(int dirfd, const char *upath)
{
	struct nameidata_parent nd;
	int err = parent_from_user(dirfd, upath, &nd);
	if (err)
		return err;
	if (!nd.last[0] || is_dot(nd.last)) {
		path_put(&nd.parent);
		return -EISDIR;
	}
	return remove_name(&nd, false);
}

long sys_unlinkat(int dirfd, const char *path, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return flags & AT_REMOVEDIR ? do_rmdir(dirfd, path) : do_unlink(dirfd, path);
}
long sys_unlink(const char *path) { return do_unlink(AT_FDCWD, path); }
long sys_rmdir(const char *path) { return do_rmdir(AT_FDCWD, path); }

/* rename's checks between finding both names and calling the filesystem. */
static int rename_checks(struct dentry *old_dir, struct dentry *src, struct nameidata_parent *old,
			 struct dentry *new_dir, struct dentry *tgt, struct nameidata_parent *new,
			 unsigned flags)
{
	bool dir = S_ISDIR(src->inode->mode);
	if (!dir && (old->trailing_slash || new->trailing_slash))
		return -ENOTDIR;
	if (dentry_is_ancestor(src, new_dir))
		return -EINVAL;         /* into itself */
	int err = may_delete(old_dir->inode, src->inode);
	if (!err)
		err = tgt ? may_delete(new_dir->inode, tgt->inode) : may_create(new_dir->inode);
	/* A directory moving elsewhere has its ".." rewritten. */
	if (!err && dir && old_dir != new_dir)
		err = inode_permission(src->inode, MAY_WRITE);
	if (err)
		return err;
	if (tgt) {
		if (flags & RENAME_NOREPLACE)
			return -EEXIST;
		if (dir && !S_ISDIR(tgt->inode->mode))
			return -ENOTDIR;
		if (!dir && S_ISDIR(tgt->inode->mode))
			return -EISDIR;
		if (dentry_is_ancestor(tgt, old_dir))
			return -ENOTEMPTY;
		if (tgt->mounted || is_mount_root(tgt))
			return -EBUSY;
	}
	if (src->mounted || is_mount_root(src))
		return -EBUSY;
	err = may_change(old_dir, old->parent.mnt);
	return err ? err : may_change(new_dir, new->parent.mnt);
}

/* rename's checks of the two paths, before any lookup. */
static int rename_path_checks(struct nameidata_parent *old, struct nameidata_parent *new, unsigned flags)
{
	if (old->parent.mnt != new->parent.mnt)
		return -EXDEV;
	if (!old->last[0] || is_dot(old->last))
		return -EBUSY;
	if (!new->last[0] || is_dot(new->last))
		return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
	if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;         /* like Linux's ext2: not supported */
	return 0;
}

long sys_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned flags)
{
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	struct nameidata_parent old, new;
	struct dentry *src, *tgt;
	int err = parent_from_user(olddirfd, oldpath, &old);
	if (err)
		return err;
	if ((err = parent_from_user(newdirfd, newpath, &new)))
		goto out_put_old;
	if ((err = rename_path_checks(&old, &new, flags)))
		goto out_put_new;
	struct dentry *od = old.parent.dentry, *nd = new.parent.dentry;
	struct super_block *sb = od->sb;
	mutex_lock(&sb->lock);
	if ((err = lookup_child(od, old.last, &src)))
		goto out_unlock;
	err = lookup_child(nd, new.last, &tgt);
	if (err == -ENOENT)
		err = 0, tgt = NULL;
	if (err)
		goto out_put_src;
	if (tgt && tgt->inode == src->inode) {
		/* Two names of one file: nothing to do (POSIX). */
	} else if (!(err = rename_checks(od, src, &old, nd, tgt, &new, flags))) {
		struct inode *odi = od->inode;
		err = odi->iop->rename ? odi->iop->rename(odi, old.last, src->inode, nd->inode,
							  new.last, tgt ? tgt->inode : NULL)
				       : -EPERM;
		if (!err) {
			if (tgt)
				dentry_unlink(tgt);
			err = dentry_move(src, nd, new.last);
		}
	}
	if (tgt)
		dput(tgt);
out_put_src:
	dput(src);
out_unlock:
	mutex_unlock(&sb->lock);
out_put_new:
	path_put(&new.parent);
out_put_old:
	path_put(&old.parent);
	return err;
}

long sys_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	return sys_renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}
long sys_rename(const char *oldpath, const char *newpath)
{
	return sys_renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

/* mknod: a regular file or a device node (what mounting nodev is about).
 * Named pipes and sockets are not made this way in Kestrel yet. */
struct mknod_args {
	unsigned mode;
	dev_t rdev;
};

static int make_node(struct inode *dir, const char *name, void *arg, struct inode **result)
{
	struct mknod_args *a = arg;
	if (!dir->iop->create)
		return -EPERM;
	unsigned perm = a->mode & 07777 & ~current_umask();
	return dir->iop->create(dir, name, (a->mode & S_IFMT) | perm, a->rdev, result);
}

long sys_mknodat(int dirfd, const char *upath, unsigned mode, unsigned dev)
{
	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	switch (mode & S_IFMT) {
	case S_IFREG:
		break;
	case S_IFCHR:
	case S_IFBLK:
		if (!capable(CAP_MKNOD))
			return -EPERM;
		break;
	case S_IFSOCK:          /* a socket file no socket is bound to, as Linux */
		break;
	case S_IFIFO:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
	struct nameidata_parent nd;
	int err = parent_from_user(dirfd, upath, &nd);
	if (err)
		return err;
	struct mknod_args a = { .mode = mode, .rdev = dev_decode(dev) };
	err = create_name(&nd, false, make_node, &a);
	path_put(&nd.parent);
	return err;
}

long sys_mknod(const char *path, unsigned mode, unsigned dev)
{
	return sys_mknodat(AT_FDCWD, path, mode, dev);
}

static int make_link(struct inode *dir, const char *name, void *target, struct inode **result)
{
	struct inode *inode = target;
	if (!dir->iop->link || S_ISDIR(inode->mode))
		return -EPERM;          /* (no links to directories) */
	int err = dir->iop->link(inode, dir, name);
	if (!err) {
		iref(inode);
		*result = inode;
	}
	return err;
}

long sys_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	char *path;
	int err = path_from_user(oldpath, flags & AT_EMPTY_PATH, &path);
	if (err)
		return err;
	struct path src;
	err = path_lookup_at(olddirfd, path, (flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0) |
			     (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0), &src);
	path_free(path);
	if (err)
		return err;
	struct nameidata_parent nd;
	err = parent_from_user(newdirfd, newpath, &nd);
	if (err) {
		path_put(&src);
		return err;
	}
	struct inode *inode = src.dentry->inode;
	if (!nd.last[0] || is_dot(nd.last))
		err = -EEXIST;          /* before EXDEV and EPERM, as Linux */
	else if (src.mnt != nd.parent.mnt)
		err = -EXDEV;
	else if (!(err = may_link(inode)))
		err = create_name(&nd, false, make_link, inode);
	path_put(&nd.parent);
	path_put(&src);
	return err;
}

long sys_link(const char *oldpath, const char *newpath)
{
	return sys_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

static int make_symlink(struct inode *dir, const char *name, void *target, struct inode **result)
{
	return dir->iop->symlink ? dir->iop->symlink(dir, name, target, result) : -EPERM;
}

long sys_symlinkat(const char *utarget, int newdirfd, const char *linkpath)
{
	char *target;
	int err = path_from_user(utarget, false, &target);
	if (err)
		return err;
	struct nameidata_parent nd;
	err = parent_from_user(newdirfd, linkpath, &nd);
	if (err) {
		path_free(target);
		return err;
	}
	err = create_name(&nd, false, make_symlink, target);
	path_put(&nd.parent);
	path_free(target);
	return err;
}

long sys_symlink(const char *target, const char *linkpath)
{
	return sys_symlinkat(target, AT_FDCWD, linkpath);
}

long sys_readlinkat(int dirfd, const char *upath, char *ubuf, int size)
{
	char *path;
	int err = path_from_user(upath, true, &path);
	if (err)
		return err;
	struct path p;
	/* An empty path names dirfd itself (a symlink opened with O_PATH). */
	err = !*path && dirfd == AT_FDCWD ? -ENOENT : path_lookup_at(dirfd, path, LOOKUP_EMPTY, &p);
	path_free(path);
	if (err)
		return err;
	struct inode *inode = p.dentry->inode;
	if (size <= 0 || !S_ISLNK(inode->mode) || !inode->iop || !inode->iop->readlink) {
		err = -EINVAL;
	} else {
		char *buf = kmalloc(PATH_MAX);
		if (!buf) {
			err = -ENOMEM;
		} else {
			int n = inode->iop->readlink(inode, buf, (size_t)size < PATH_MAX ? (size_t)size : PATH_MAX);
			err = n < 0 ? n : copy_to_user(ubuf, buf, n) ? -EFAULT : n;
			kfree(buf);
		}
	}
	path_put(&p);
	return err;
}

long sys_readlink(const char *path, char *buf, int size)
{
	return sys_readlinkat(AT_FDCWD, path, buf, size);
}
