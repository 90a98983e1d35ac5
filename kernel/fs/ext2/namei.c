/* ext2: the directory operations (inode_operations of a directory):
 * lookup, create, mkdir, symlink, link, unlink, rmdir, rename. Each one
 * changes directory entries (dir.c) and link counts in the order Linux's
 * ext2 does, so that an interrupted operation leaves at worst an extra
 * link, never a name pointing to a freed inode. The VFS holds sb->lock. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include "ext2.h"

#define EXT2_LINK_MAX 32000

/* Every change checks read_only itself too: the VFS does, but a
 * filesystem mounted read-only for an unknown feature must never write. */

static int ext2_lookup(struct inode *dir, const char *name, struct inode **result)
{
	uint32_t ino;
	int err = ext2_find_entry(dir, name, &ino);
	if (err)
		return err;
	return iget(dir->sb, ino, result);
}

/* A new inode was made but cannot be linked: give it back. */
static void discard(struct inode *inode)
{
	inode->nlink = 0;
	iput(inode);        /* evict_inode frees its blocks and the inode */
}

static int ext2_create(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
		       struct inode **result)
{
	if (dir->sb->read_only)
		return -EROFS;
	struct inode *inode;
	int err = ext2_new_inode(dir, mode, &inode);
	if (err)
		return err;
	if (S_ISCHR(mode) || S_ISBLK(mode))
		ext2_encode_rdev(inode, rdev);
	if ((err = ext2_add_entry(dir, name, inode))) {
		discard(inode);
		return err;
	}
	*result = inode;
	return 0;
}

static int ext2_mkdir(struct inode *dir, const char *name, uint32_t mode, struct inode **result)
{
	if (dir->sb->read_only)
		return -EROFS;
	if (dir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	struct inode *inode;
	int err = ext2_new_inode(dir, S_IFDIR | (mode & 07777), &inode);
	if (err)
		return err;
	inode->nlink = 2;       /* its name and its "." */
	if ((err = ext2_make_empty(inode, dir)) || (err = ext2_add_entry(dir, name, inode))) {
		discard(inode);
		return err;
	}
	dir->nlink++;           /* the new "..": */
	mark_inode_dirty(dir);
	*result = inode;
	return 0;
}

static int ext2_symlink(struct inode *dir, const char *name, const char *target,
			struct inode **result)
{
	if (dir->sb->read_only)
		return -EROFS;
	if (strlen(target) >= dir->sb->block_size)
		return -ENAMETOOLONG;
	struct inode *inode;
	int err = ext2_new_inode(dir, S_IFLNK | 0777, &inode);
	if (err)
		return err;
	if ((err = ext2_write_symlink(inode, target)) || (err = ext2_add_entry(dir, name, inode))) {
		discard(inode);
		return err;
	}
	*result = inode;
	return 0;
}

static int ext2_link(struct inode *inode, struct inode *dir, const char *name)
{
	if (dir->sb->read_only)
		return -EROFS;
	if (inode->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	int err = ext2_add_entry(dir, name, inode);
	if (err)
		return err;
	inode->nlink++;
	inode->ctime = current_time();
	mark_inode_dirty(inode);
	return 0;
}

static int ext2_unlink(struct inode *dir, const char *name, struct inode *victim)
{
	if (dir->sb->read_only)
		return -EROFS;
	int err = ext2_delete_entry(dir, name);
	if (err)
		return err;
	victim->ctime = dir->ctime;
	if (victim->nlink)
		victim->nlink--;
	mark_inode_dirty(victim);
	return 0;
}

static int ext2_rmdir(struct inode *dir, const char *name, struct inode *victim)
{
	if (dir->sb->read_only)
		return -EROFS;
	int empty = ext2_dir_empty(victim);
	if (empty <= 0)
		return empty < 0 ? empty : -ENOTEMPTY;
	int err = ext2_delete_entry(dir, name);
	if (err)
		return err;
	/* Its name and its "." go; its ".." no longer links to dir. */
	victim->nlink = 0;
	victim->size = 0;
	victim->ctime = dir->ctime;
	mark_inode_dirty(victim);
	if (dir->nlink > 2)
		dir->nlink--;
	mark_inode_dirty(dir);
	return 0;
}

static int ext2_rename(struct inode *old_dir, const char *old_name, struct inode *source,
		       struct inode *new_dir, const char *new_name, struct inode *target)
{
	if (old_dir->sb->read_only)
		return -EROFS;
	bool is_dir = S_ISDIR(source->mode);
	int err;
	if (target && is_dir) {
		int empty = ext2_dir_empty(target);
		if (empty <= 0)
			return empty < 0 ? empty : -ENOTEMPTY;
	}
	/* The new name first: a crash in between leaves two names, not none. */
	if (target) {
		if ((err = ext2_set_entry(new_dir, new_name, source, true)))
			return err;
		target->ctime = current_time();
		target->nlink = is_dir || target->nlink == 0 ? 0 : target->nlink - 1;
		if (is_dir)
			target->size = 0;
		mark_inode_dirty(target);
	} else {
		if (is_dir && new_dir != old_dir && new_dir->nlink >= EXT2_LINK_MAX)
			return -EMLINK;
		if ((err = ext2_add_entry(new_dir, new_name, source)))
			return err;
		if (is_dir) {
			new_dir->nlink++;
			mark_inode_dirty(new_dir);
		}
	}
	source->ctime = current_time();
	mark_inode_dirty(source);
	if ((err = ext2_delete_entry(old_dir, old_name)))
		return err;
	if (is_dir) {
		/* Its ".." now names new_dir, which old_dir loses as a link. */
		if (old_dir != new_dir && (err = ext2_set_entry(source, "..", new_dir, false)))
			return err;
		if (old_dir->nlink > 2)
			old_dir->nlink--;
		mark_inode_dirty(old_dir);
	}
	return 0;
}

const struct inode_operations ext2_dir_iops = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.mkdir = ext2_mkdir,
	.symlink = ext2_symlink,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.rename = ext2_rename,
};
