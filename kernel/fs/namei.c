/* Path resolution (fs/namei.h): from a string to a dentry, one component
 * at a time, through the dentry cache, mounts and symbolic links. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <proc/task.h>
#include <x86/uaccess.h>
#include <fs/namei.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/fs_struct.h>
#include <fs/permission.h>

struct walk {
	struct path cur;            /* where we are (referenced) */
	struct path root;           /* the task's root: ".." stops here */
	int links;                  /* symlinks followed so far */
	/* The component being looked up. Shared by the nested walks of
	 * symlink targets (each is done with it before the next starts), so
	 * 40 levels of links fit on a kernel stack. */
	char name[NAME_MAX + 1];
};

/* The cached child of dir called name, unless its filesystem says the
 * name has gone stale (/proc/PID of a process that ended): then it is
 * dropped from the cache with everything below it. */
static struct dentry *cached_child(struct dentry *dir, const char *name)
{
	struct dentry *d = dentry_find_child(dir, name);
	struct inode *inode = d ? d->inode : NULL;
	if (inode && inode->iop && inode->iop->revalidate && inode->iop->revalidate(inode)) {
		dentry_unlink_tree(d);
		dput(d);
		d = NULL;
	}
	return d;
}

/* A removed directory has no entries; one whose filesystem dropped it
 * (the process of a /proc/PID a dirfd still holds has ended) says why:
 * ESRCH there, as on Linux. */
static int stale_dir_error(struct dentry *dir)
{
	struct inode *inode = dir->inode;
	int err = inode->iop && inode->iop->revalidate ? inode->iop->revalidate(inode) : 0;
	return err ? err : -ENOENT;
}

int lookup_child(struct dentry *dir, const char *name, struct dentry **result)
{
	assert_held(&dir->inode->sb->lock);
	if (dir->unlinked)
		return stale_dir_error(dir);
	struct dentry *d = cached_child(dir, name);
	if (d) {
		*result = d;
		return 0;
	}
	struct inode *di = dir->inode;
	if (!di->iop || !di->iop->lookup)
		return -ENOTDIR;
	struct inode *inode;
	int err = di->iop->lookup(di, name, &inode);
	if (err)
		return err;
	d = dentry_add_child(dir, name, inode);
	if (!d)
		return -ENOMEM;
	*result = d;
	return 0;
}

/* The cache first; the filesystem (under its namespace lock) on a miss. */
static int walk_lookup(struct dentry *dir, const char *name, struct dentry **result)
{
	struct dentry *d = cached_child(dir, name);
	if (d) {
		*result = d;
		return 0;
	}
	struct super_block *sb = dir->sb;
	mutex_lock(&sb->lock);
	int err = lookup_child(dir, name, result);
	mutex_unlock(&sb->lock);
	return err;
}

static void set_cur(struct walk *w, struct mount *mnt, struct dentry *d)
{
	struct path old = w->cur;
	w->cur.mnt = mnt;
	w->cur.dentry = d;      /* the caller's reference moves in */
	path_put(&old);
}

/* "..": up one directory, out of mounts, never above the root. */
static void go_up(struct walk *w)
{
	// LAB 4 BEGIN(exercise 4): "..": stop at the root, climb out of mounts
	for (;;) {
		if (w->cur.dentry == w->root.dentry && w->cur.mnt == w->root.mnt)
			return;
		struct mount *m = w->cur.mnt;
		if (w->cur.dentry == m->root && m->parent != m) {
			/* At a mounted root: continue from the mount point. */
			dget(m->mountpoint);
			set_cur(w, m->parent, m->mountpoint);
			continue;
		}
		struct dentry *parent = w->cur.dentry->parent;
		dget(parent);
		set_cur(w, m, parent);
		return;
	}
	// LAB 4 END
}

/* Into whatever is mounted on the current directory. */
static void cross_mounts(struct walk *w)
{
	while (w->cur.dentry->mounted) {
		struct mount *m = w->cur.dentry->mounted;
		dget(m->root);
		set_cur(w, m, m->root);
	}
}

static int walk_components(struct walk *w, const char *path, unsigned flags,
			   struct nameidata_parent *stop);

/* Follows the symlink at link (reached from directory w->cur). */
static int follow_link(struct walk *w, struct dentry *link)
{
	// LAB 4 BEGIN(exercise 3): follow a symbolic link
	if (++w->links > MAX_SYMLINKS)
		return -ELOOP;
	struct inode *inode = link->inode;
	if (!inode->iop || !inode->iop->readlink)
		return -EINVAL;
	char *target = kmalloc(PATH_MAX);
	if (!target)
		return -ENOMEM;
	int n = inode->iop->readlink(inode, target, PATH_MAX - 1);
	int err = n < 0 ? n : 0;
	if (!err) {
		target[n] = 0;
		/* An empty target resolves to nothing, as on Linux. */
		err = n == 0 ? -ENOENT : walk_components(w, target, LOOKUP_FOLLOW, NULL);
	}
	kfree(target);
	return err;
	// LAB 4 STUB: return -ENOENT;
	// LAB 4 END
}

/* Follows a magic link (/proc/PID/fd/N): straight to the object. */
static int follow_magic_link(struct walk *w, struct dentry *link)
{
	if (++w->links > MAX_SYMLINKS)
		return -ELOOP;
	struct path target;
	int err = link->inode->iop->get_link(link->inode, &target);
	if (err)
		return err;
	set_cur(w, target.mnt, target.dentry);
	cross_mounts(w);
	return 0;
}

/* Walks path from w->cur. With stop set, the last component is not
 * looked up but copied into stop->last. */
static int walk_components(struct walk *w, const char *path, unsigned flags,
			   struct nameidata_parent *stop)
{
	if (*path == '/') {
		path_get(&w->root);
		set_cur(w, w->root.mnt, w->root.dentry);
	}
	char *name = w->name;
	const char *p = path;
	bool trailing = false;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && *p != '/')
			p++;
		size_t len = p - start;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(name, start, len);
		name[len] = 0;
		const char *rest = p;
		while (*rest == '/')
			rest++;
		bool last = !*rest;
		trailing = last && p != rest;

		if (!S_ISDIR(w->cur.dentry->inode->mode))
			return -ENOTDIR;
		/* Every name is looked up in a directory the caller may
		 * search (its x bit), the last one's too. */
		int denied = inode_permission(w->cur.dentry->inode, MAY_EXEC);
		if (denied)
			return denied;
		if (last && stop) {
			memcpy(stop->last, name, len + 1);
			stop->trailing_slash = trailing;
			return 0;
		}
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			go_up(w);
			continue;
		}
		struct dentry *child;
		int err = walk_lookup(w->cur.dentry, name, &child);
		if (err)
			return err;
		if (S_ISLNK(child->inode->mode) && (!last || trailing || (flags & LOOKUP_FOLLOW))) {
			bool magic = child->inode->iop && child->inode->iop->get_link;
			err = magic ? follow_magic_link(w, child) : follow_link(w, child);
			dput(child);
			if (err)
				return err;
			continue;
		}
		set_cur(w, w->cur.mnt, child);
		cross_mounts(w);
	}
	if (stop) {
		/* No last component: "/" or "" (only slashes). */
		stop->last[0] = 0;
		stop->trailing_slash = false;
		return 0;
	}
	if ((trailing || (flags & LOOKUP_DIRECTORY)) && !S_ISDIR(w->cur.dentry->inode->mode))
		return -ENOTDIR;
	return 0;
}

/* Sets up w: the root, and the starting directory (cwd or dirfd). */
static int walk_start(struct walk *w, int dirfd, const char *path, unsigned flags)
{
	w->links = 0;
	if (current_fs() && current_fs()->root.dentry)
		fs_get_root(&w->root);
	else
		vfs_root(&w->root);
	if (!w->root.dentry)
		return -ENOENT;     /* nothing mounted yet */
	if (*path == '/' || (dirfd == AT_FDCWD && !(current_fs() && current_fs()->cwd.dentry))) {
		w->cur = w->root;
		path_get(&w->cur);
		return 0;
	}
	if (dirfd == AT_FDCWD) {
		fs_get_cwd(&w->cur);
		return 0;
	}
	struct file *f = fd_get(dirfd);
	if (!f) {
		path_put(&w->root);
		return -EBADF;
	}
	int err = 0;
	if (!f->dentry)
		err = -ENOTDIR;     /* a pipe or socket: no place in the tree */
	else if (!S_ISDIR(f->inode->mode) && !(*path == 0 && (flags & LOOKUP_EMPTY)))
		err = -ENOTDIR;
	if (!err) {
		w->cur.mnt = f->mnt;
		w->cur.dentry = f->dentry;
		path_get(&w->cur);
	}
	file_put(f);
	if (err)
		path_put(&w->root);
	return err;
}

int path_lookup_at(int dirfd, const char *path, unsigned flags, struct path *result)
{
	if (!*path && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	struct walk w;
	int err = walk_start(&w, dirfd, path, flags);
	if (err)
		return err;
	err = walk_components(&w, path, flags, NULL);
	path_put(&w.root);
	if (err) {
		path_put(&w.cur);
		return err;
	}
	*result = w.cur;
	return 0;
}

int path_parent_at(int dirfd, const char *path, struct nameidata_parent *nd)
{
	return path_parent_from(dirfd, NULL, path, nd);
}

int path_parent_from(int dirfd, const struct path *start, const char *path,
		     struct nameidata_parent *nd)
{
	if (!*path)
		return -ENOENT;
	struct walk w;
	int err = walk_start(&w, dirfd, path, 0);
	if (err)
		return err;
	if (start && *path != '/') {
		path_put(&w.cur);
		w.cur = *start;
		path_get(&w.cur);
	}
	err = walk_components(&w, path, 0, nd);
	path_put(&w.root);
	if (err) {
		path_put(&w.cur);
		return err;
	}
	nd->parent = w.cur;
	return 0;
}

int path_from_user(const char *upath, bool empty_ok, char **out)
{
	char *p = kmalloc(PATH_MAX);
	if (!p)
		return -ENOMEM;
	long n = strncpy_from_user(p, upath, PATH_MAX);
	if (n >= 0 && n == 0 && !empty_ok)
		n = -ENOENT;
	if (n < 0) {
		kfree(p);
		return n;
	}
	*out = p;
	return 0;
}

void path_free(char *p)
{
	kfree(p);
}

int path_string(const struct path *p, char *buf, size_t size)
{
	if (p->dentry->unlinked)
		return -ENOENT;     /* getcwd in a removed directory */
	return path_string_any(p, buf, size);
}

int path_string_any(const struct path *p, char *buf, size_t size)
{
	struct path root;
	if (current_fs() && current_fs()->root.dentry)
		fs_get_root(&root);
	else
		vfs_root(&root);
	/* Build right to left at the end of buf, then move it to the front. */
	size_t pos = size;
	struct mount *m = p->mnt;
	struct dentry *d = p->dentry;
	int err = 0;
	while (!(d == root.dentry && m == root.mnt)) {
		if (d == m->root) {
			if (m->parent == m)
				break;      /* the top of the tree (outside our root) */
			d = m->mountpoint;
			m = m->parent;
			continue;
		}
		size_t len = strlen(d->name);
		if (pos < len + 1) {
			err = -ERANGE;
			break;
		}
		pos -= len;
		memcpy(buf + pos, d->name, len);
		buf[--pos] = '/';
		d = d->parent;
	}
	path_put(&root);
	if (err)
		return err;
	if (pos == size) {
		if (size < 2)
			return -ERANGE;
		buf[--pos] = '/';
	}
	size_t len = size - pos;
	if (len + 1 > size)
		return -ERANGE;
	memmove(buf, buf + pos, len);
	buf[len] = 0;
	return len + 1;
}

int user_path_inode(int dirfd, const char *upath, unsigned lookup, struct inode **result)
{
	char *path;
	int err = path_from_user(upath, lookup & LOOKUP_EMPTY, &path);
	if (err)
		return err;
	if (!*path && dirfd != AT_FDCWD) {
		path_free(path);
		struct file *f = fd_get(dirfd);
		if (!f)
			return -EBADF;
		iref(f->inode);
		*result = f->inode;
		file_put(f);
		return 0;
	}
	struct path p;
	err = path_lookup_at(dirfd, path, lookup, &p);
	path_free(path);
	if (err)
		return err;
	iref(p.dentry->inode);
	*result = p.dentry->inode;
	path_put(&p);
	return 0;
}
