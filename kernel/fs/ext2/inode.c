/* ext2: inodes on the disk. Reading and writing an inode's attributes,
 * and the block map: an inode's i_block[] holds 12 direct block numbers,
 * then a single, a double and a triple indirect block, each a block full
 * of block numbers (0: a hole). Every number read from the disk is
 * checked before it is used. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <fs/chrdev.h>
#include "ext2.h"

struct buf *ext2_inode_buf(struct super_block *sb, uint64_t ino, uint32_t *off)
{
	struct ext2_sb *s = EXT2_SB(sb);
	uint32_t g = (ino - 1) / s->sb.s_inodes_per_group;
	uint32_t index = (ino - 1) % s->sb.s_inodes_per_group;
	*off = (index % s->inodes_per_block) * s->inode_size;
	return ext2_bread(sb, s->gd[g].bg_inode_table + index / s->inodes_per_block);
}

void ext2_set_ops(struct inode *inode)
{
	inode->aops = NULL;
	inode->fop = NULL;
	if (S_ISREG(inode->mode)) {
		inode->iop = &ext2_file_iops;
		inode->fop = &generic_file_ops;
		inode->aops = &ext2_aops;
	} else if (S_ISDIR(inode->mode)) {
		inode->iop = &ext2_dir_iops;
		inode->fop = &ext2_dir_fops;
	} else if (S_ISLNK(inode->mode)) {
		inode->iop = &ext2_symlink_iops;
	} else {
		inode->iop = NULL;
		inode->fop = &chrdev_open_ops;   /* devices, fifos, sockets */
	}
}

/* Device numbers in i_block: Linux's old 8:8 form in i_block[0] when it
 * fits, else the new 12:20 form in i_block[1]. */
static dev_t decode_rdev(const uint32_t *blocks)
{
	if (blocks[0])
		return MKDEV((blocks[0] >> 8) & 0xff, blocks[0] & 0xff);
	uint32_t d = blocks[1];
	return MKDEV((d & 0xfff00) >> 8, (d & 0xff) | ((d >> 12) & 0xfff00));
}

void ext2_encode_rdev(struct inode *inode, dev_t rdev)
{
	uint32_t *blocks = EXT2_I(inode)->i_block;
	unsigned ma = MAJOR(rdev), mi = MINOR(rdev);
	memset(blocks, 0, sizeof(EXT2_I(inode)->i_block));
	if (ma < 256 && mi < 256)
		blocks[0] = ma << 8 | mi;
	else
		blocks[1] = (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
	inode->rdev = rdev;
}

int ext2_read_inode(struct inode *inode)
{
	struct super_block *sb = inode->sb;
	struct ext2_sb *s = EXT2_SB(sb);
	/* Like Linux: of the reserved inodes only the root may be opened. */
	if ((inode->ino != EXT2_ROOT_INO && inode->ino < s->first_ino) ||
	    inode->ino > s->sb.s_inodes_count)
		return ext2_corrupt(inode->ino, "inode number out of range");
	struct ext2_inode_info *ei = kzalloc(sizeof(*ei));
	if (!ei)
		return -ENOMEM;
	uint32_t off;
	struct buf *b = ext2_inode_buf(sb, inode->ino, &off);
	if (IS_ERR(b)) {
		kfree(ei);
		return PTR_ERR(b);
	}
	struct ext2_inode raw;
	memcpy(&raw, b->data + off, sizeof(raw));
	brelse(b);
	if (raw.i_links_count == 0 && (raw.i_mode == 0 || raw.i_dtime)) {
		kfree(ei);
		return ext2_corrupt(inode->ino, "deleted inode referenced");
	}
	inode->mode = raw.i_mode;
	inode->uid = raw.i_uid | (uint32_t)raw.i_uid_high << 16;
	inode->gid = raw.i_gid | (uint32_t)raw.i_gid_high << 16;
	inode->size = raw.i_size;
	if (S_ISREG(inode->mode))
		inode->size |= (uint64_t)raw.i_size_high << 32;
	inode->nlink = raw.i_links_count;
	inode->blocks = raw.i_blocks;
	inode->atime = (struct timespec64){ .sec = raw.i_atime };
	inode->mtime = (struct timespec64){ .sec = raw.i_mtime };
	inode->ctime = (struct timespec64){ .sec = raw.i_ctime };
	memcpy(ei->i_block, raw.i_block, sizeof(ei->i_block));
	ei->i_flags = raw.i_flags;
	ei->i_file_acl = raw.i_file_acl;
	ei->i_dtime = raw.i_dtime;
	ei->block_group = (inode->ino - 1) / s->sb.s_inodes_per_group;
	inode->fs_private = ei;
	if (S_ISCHR(inode->mode) || S_ISBLK(inode->mode))
		inode->rdev = decode_rdev(ei->i_block);
	ext2_set_ops(inode);
	return 0;
}

int ext2_write_inode(struct inode *inode)
{
	struct super_block *sb = inode->sb;
	struct ext2_sb *s = EXT2_SB(sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	if (!ei)
		return 0;
	/* A file of 2 GiB or more needs large_file (set before the inode
	 * buffer is taken: alloc_lock comes first). */
	if (S_ISREG(inode->mode) && inode->size > 0x7fffffffu &&
	    !(s->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)) {
		mutex_lock(&s->alloc_lock);
		s->sb.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
		s->dirty = true;
		mutex_unlock(&s->alloc_lock);
	}
	uint32_t off;
	struct buf *b = ext2_inode_buf(sb, inode->ino, &off);
	if (IS_ERR(b))
		return PTR_ERR(b);
	/* Read-modify-write: fields we do not know (i_generation, the
	 * large-inode tail) stay as they are. */
	struct ext2_inode *raw = (struct ext2_inode *)(b->data + off);
	raw->i_mode = inode->mode;
	raw->i_uid = inode->uid & 0xffff;
	raw->i_uid_high = inode->uid >> 16;
	raw->i_gid = inode->gid & 0xffff;
	raw->i_gid_high = inode->gid >> 16;
	raw->i_size = (uint32_t)inode->size;
	if (S_ISREG(inode->mode))
		raw->i_size_high = inode->size >> 32;
	raw->i_links_count = inode->nlink;
	raw->i_blocks = inode->blocks;
	raw->i_atime = inode->atime.sec;
	raw->i_mtime = inode->mtime.sec;
	raw->i_ctime = inode->ctime.sec;
	raw->i_dtime = ei->i_dtime;
	raw->i_flags = ei->i_flags;
	raw->i_file_acl = ei->i_file_acl;
	memcpy(raw->i_block, ei->i_block, sizeof(raw->i_block));
	bdirty(b);
	brelse(b);
	return 0;
}

int ext2_inode_to_disk(struct inode *inode)
{
	int err = ext2_write_inode(inode);
	if (err)
		return err;
	/* The bitmaps first, the inode's own bit with them. Its block of the
	 * inode table holds its neighbours too, whose write-back may have
	 * copied in pointers to blocks just allocated: those must not reach
	 * the disk ahead of the bits that mark the blocks used (a crash
	 * would leave two files free to claim them). Early bits cost a leak
	 * at worst: frees wait for bsync (balloc.c's pending list). */
	err = ext2_write_bitmaps(inode->sb);
	if (err)
		return err;
	uint32_t off;
	struct buf *b = ext2_inode_buf(inode->sb, inode->ino, &off);
	if (IS_ERR(b))
		return PTR_ERR(b);
	err = b->dirty ? bwrite(b) : 0;
	brelse(b);
	return err;
}

void ext2_destroy_inode(struct inode *inode)
{
	kfree(inode->fs_private);
	inode->fs_private = NULL;
}

/* Fast symlinks keep their target in i_block: no blocks to free. */
bool ext2_has_data_blocks(struct inode *inode)
{
	if (S_ISREG(inode->mode) || S_ISDIR(inode->mode))
		return true;
	if (!S_ISLNK(inode->mode))
		return false;
	uint64_t ea = EXT2_I(inode)->i_file_acl ? inode->sb->block_size / 512 : 0;
	return inode->blocks > ea;
}

/* Drops the inode's reference to its extended-attribute block, freeing
 * the block with the last reference (blocks are shared). */
static void release_xattr(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	uint32_t blk = ei->i_file_acl;
	ei->i_file_acl = 0;
	if (!ext2_data_block_valid(EXT2_SB(inode->sb), blk)) {
		ext2_corrupt(inode->ino, "xattr block %u out of range", blk);
		return;
	}
	struct buf *b = ext2_bread(inode->sb, blk);
	if (IS_ERR(b))
		return;
	struct ext2_xattr_header *h = (struct ext2_xattr_header *)b->data;
	bool free = false;
	if (h->h_magic != EXT2_XATTR_MAGIC || h->h_refcount == 0) {
		ext2_corrupt(inode->ino, "bad xattr block %u", blk);
	} else {
		free = --h->h_refcount == 0;
		bdirty(b);
		inode->blocks -= inode->sb->block_size / 512;
	}
	brelse(b);
	if (free)
		ext2_free_block(inode->sb, blk);
}

/* The last reference to an unlinked inode: its blocks, its xattr block,
 * then the inode itself (written with a deletion time, as e2fsck expects
 * of a free inode). Called with inode->lock held. */
void ext2_evict_inode(struct inode *inode)
{
	assert_held(&inode->lock);
	struct ext2_inode_info *ei = EXT2_I(inode);
	if (!ei)
		return;
	if (ext2_has_data_blocks(inode))
		ext2_free_blocks_from(inode, 0);
	if (ei->i_file_acl)
		release_xattr(inode);
	inode->size = 0;
	ei->i_dtime = current_time().sec;
	/* Deleted on the disk before its bit is cleared: a crash leaves an
	 * inode marked in use that nothing uses, never the reverse. */
	ext2_inode_to_disk(inode);
	inode->dirty = false;
	ext2_free_inode(inode);
}

/* --- the block map -------------------------------------------------------------- */

/* Splits a file block number into the path through the indirect blocks:
 * off[0] indexes i_block, off[1..] the indirect blocks. Returns the depth
 * (1 to 4), or 0 past what a triple indirect block reaches. */
static int block_path(struct ext2_sb *s, uint64_t fb, unsigned off[4])
{
	uint64_t apb = s->addr_per_block, mask = apb - 1;
	unsigned sh = s->addr_shift;
	if (fb < EXT2_NDIR_BLOCKS) {
		off[0] = fb;
		return 1;
	}
	fb -= EXT2_NDIR_BLOCKS;
	if (fb < apb) {
		off[0] = EXT2_IND_BLOCK;
		off[1] = fb;
		return 2;
	}
	fb -= apb;
	if (fb < apb * apb) {
		off[0] = EXT2_DIND_BLOCK;
		off[1] = fb >> sh;
		off[2] = fb & mask;
		return 3;
	}
	fb -= apb * apb;
	if (fb < apb * apb * apb) {
		off[0] = EXT2_TIND_BLOCK;
		off[1] = fb >> 2 * sh;
		off[2] = (fb >> sh) & mask;
		off[3] = fb & mask;
		return 4;
	}
	return 0;
}

/* blk, read from i_block (parent 0) or from indirect block parent, must
 * be a data block of the filesystem: one console line if not. */
static __maybe_unused int check_block(struct inode *inode, uint32_t blk, uint32_t parent)
{
	struct ext2_sb *s = EXT2_SB(inode->sb);
	const char *what = !ext2_block_valid(s, blk) ? "out of range"
			   : !ext2_data_block_valid(s, blk) ? "is filesystem metadata" : NULL;
	if (!what)
		return 0;
	if (parent)
		return ext2_corrupt(inode->ino, "block %u (in indirect block %u) %s", blk, parent, what);
	return ext2_corrupt(inode->ino, "block %u %s", blk, what);
}

/* A new block for inode, near its last one; indirect blocks are zeroed,
 * on the disk too, before anything points to them. */
static __maybe_unused int alloc_for(struct inode *inode, bool indirect, uint32_t *result)
{
	struct ext2_sb *s = EXT2_SB(inode->sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	uint32_t goal = ei->last_block ? ei->last_block + 1
				       : s->sb.s_first_data_block + ei->block_group * s->sb.s_blocks_per_group;
	int err = ext2_new_block(inode->sb, goal, result);
	if (err)
		return err;
	if (indirect) {
		/* On the disk before anything can point to it: the block may
		 * hold a deleted file's data, which a crash must not leave
		 * looking like block numbers. */
		struct buf *b = ext2_bget_zero(inode->sb, *result);
		int e = IS_ERR(b) ? PTR_ERR(b) : bwrite(b);
		if (!IS_ERR(b))
			brelse(b);
		if (e) {
			ext2_free_block(inode->sb, *result);
			return e;
		}
	}
	ei->last_block = *result;
	inode->blocks += inode->sb->block_size / 512;
	mark_inode_dirty(inode);
	return 0;
}

int ext2_bmap(struct inode *inode, uint64_t fblock, bool create, uint32_t *result)
{
	struct ext2_sb *s = EXT2_SB(inode->sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	unsigned off[4];
	int depth = block_path(s, fblock, off);
	if (!depth)
		return -EFBIG;
	int err;
	// LAB 4 BEGIN(exercise 1): walk (and, when creating, grow) an inode's block map
	uint32_t blk = ei->i_block[off[0]];
	if (!blk) {
		if (!create)
			goto hole;
		if ((err = alloc_for(inode, depth > 1, &blk)))
			return err;
		ei->i_block[off[0]] = blk;
	} else if ((err = check_block(inode, blk, 0))) {
		return err;
	}
	for (int level = 1; level < depth; level++) {
		struct buf *b = ext2_bread(inode->sb, blk);
		if (IS_ERR(b))
			return PTR_ERR(b);
		uint32_t *slot = (uint32_t *)b->data + off[level];
		uint32_t next = *slot;
		if (!next) {
			if (!create) {
				brelse(b);
				goto hole;
			}
			if ((err = alloc_for(inode, level < depth - 1, &next))) {
				brelse(b);
				return err;
			}
			*slot = next;
			bdirty(b);
		} else if ((err = check_block(inode, next, blk))) {
			brelse(b);
			return err;
		}
		brelse(b);
		blk = next;
	}
	*result = blk;
	return 0;
hole:
	*result = 0;
	return 0;
	// LAB 4 STUB: (void)ei; (void)err;
	// LAB 4 STUB: return -EIO;
	// LAB 4 END
}

struct buf *ext2_zero_file_block(struct inode *inode, uint64_t fblock)
{
	uint32_t pb;
	int err = ext2_bmap(inode, fblock, true, &pb);
	if (err)
		return ERR_PTR(err);
	return ext2_bget_zero(inode->sb, pb);
}

/* --- freeing blocks (truncate, evict) --------------------------------------------- */

/* Frees the file blocks from start on under the indirect block *ptr of
 * the given depth (1: its entries are data blocks), and the indirect
 * block itself when start is 0 (nothing under it is kept). */
static int free_tree(struct inode *inode, uint32_t *ptr, uint32_t parent, int depth, uint64_t start)
{
	struct ext2_sb *s = EXT2_SB(inode->sb);
	uint32_t blk = *ptr;
	int err = check_block(inode, blk, parent);
	if (err) {
		*ptr = 0;      /* drop the bad pointer, free nothing */
		return err;
	}
	struct buf *b = ext2_bread(inode->sb, blk);
	if (IS_ERR(b))
		return PTR_ERR(b);
	uint64_t per = 1;  /* file blocks under each entry */
	for (int i = 1; i < depth; i++)
		per *= s->addr_per_block;
	uint32_t *e = (uint32_t *)b->data;
	for (uint64_t i = start / per; i < s->addr_per_block; i++) {
		if (!e[i])
			continue;
		if (depth == 1) {
			if (check_block(inode, e[i], blk)) {
				err = -EUCLEAN;
			} else {
				ext2_free_block(inode->sb, e[i]);
				inode->blocks -= inode->sb->block_size / 512;
			}
			e[i] = 0;
		} else {
			uint64_t sub = i == start / per ? start % per : 0;
			int r = free_tree(inode, &e[i], blk, depth - 1, sub);
			if (r && !err)
				err = r;
		}
		bdirty(b);
	}
	brelse(b);
	if (start == 0) {
		ext2_free_block(inode->sb, blk);
		inode->blocks -= inode->sb->block_size / 512;
		*ptr = 0;
	}
	return err;
}

int ext2_free_blocks_from(struct inode *inode, uint64_t first)
{
	struct ext2_sb *s = EXT2_SB(inode->sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	int err = 0;
	for (uint64_t i = first; i < EXT2_NDIR_BLOCKS; i++) {
		if (!ei->i_block[i])
			continue;
		if (check_block(inode, ei->i_block[i], 0)) {
			err = -EUCLEAN;
		} else {
			ext2_free_block(inode->sb, ei->i_block[i]);
			inode->blocks -= inode->sb->block_size / 512;
		}
		ei->i_block[i] = 0;
	}
	uint64_t base = EXT2_NDIR_BLOCKS, span = s->addr_per_block;
	for (int depth = 1; depth <= 3; depth++) {
		uint32_t *slot = &ei->i_block[EXT2_IND_BLOCK + depth - 1];
		if (first < base + span && *slot) {
			int r = free_tree(inode, slot, 0, depth, first > base ? first - base : 0);
			if (r && !err)
				err = r;
		}
		base += span;
		span *= s->addr_per_block;
	}
	ei->last_block = 0;
	mark_inode_dirty(inode);
	/* The freed blocks go back to the bitmap once every dirty buffer is
	 * written: this inode's buffer must no longer name them by then. */
	int e = ext2_write_inode(inode);
	return err ? err : e;
}
