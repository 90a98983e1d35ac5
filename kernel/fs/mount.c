/* The mount table: which filesystem hangs on which directory.
 *
 * A mount joins a filesystem's root dentry to a directory (its mount
 * point) of another mount; path resolution (namei.c) crosses into the
 * mounted root when it reaches the mount point, and back out on "..". */
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

int mount_add(struct super_block *sb, const char *source, const struct path *mp,
	      struct mount **result)
{
	if (mp && !S_ISDIR(mp->dentry->inode->mode))
		return -ENOTDIR;
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
	m->source = source ? source : sb->type->name;
	uint64_t flags = spin_lock_irqsave(&mount_lock);
	if (mp) {
		if (mp->dentry->mounted) {
			spin_unlock_irqrestore(&mount_lock, flags);
			dput(root);
			kfree(m);
			return -EBUSY;
		}
		m->mountpoint = mp->dentry;
		m->parent = mp->mnt;
		dget(mp->dentry);       /* a mount point stays cached */
		mp->dentry->mounted = m;
	} else {
		m->mountpoint = root;
		m->parent = m;
		root_mount = m;
	}
	list_add_tail(&m->link, &mount_table);
	spin_unlock_irqrestore(&mount_lock, flags);
	if (result)
		*result = m;
	return 0;
}

int mount_fs(const char *type_name, const char *source, const char *options, const char *where)
{
	struct fs_type *type = fs_type_find(type_name);
	if (!type)
		return -ENODEV;
	struct block_device *bdev = NULL;
	if (type->needs_device) {
		bdev = source ? block_find(source) : NULL;
		if (!bdev)
			return -ENXIO;
	}
	struct path mp = { 0 };
	bool is_root = !strcmp(where, "/") && !root_mount;
	if (!is_root) {
		int err = path_lookup_at(AT_FDCWD, where, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &mp);
		if (err)
			return err;
	}
	struct super_block *sb;
	int err = super_create(type, bdev, options, &sb);
	if (!err) {
		char *src = NULL;
		if (source) {
			size_t n = strlen(source) + 6;
			src = kmalloc(n);
			if (src) {
				strlcpy(src, bdev ? "/dev/" : "", n);
				strlcat(src, source, n);
			}
		}
		err = mount_add(sb, src, is_root ? NULL : &mp, NULL);
	}
	if (!is_root)
		path_put(&mp);
	return err;
}
