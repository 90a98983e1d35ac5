/* The mount table: which filesystem hangs on which directory.
 *
 * A mount joins a filesystem's root dentry (or, for a bind mount, any
 * directory of it) to a directory (its mount point) of another mount;
 * path resolution (namei.c) crosses into the mounted root when it reaches
 * the mount point, and back out on "..". Mounts hang on the mount point's
 * dentry, so a directory reached through two bind mounts shows what is
 * mounted on it through both (Linux keys them by mount and dentry).
 *
 * The table changes under mount_mutex (mount, umount, /proc/mounts'
 * walk); a dentry's `mounted`, which every path walk reads, changes
 * under the mount_lock spinlock as well. An unmounted struct mount is
 * never freed: a walk or an open file may still be on it (Linux counts
 * references to free it; we only count the long-lived ones, for EBUSY). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <block/block.h>
#include <fs/dentry.h>
#include <fs/namei.h>

struct list_head mount_table = LIST_HEAD_INIT(mount_table);
static struct mount *root_mount;
static struct spinlock mount_lock = SPINLOCK_INIT("mounts");
static struct mutex mount_mutex;
static bool mount_mutex_ready;
static int next_mount_id = 20;      /* Linux's first visible ids are about here */

void path_get(const struct path *p)
{
	dget(p->dentry);
}

void path_put(const struct path *p)
{
	dput(p->dentry);
}

void vfs_root(struct path *root)
{
	root->mnt = root_mount;
	root->dentry = root_mount ? root_mount->root : NULL;
	if (root->dentry)
		path_get(root);
}

void mount_table_lock(void)
{
	if (!mount_mutex_ready) {       /* the first mount, at boot, on one CPU */
		mutex_init(&mount_mutex);
		mount_mutex_ready = true;
	}
	mutex_lock(&mount_mutex);
}

void mount_table_unlock(void)
{
	mutex_unlock(&mount_mutex);
}

void mount_pin(struct mount *m)
{
	if (m)
		__atomic_add_fetch(&m->users, 1, __ATOMIC_RELAXED);
}

void mount_unpin(struct mount *m)
{
	if (m)
		__atomic_sub_fetch(&m->users, 1, __ATOMIC_RELAXED);
}

void mount_pin_writer(struct mount *m)
{
	if (m)
		__atomic_add_fetch(&m->writers, 1, __ATOMIC_RELAXED);
}

void mount_unpin_writer(struct mount *m)
{
	if (m)
		__atomic_sub_fetch(&m->writers, 1, __ATOMIC_RELAXED);
}

/* Hangs m on mp (or makes it "/"); m's sb, root, source, flags are set. */
static int attach(struct mount *m, const struct path *mp)
{
	if (mp && S_ISDIR(mp->dentry->inode->mode) != S_ISDIR(m->root->inode->mode))
		return -ENOTDIR;
	mount_table_lock();
	if (mp && mp->mnt->detached) {
		mount_table_unlock();
		return -ENOENT;         /* Linux: the mount point is gone */
	}
	uint64_t flags = spin_lock_irqsave(&mount_lock);
	if (mp && mp->dentry->mounted) {
		spin_unlock_irqrestore(&mount_lock, flags);
		mount_table_unlock();
		return -EBUSY;
	}
	m->id = next_mount_id++;
	if (mp) {
		m->mountpoint = mp->dentry;
		m->parent = mp->mnt;
		dget(mp->dentry);       /* a mount point stays cached */
		mp->dentry->mounted = m;
	} else {
		m->mountpoint = m->root;
		m->parent = m;
		root_mount = m;
	}
	list_add_tail(&m->link, &mount_table);
	spin_unlock_irqrestore(&mount_lock, flags);
	mount_table_unlock();
	return 0;
}

void mount_detach(struct mount *m)
{
	struct dentry *mp = m->mountpoint;
	uint64_t flags = spin_lock_irqsave(&mount_lock);
	mp->mounted = NULL;
	/* Its own top now: ".." at its root stays there, as in Linux. */
	m->mountpoint = m->root;
	m->parent = m;
	list_del(&m->link);
	m->detached = true;
	spin_unlock_irqrestore(&mount_lock, flags);
	/* The tree's references: a removed directory can be freed on the
	 * disk now. Users inside hold their own. */
	dput(mp);
	dput(m->root);
}

int mount_add(struct super_block *sb, const char *source, const struct path *mp,
	      struct mount **result)
{
	struct mount *m = kzalloc(sizeof(*m));
	struct dentry *root = dentry_make_root(sb, sb->root);
	if (!m || !root) {
		kfree(m);
		kfree(root);
		return -ENOMEM;
	}
	iref(sb->root);             /* the dentry's own reference */
	m->sb = sb;
	m->root = root;
	m->source = source ? source : "none";    /* Linux's name for no source */
	m->flags = MNT_RELATIME;
	int err = attach(m, mp);
	if (err) {
		dput(root);
		kfree(m);
		return err;
	}
	if (result)
		*result = m;
	return 0;
}

int do_bind_mount(const struct path *from, const struct path *mp)
{
	struct mount *m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->sb = from->mnt->sb;
	m->root = from->dentry;
	m->source = from->mnt->source;
	m->flags = from->mnt->flags;    /* as Linux's clone_mnt: the flags of the original */
	dget(m->root);
	int err = attach(m, mp);
	if (err) {
		dput(m->root);
		kfree(m);
	}
	return err;
}

/* Is m below top (or top itself)? mount_mutex held. */
static bool below(const struct mount *m, const struct mount *top)
{
	for (;; m = m->parent) {
		if (m == top)
			return true;
		if (m->parent == m)
			return false;
	}
}

int do_move_mount(const struct path *from, const struct path *to)
{
	struct mount *m = from->mnt;
	if (from->dentry != m->root || m->parent == m)
		return -EINVAL;         /* not a mount point, or "/" */
	if (S_ISDIR(to->dentry->inode->mode) != S_ISDIR(m->root->inode->mode))
		return -ENOTDIR;
	mount_table_lock();
	int err = 0;
	if (m->detached || to->mnt->detached)
		err = -EINVAL;
	else if (below(to->mnt, m))
		err = -ELOOP;           /* into itself */
	else if (to->dentry->mounted)
		err = -EBUSY;
	if (!err) {
		struct dentry *old = m->mountpoint;
		uint64_t flags = spin_lock_irqsave(&mount_lock);
		old->mounted = NULL;
		m->mountpoint = to->dentry;
		m->parent = to->mnt;
		to->dentry->mounted = m;
		spin_unlock_irqrestore(&mount_lock, flags);
		dget(to->dentry);
		dput(old);
	}
	mount_table_unlock();
	return err;
}

/* A copy of source for the mount table ("/dev/" before a disk's name). */
static const char *source_copy(const char *source, bool device)
{
	if (!source)
		return NULL;
	size_t n = strlen(source) + 6;
	char *src = kmalloc(n);
	if (src) {
		strlcpy(src, device && strncmp(source, "/dev/", 5) ? "/dev/" : "", n);
		strlcat(src, source, n);
	}
	return src;
}

/* The block device a disk filesystem's source names: a path to a block
 * device node ("/dev/vda"), or at boot the disk's name ("vda", root=). */
static int source_device(const char *source, struct block_device **result)
{
	if (!source)
		return -EINVAL;         /* Linux: "No source specified" */
	struct path p;
	int err = path_lookup_at(AT_FDCWD, source, LOOKUP_FOLLOW, &p);
	const char *name = strrchr(source, '/') ? strrchr(source, '/') + 1 : source;
	if (err == -ENOENT && !strchr(source, '/') && block_find(source))
		err = 0, p.dentry = NULL;
	if (err)
		return err;
	if (p.dentry) {
		bool blk = S_ISBLK(p.dentry->inode->mode);
		path_put(&p);
		if (!blk)
			return -ENOTBLK;
	}
	*result = block_find(name);
	return *result ? 0 : -ENXIO;
}

int do_new_mount(const char *type_name, const char *source, const char *options,
		 unsigned flags, const struct path *mp)
{
	struct fs_type *type = fs_type_find(type_name);
	if (!type)
		return -ENODEV;
	struct block_device *bdev = NULL;
	if (type->needs_device) {
		int err = source_device(source, &bdev);
		if (err)
			return err;
	}
	struct super_block *sb;
	int err = super_create(type, bdev, options, &sb);
	if (err)
		return err;
	if (flags & MS_RDONLY)
		sb->read_only = true;
	struct mount *m;
	err = mount_add(sb, source_copy(source, bdev), mp, &m);
	if (!err)
		m->flags = mount_flags_from(flags);
	return err;
}

int mount_fs(const char *type_name, const char *source, const char *options, const char *where)
{
	struct path mp = { 0 };
	bool is_root = !strcmp(where, "/") && !root_mount;
	if (!is_root) {
		int err = path_lookup_at(AT_FDCWD, where, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &mp);
		if (err)
			return err;
	}
	int err = do_new_mount(type_name, source, options, 0, is_root ? NULL : &mp);
	if (!is_root)
		path_put(&mp);
	return err;
}
