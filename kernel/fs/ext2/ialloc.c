/* ext2: the inode allocator. Like blocks, an inode's allocation is a bit
 * in its group's inode bitmap plus the free counts (and, for directories,
 * bg_used_dirs_count), changed together under alloc_lock. New
 * directories go to a roomy group, files next to their directory. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <fs/permission.h>
#include "ext2.h"

/* A group for a new directory: one with at least the average number of
 * free inodes and, among those, the most free blocks, so trees spread. */
static uint32_t dir_group(struct ext2_sb *s, uint32_t parent_group)
{
	uint32_t avg = s->sb.s_free_inodes_count / s->groups, best = parent_group;
	int best_blocks = -1;
	for (uint32_t i = 0; i < s->groups; i++) {
		uint32_t g = (parent_group + i) % s->groups;
		struct ext2_group_desc *gd = &s->gd[g];
		if (gd->bg_free_inodes_count && gd->bg_free_inodes_count >= avg &&
		    (int)gd->bg_free_blocks_count > best_blocks) {
			best = g;
			best_blocks = gd->bg_free_blocks_count;
		}
	}
	return best;
}

/* Takes an inode bit, from group g0 on; returns the inode number or an errno. */
static int64_t take_inode(struct super_block *sb, uint32_t g0, bool dir)
{
	struct ext2_sb *s = EXT2_SB(sb);
	uint32_t ipg = s->sb.s_inodes_per_group;
	for (uint32_t i = 0; i < s->groups; i++) {
		uint32_t g = (g0 + i) % s->groups;
		if (!s->gd[g].bg_free_inodes_count)
			continue;
		struct buf *b = ext2_bread_bitmap(sb, s->gd[g].bg_inode_bitmap);
		if (IS_ERR(b))
			return PTR_ERR(b);
		/* The reserved inodes (1 to first_ino - 1) are all in group 0. */
		uint32_t from = g == 0 ? s->first_ino - 1 : 0;
		int bit = from < ipg ? ext2_bitmap_take(b->data, from, ipg) : -ENOSPC;
		if (bit >= 0)
			bdirty(b);
		brelse(b);
		if (bit < 0)
			continue;   /* the count was wrong; e2fsck will say so */
		s->gd[g].bg_free_inodes_count--;
		s->sb.s_free_inodes_count--;
		if (dir)
			s->gd[g].bg_used_dirs_count++;
		s->dirty = true;
		return (int64_t)g * ipg + bit + 1;
	}
	return -ENOSPC;
}

/* Gives the inode's bit back (its number, whether it was a directory). */
static void release_inode(struct super_block *sb, uint64_t ino, bool dir)
{
	struct ext2_sb *s = EXT2_SB(sb);
	uint32_t g = (ino - 1) / s->sb.s_inodes_per_group;
	uint32_t bit = (ino - 1) % s->sb.s_inodes_per_group;
	mutex_lock(&s->alloc_lock);
	struct buf *b = ext2_bread_bitmap(sb, s->gd[g].bg_inode_bitmap);
	if (!IS_ERR(b)) {
		if (!ext2_bitmap_release(b->data, bit)) {
			ext2_corrupt(ino, "freeing an inode that is already free");
		} else {
			bdirty(b);
			s->gd[g].bg_free_inodes_count++;
			s->sb.s_free_inodes_count++;
			if (dir && s->gd[g].bg_used_dirs_count)
				s->gd[g].bg_used_dirs_count--;
			s->dirty = true;
		}
		brelse(b);
	}
	mutex_unlock(&s->alloc_lock);
}

int ext2_new_inode(struct inode *dir, uint32_t mode, struct inode **result)
{
	struct super_block *sb = dir->sb;
	struct ext2_sb *s = EXT2_SB(sb);
	bool is_dir = S_ISDIR(mode);
	uint32_t parent_group = (dir->ino - 1) / s->sb.s_inodes_per_group;

	mutex_lock(&s->alloc_lock);
	int64_t ino = is_dir ? take_inode(sb, dir_group(s, parent_group), true)
			     : take_inode(sb, parent_group, false);
	mutex_unlock(&s->alloc_lock);
	if (ino < 0)
		return ino;

	int err = -ENOMEM;
	struct inode *inode = inode_new(sb);
	if (!inode)
		goto out_release;
	struct ext2_inode_info *ei = kzalloc(sizeof(*ei));
	if (!ei)
		goto out_iput;
	/* A fresh on-disk inode: whatever a previous owner left is gone. */
	uint32_t off;
	struct buf *b = ext2_inode_buf(sb, ino, &off);
	if (IS_ERR(b)) {
		err = PTR_ERR(b);
		goto out_free;
	}
	memset(b->data + off, 0, s->inode_size);
	bdirty(b);
	brelse(b);

	inode->ino = ino;
	inode->mode = inode_init_owner(inode, dir, mode);
	inode->fs_private = ei;
	ei->block_group = (ino - 1) / s->sb.s_inodes_per_group;
	ext2_set_ops(inode);
	inode_hash(inode);
	mark_inode_dirty(inode);
	*result = inode;
	return 0;

out_free:
	kfree(ei);
out_iput:
	iput(inode);    /* nlink 1, clean: just freed */
out_release:
	release_inode(sb, ino, is_dir);
	return err;
}

void ext2_free_inode(struct inode *inode)
{
	release_inode(inode->sb, inode->ino, S_ISDIR(inode->mode));
}
