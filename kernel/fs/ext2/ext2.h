/* ext2's in-memory state and the functions its files share: the mounted
 * filesystem (ext2_sb), the per-inode part (ext2_inode_info, in
 * inode->fs_private), and who does what (super.c, inode.c, balloc.c,
 * ialloc.c, dir.c, namei.c, symlink.c, file.c). */
#pragma once
#include <kernel/types.h>
#include <kernel/mutex.h>
#include <kernel/errno.h>
#include <block/bcache.h>
#include <fs/fs.h>
#include <fs/file.h>
#include "ext2_fs.h"

struct ext2_sb {
	struct block_device *bdev;
	struct ext2_super_block sb;     /* our copy; sync_fs writes it back */
	struct ext2_group_desc *gd;     /* every group's descriptor, likewise */
	unsigned block_size;
	unsigned addr_per_block;        /* block numbers in an indirect block */
	unsigned addr_shift;            /* log2(addr_per_block) */
	unsigned inode_size;
	unsigned inodes_per_block;
	uint32_t groups;
	uint32_t gdt_blocks;            /* blocks the descriptors take */
	uint32_t first_ino;
	bool filetype;                  /* dir entries carry file_type */
	bool dirty;                     /* sb or gd changed since sync_fs */
	struct mutex alloc_lock;        /* bitmaps, free counts, sb and gd, pending */
	uint32_t *pending;              /* freed blocks not yet back in the bitmap */
	uint32_t npending, pending_cap;
};

struct ext2_inode_info {
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_flags;
	uint32_t i_file_acl;
	uint32_t i_dtime;
	uint32_t block_group;           /* where its blocks should go */
	uint32_t last_block;            /* the last one allocated: the next goes after */
};

static inline struct ext2_sb *EXT2_SB(struct super_block *sb) { return sb->fs_private; }
static inline struct ext2_inode_info *EXT2_I(struct inode *i) { return i->fs_private; }

/* Corruption: prints one line and gives the errno to return (Linux's
 * EFSCORRUPTED is EUCLEAN). ino 0: not about one inode. */
int ext2_corrupt(uint64_t ino, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Does group g keep a copy of the superblock and descriptors? */
bool ext2_group_has_super(struct ext2_sb *s, uint32_t g);
/* True if block could be a block of the filesystem (not the boot block,
 * not past the end). */
bool ext2_block_valid(struct ext2_sb *s, uint32_t block);
/* ...and not one of its own structures (bitmaps, inode tables, copies of
 * the superblock and descriptors): what an inode may point to. */
bool ext2_data_block_valid(struct ext2_sb *s, uint32_t block);
/* The block, locked, or an ERR_PTR (bread). */
struct buf *ext2_bread(struct super_block *sb, uint32_t block);
/* A block about to be filled from scratch: not read, zeroed, dirty. */
struct buf *ext2_bget_zero(struct super_block *sb, uint32_t block);
/* A block or inode bitmap: written back ahead of other buffers (b->early),
 * so no pointer reaches the disk before the bit that keeps its block. */
struct buf *ext2_bread_bitmap(struct super_block *sb, uint32_t block);

/* balloc.c: one block near goal; frees one (once the pointers to it are
 * on the disk). Both update the bitmaps and the free counts of the group
 * and the superblock. */
int ext2_new_block(struct super_block *sb, uint32_t goal, uint32_t *result);
void ext2_free_block(struct super_block *sb, uint32_t block);
/* Writes every dirty buffer, then returns the blocks freed before it to
 * the bitmap (see balloc.c: why freed blocks wait). */
int ext2_release_pending(struct super_block *sb);
/* Bitmap helpers: takes the first clear bit in [from, n) (-ENOSPC if none);
 * clears a bit (false if it was clear already). */
int ext2_bitmap_take(uint8_t *map, uint32_t from, uint32_t n);
bool ext2_bitmap_release(uint8_t *map, uint32_t bit);

/* ialloc.c: a new in-memory and on-disk inode of mode near dir
 * (hashed, referenced, nlink 1, the on-disk inode zeroed). */
int ext2_new_inode(struct inode *dir, uint32_t mode, struct inode **result);
void ext2_free_inode(struct inode *inode);

/* inode.c */
int ext2_read_inode(struct inode *inode);
int ext2_write_inode(struct inode *inode);
/* Writes the inode to the disk now, the bitmaps ahead of its block of
 * the inode table (before a directory entry may name it). */
int ext2_inode_to_disk(struct inode *inode);
/* Writes the dirty block and inode bitmaps now (super.c): before any
 * buffer that may point to what they mark in use. */
int ext2_write_bitmaps(struct super_block *sb);
void ext2_evict_inode(struct inode *inode);
void ext2_destroy_inode(struct inode *inode);
void ext2_set_ops(struct inode *inode);
/* The buffer of inode ino's inode-table block; *off is where it starts. */
struct buf *ext2_inode_buf(struct super_block *sb, uint64_t ino, uint32_t *off);
/* Stores a device number in i_block (device inodes). */
void ext2_encode_rdev(struct inode *inode, dev_t rdev);
/* The disk block holding file block fblock of inode: 0 for a hole unless
 * create, which allocates it (and any indirect blocks on the way). */
int ext2_bmap(struct inode *inode, uint64_t fblock, bool create, uint32_t *result);
/* File block fblock of inode, allocated if it is a hole, as a zeroed
 * dirty buffer (locked) for the caller to fill; or an ERR_PTR. */
struct buf *ext2_zero_file_block(struct inode *inode, uint64_t fblock);
/* Frees every block of inode from file block first on. */
int ext2_free_blocks_from(struct inode *inode, uint64_t first);
bool ext2_has_data_blocks(struct inode *inode);

/* dir.c. The caller holds sb->lock. */
extern const struct file_operations ext2_dir_fops;
int ext2_find_entry(struct inode *dir, const char *name, uint32_t *ino);
int ext2_add_entry(struct inode *dir, const char *name, struct inode *inode);
int ext2_delete_entry(struct inode *dir, const char *name);
/* Points the existing entry name at inode (rename over a target, "..");
 * touch: update dir's mtime and ctime. */
int ext2_set_entry(struct inode *dir, const char *name, struct inode *inode, bool touch);
int ext2_make_empty(struct inode *dir, struct inode *parent);
/* 1 if dir holds only "." and "..", 0 if not, or an errno. */
int ext2_dir_empty(struct inode *dir);

/* namei.c, symlink.c, file.c */
extern const struct inode_operations ext2_dir_iops, ext2_file_iops, ext2_symlink_iops;
extern const struct address_space_operations ext2_aops;
int ext2_write_symlink(struct inode *inode, const char *target);
int ext2_truncate(struct inode *inode, uint64_t size);
