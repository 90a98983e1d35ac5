/* tmpfs: a filesystem that lives only in memory (/tmp).
 *
 * A file's data is its pages in the page cache (there is no disk to
 * write them to); a directory is a list of names, each holding a
 * reference to its inode so that nothing is freed while it has a name.
 * Every directory entry has a number that never changes, which is the
 * getdents cookie: removing entries during a listing (rm -r) skips none. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <linux/magic.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/chrdev.h>
#include <fs/tmpfs.h>
#include <fs/permission.h>
#include <x86/memlayout.h>
#include "tmpfs_sb.h"

struct tmpfs_dirent {
	char *name;
	struct inode *inode;        /* referenced */
	uint64_t cookie;
	struct list_head link;
};

struct tmpfs_dir {
	struct list_head entries;   /* in order of cookie */
	uint64_t next_cookie;
	uint64_t parent_ino;        /* for ".." */
};

static const struct inode_operations tmpfs_dir_iops, tmpfs_file_iops, tmpfs_link_iops;
static const struct file_operations tmpfs_dir_fops;

/* dir: where it is created (NULL for the root), for its owner. */
static struct inode *tmpfs_new_inode(struct super_block *sb, const struct inode *dir, uint32_t mode,
				     dev_t rdev)
{
	if (!tmpfs_charge_inode(sb))
		return NULL;            /* nr_inodes= reached: ENOSPC */
	struct inode *inode = inode_new(sb);
	if (!inode) {
		tmpfs_uncharge_inode(sb);
		return NULL;
	}
	struct tmpfs_sb *ts = sb->fs_private;
	inode->ino = __atomic_add_fetch(&ts->next_ino, 1, __ATOMIC_RELAXED);
	inode->mode = mode = inode_init_owner(inode, dir, mode);
	inode->rdev = rdev;
	if (S_ISDIR(mode)) {
		struct tmpfs_dir *d = kzalloc(sizeof(*d));
		if (!d) {
			inode->nlink = 0;
			iput(inode);
			return NULL;
		}
		list_init(&d->entries);
		d->next_cookie = 2;     /* 0 and 1 are "." and ".." */
		inode->fs_private = d;
		inode->nlink = 2;
		inode->iop = &tmpfs_dir_iops;
		inode->fop = &tmpfs_dir_fops;
	} else if (S_ISLNK(mode)) {
		inode->iop = &tmpfs_link_iops;
	} else if (S_ISREG(mode)) {
		inode->iop = &tmpfs_file_iops;
		inode->fop = &generic_file_ops;
		inode->aops = &tmpfs_aops;
	} else {
		inode->fop = &chrdev_open_ops;  /* devices (and fifos, later) */
	}
	inode_hash(inode);
	return inode;
}

static struct tmpfs_dirent *find(struct inode *dir, const char *name)
{
	struct tmpfs_dir *d = dir->fs_private;
	struct tmpfs_dirent *e;
	list_for_each_entry(e, &d->entries, link)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

/* Links inode into dir as name (the entry takes a new reference). */
static int add_entry(struct inode *dir, const char *name, struct inode *inode)
{
	struct tmpfs_dir *d = dir->fs_private;
	struct tmpfs_dirent *e = kzalloc(sizeof(*e));
	size_t n = strlen(name) + 1;
	char *copy = kmalloc(n);
	if (!e || !copy) {
		kfree(e);
		kfree(copy);
		return -ENOSPC;
	}
	memcpy(copy, name, n);
	e->name = copy;
	e->inode = inode;
	iref(inode);
	e->cookie = d->next_cookie++;
	list_add_tail(&e->link, &d->entries);
	dir->size += 20;            /* like Linux's tmpfs: a size that grows with entries */
	inode_touch(dir);
	return 0;
}

static void remove_entry(struct inode *dir, struct tmpfs_dirent *e)
{
	list_del(&e->link);
	dir->size -= 20;
	inode_touch(dir);
	struct inode *inode = e->inode;
	kfree(e->name);
	kfree(e);
	iput(inode);
}

static int tmpfs_lookup(struct inode *dir, const char *name, struct inode **result)
{
	struct tmpfs_dirent *e = find(dir, name);
	if (!e)
		return -ENOENT;
	iref(e->inode);
	*result = e->inode;
	return 0;
}

static int make(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
		struct inode **result)
{
	struct inode *inode = tmpfs_new_inode(dir->sb, dir, mode, rdev);
	if (!inode)
		return -ENOSPC;
	int err = add_entry(dir, name, inode);
	if (err) {
		inode->nlink = 0;
		iput(inode);
		return err;
	}
	if (S_ISDIR(mode)) {
		((struct tmpfs_dir *)inode->fs_private)->parent_ino = dir->ino;
		dir->nlink++;
	}
	*result = inode;
	return 0;
}

static int tmpfs_create(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
			struct inode **result)
{
	return make(dir, name, mode, rdev, result);
}

static int tmpfs_mkdir(struct inode *dir, const char *name, uint32_t mode, struct inode **result)
{
	return make(dir, name, S_IFDIR | (mode & 07777), 0, result);
}

static int tmpfs_symlink(struct inode *dir, const char *name, const char *target,
			 struct inode **result)
{
	size_t n = strlen(target);
	char *copy = kmalloc(n + 1);
	if (!copy)
		return -ENOSPC;
	memcpy(copy, target, n + 1);
	int err = make(dir, name, S_IFLNK | 0777, 0, result);
	if (err) {
		kfree(copy);
		return err;
	}
	(*result)->fs_private = copy;
	(*result)->size = n;
	return 0;
}

static int tmpfs_link(struct inode *inode, struct inode *dir, const char *name)
{
	int err = add_entry(dir, name, inode);
	if (!err) {
		inode->nlink++;
		inode->ctime = current_time();
	}
	return err;
}

static int tmpfs_unlink(struct inode *dir, const char *name, struct inode *victim)
{
	struct tmpfs_dirent *e = find(dir, name);
	if (!e)
		return -ENOENT;
	victim->nlink--;
	victim->ctime = current_time();
	remove_entry(dir, e);
	return 0;
}

static bool dir_empty(struct inode *dir)
{
	return list_empty(&((struct tmpfs_dir *)dir->fs_private)->entries);
}

static int tmpfs_rmdir(struct inode *dir, const char *name, struct inode *victim)
{
	if (!dir_empty(victim))
		return -ENOTEMPTY;
	struct tmpfs_dirent *e = find(dir, name);
	if (!e)
		return -ENOENT;
	victim->nlink = 0;
	dir->nlink--;
	remove_entry(dir, e);
	return 0;
}

static int tmpfs_rename(struct inode *old_dir, const char *old_name, struct inode *source,
			struct inode *new_dir, const char *new_name, struct inode *target)
{
	bool is_dir = S_ISDIR(source->mode);
	if (target && is_dir && !dir_empty(target))
		return -ENOTEMPTY;
	struct tmpfs_dirent *e = find(old_dir, old_name);
	if (!e)
		return -ENOENT;
	if (target) {
		struct tmpfs_dirent *t = find(new_dir, new_name);
		if (is_dir) {
			target->nlink = 0;
			new_dir->nlink--;
		} else {
			target->nlink--;
		}
		target->ctime = current_time();
		remove_entry(new_dir, t);
	}
	/* Move the entry itself: the inode keeps its reference. */
	size_t n = strlen(new_name) + 1;
	char *copy = kmalloc(n);
	if (!copy)
		return -ENOSPC;
	memcpy(copy, new_name, n);
	kfree(e->name);
	e->name = copy;
	list_del(&e->link);
	old_dir->size -= 20;
	struct tmpfs_dir *nd = new_dir->fs_private;
	e->cookie = nd->next_cookie++;
	list_add_tail(&e->link, &nd->entries);
	new_dir->size += 20;
	if (is_dir && old_dir != new_dir) {
		((struct tmpfs_dir *)source->fs_private)->parent_ino = new_dir->ino;
		old_dir->nlink--;
		new_dir->nlink++;
	}
	source->ctime = current_time();
	inode_touch(old_dir);
	inode_touch(new_dir);
	return 0;
}

static int tmpfs_readlink(struct inode *inode, char *buf, size_t size)
{
	size_t n = inode->size < size ? inode->size : size;
	memcpy(buf, inode->fs_private, n);
	return n;
}

static int tmpfs_truncate(struct inode *inode, uint64_t size)
{
	inode->size = size;     /* the VFS has trimmed the cached pages */
	return 0;
}

static int tmpfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	struct tmpfs_dir *d = dir->fs_private;
	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		uint64_t parent = d->parent_ino ? d->parent_ino : dir->ino;
		if (!ctx->emit(ctx, "..", 2, parent, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	struct tmpfs_dirent *e;
	list_for_each_entry(e, &d->entries, link) {
		if (e->cookie < ctx->pos)
			continue;
		if (!ctx->emit(ctx, e->name, strlen(e->name), e->inode->ino, dt_type(e->inode->mode)))
			return 0;
		ctx->pos = e->cookie + 1;
	}
	return 0;
}

static void tmpfs_destroy_inode(struct inode *inode)
{
	if (S_ISDIR(inode->mode) || S_ISLNK(inode->mode))
		kfree(inode->fs_private);
	tmpfs_uncharge_inode(inode->sb);
}

static const struct inode_operations tmpfs_dir_iops = {
	.lookup = tmpfs_lookup, .create = tmpfs_create, .mkdir = tmpfs_mkdir,
	.symlink = tmpfs_symlink, .link = tmpfs_link, .unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir, .rename = tmpfs_rename,
};
static const struct inode_operations tmpfs_file_iops = { .truncate = tmpfs_truncate };
static const struct inode_operations tmpfs_link_iops = { .readlink = tmpfs_readlink };
static const struct file_operations tmpfs_dir_fops = { .iterate = tmpfs_iterate };

static int tmpfs_read_inode(struct inode *inode)
{
	return -ESTALE;     /* every tmpfs inode is created in memory, never read */
}

static const struct super_operations tmpfs_sops = {
	.read_inode = tmpfs_read_inode,
	.destroy_inode = tmpfs_destroy_inode,
	.statfs = tmpfs_statfs,
	.remount = tmpfs_remount,
	.show_options = tmpfs_show_options,
};

static int tmpfs_fill_super(struct super_block *sb, struct block_device *source, const char *options)
{
	struct tmpfs_sb *ts = kzalloc(sizeof(*ts));
	if (!ts)
		return -ENOMEM;
	ts->next_ino = 1;
	ts->root_mode = 01777;
	int err = tmpfs_parse_options(ts, options);
	if (err) {
		kfree(ts);
		return err;
	}
	sb->fs_private = ts;
	sb->ops = &tmpfs_sops;
	sb->magic = TMPFS_MAGIC;
	sb->block_size = 4096;
	struct inode *root = tmpfs_new_inode(sb, NULL, S_IFDIR | ts->root_mode, 0);
	if (!root) {
		kfree(ts);
		return -ENOMEM;
	}
	root->uid = ts->root_uid;
	root->gid = ts->root_gid;
	sb->root = root;    /* the superblock's reference keeps the root alive */
	return 0;
}

static struct fs_type tmpfs_type = { .name = "tmpfs", .fill_super = tmpfs_fill_super };

void tmpfs_init(void)
{
	fs_type_register(&tmpfs_type);
}

struct super_block *tmpfs_internal_super(struct super_block **slot)
{
	struct super_block *sb = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (sb)
		return sb;
	struct fs_type *tmpfs = fs_type_find("tmpfs");
	if (!tmpfs || super_create(tmpfs, NULL, NULL, &sb))
		return NULL;
	struct super_block *expected = NULL;
	if (!__atomic_compare_exchange_n(slot, &expected, sb, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return expected;        /* another task made one first; ours stays unused */
	return sb;
}

struct inode *tmpfs_new_unlinked_file(struct super_block *sb, uint32_t mode)
{
	struct inode *inode = tmpfs_new_inode(sb, NULL, S_IFREG | mode, 0);
	if (inode)
		inode->nlink = 0;
	return inode;
}
