/* ext2: mounting. Reads and checks the superblock and group descriptors,
 * refuses what we cannot handle safely, and writes the free counts back
 * on sync. The "ext2" fs_type is registered by ext2_init() at boot. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/printk.h>
#include <kernel/format.h>
#include <mm/kmalloc.h>
#include <block/block.h>
#include "ext2.h"

int ext2_corrupt(uint64_t ino, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ino)
		printk("ext2: inode %lu: %s\n", ino, msg);
	else
		printk("ext2: %s\n", msg);
	return -EUCLEAN;
}

bool ext2_block_valid(struct ext2_sb *s, uint32_t block)
{
	return block >= s->sb.s_first_data_block && block < s->sb.s_blocks_count;
}

struct buf *ext2_bread(struct super_block *sb, uint32_t block)
{
	return bread(sb->bdev, block, sb->block_size);
}

struct buf *ext2_bread_bitmap(struct super_block *sb, uint32_t block)
{
	struct buf *b = ext2_bread(sb, block);
	if (!IS_ERR(b))
		b->early = true;
	return b;
}

/* A block about to be filled from scratch: not read, zeroed, dirty. */
struct buf *ext2_bget_zero(struct super_block *sb, uint32_t block)
{
	struct buf *b = bget_noread(sb->bdev, block, sb->block_size);
	if (!IS_ERR(b)) {
		memset(b->data, 0, sb->block_size);
		bdirty(b);
	}
	return b;
}

/* The checks that make every later computation safe: sizes in range,
 * groups that fit the bitmaps, a filesystem no bigger than the disk. */
static int check_geometry(struct ext2_super_block *es, struct block_device *dev)
{
	if (es->s_magic != EXT2_SUPER_MAGIC) {
		printk("ext2: %s: no ext2 filesystem (bad magic 0x%x)\n", dev->name, es->s_magic);
		return -EINVAL;
	}
	if (es->s_rev_level > 1) {
		printk("ext2: %s: unknown revision %u\n", dev->name, es->s_rev_level);
		return -EINVAL;
	}
	uint32_t incompat = es->s_rev_level ? es->s_feature_incompat : 0;
	if (incompat & ~EXT2_INCOMPAT_SUPPORTED) {
		printk("ext2: %s: unsupported incompatible features 0x%x\n", dev->name,
		       incompat & ~EXT2_INCOMPAT_SUPPORTED);
		return -EINVAL;
	}
	const char *bad = NULL;
	uint32_t log = es->s_log_block_size;
	uint32_t bs = 1024u << (log < 8 ? log : 0);
	uint32_t isize = es->s_rev_level ? es->s_inode_size : EXT2_GOOD_OLD_INODE_SIZE;
	if (log > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG)
		bad = "block size";
	else if (isize < EXT2_GOOD_OLD_INODE_SIZE || isize > bs || (isize & (isize - 1)))
		bad = "inode size";
	else if (es->s_first_data_block != (bs == 1024 ? 1u : 0u))
		bad = "first data block";
	else if (!es->s_blocks_per_group || es->s_blocks_per_group > 8 * bs)
		bad = "blocks per group";
	else if (!es->s_inodes_per_group || es->s_inodes_per_group > 8 * bs ||
		 es->s_inodes_per_group % (bs / isize))
		bad = "inodes per group";
	else if (es->s_blocks_count <= es->s_first_data_block ||
		 es->s_blocks_count > dev->nsectors / (bs / SECTOR_SIZE))
		bad = "block count (bigger than the disk?)";
	else if (es->s_rev_level && es->s_first_ino < EXT2_GOOD_OLD_FIRST_INO)
		bad = "first inode";
	if (!bad) {
		uint64_t groups = (es->s_blocks_count - es->s_first_data_block +
				   es->s_blocks_per_group - 1) / es->s_blocks_per_group;
		if ((uint64_t)es->s_inodes_per_group * groups != es->s_inodes_count)
			bad = "inode count";
		else if (es->s_free_blocks_count > es->s_blocks_count ||
			 es->s_free_inodes_count > es->s_inodes_count)
			bad = "free counts";
	}
	if (bad) {
		printk("ext2: %s: corrupt superblock: bad %s\n", dev->name, bad);
		return -EUCLEAN;
	}
	return 0;
}

/* Reads the group descriptors and checks that each one's bitmaps and
 * inode table lie inside the filesystem. */
/* The largest file for blocks of 2^bits bytes, as Linux's ext2_max_size:
 * what 12 direct blocks and the three indirect trees reach, unless the
 * file's data and indirect blocks together would pass 2^32 - 1 sectors,
 * which is all i_blocks can count. (4 KiB blocks: just under 2 TiB.) */
static uint64_t ext2_max_size(unsigned bits)
{
	uint64_t ppb = 1ull << (bits - 2);
	uint64_t reach = EXT2_NDIR_BLOCKS + ppb + ppb * ppb + ppb * ppb * ppb;
	uint64_t meta = 1 + (1 + ppb) + (1 + ppb + ppb * ppb);
	uint64_t limit = ((1ull << 32) - 1) >> (bits - 9);     /* in blocks */
	uint64_t blocks = reach;
	if (reach + meta > limit) {
		/* i_blocks runs out first: the data blocks that fit beside
		 * the indirect blocks they need. */
		uint64_t left = limit - EXT2_NDIR_BLOCKS - ppb;
		meta = 1;
		if (left < ppb * ppb) {
			meta += 1 + (left + ppb - 1) / ppb;
		} else {
			meta += 1 + ppb;
			left -= ppb * ppb;
			meta += 1 + (left + ppb - 1) / ppb + (left + ppb * ppb - 1) / (ppb * ppb);
		}
		blocks = limit - meta;
	}
	uint64_t bytes = blocks << bits;
	return bytes > INT64_MAX ? INT64_MAX : bytes;
}

static int read_groups(struct super_block *sb, struct ext2_sb *s)
{
	s->gd = kmalloc(s->gdt_blocks * s->block_size);
	if (!s->gd)
		return -ENOMEM;
	for (uint32_t i = 0; i < s->gdt_blocks; i++) {
		struct buf *b = ext2_bread(sb, s->sb.s_first_data_block + 1 + i);
		if (IS_ERR(b)) {
			printk("ext2: %s: cannot read group descriptors\n", s->bdev->name);
			return PTR_ERR(b);
		}
		memcpy((char *)s->gd + i * s->block_size, b->data, s->block_size);
		brelse(b);
	}
	uint32_t itable_blocks = s->sb.s_inodes_per_group / s->inodes_per_block;
	for (uint32_t g = 0; g < s->groups; g++) {
		struct ext2_group_desc *gd = &s->gd[g];
		if (!ext2_block_valid(s, gd->bg_block_bitmap) ||
		    !ext2_block_valid(s, gd->bg_inode_bitmap) ||
		    !ext2_block_valid(s, gd->bg_inode_table) ||
		    !ext2_block_valid(s, gd->bg_inode_table + itable_blocks - 1)) {
			printk("ext2: %s: corrupt group descriptor %u\n", s->bdev->name, g);
			return -EUCLEAN;
		}
	}
	return 0;
}

static const struct super_operations ext2_sops;

static int ext2_fill_super(struct super_block *sb, struct block_device *dev, const char *options)
{
	struct ext2_sb *s = kzalloc(sizeof(*s));
	void *raw = kmalloc(1024);
	int err = -ENOMEM;
	if (!s || !raw)
		goto fail;
	/* Read with block_rw, not the buffer cache: the block size (the
	 * cache's unit for this disk) is not known yet. */
	err = block_rw(dev, EXT2_SUPERBLOCK_OFFSET / SECTOR_SIZE, 1024 / SECTOR_SIZE, raw, false);
	if (err) {
		printk("ext2: %s: cannot read the superblock\n", dev->name);
		goto fail;
	}
	memcpy(&s->sb, raw, sizeof(s->sb));
	if ((err = check_geometry(&s->sb, dev)))
		goto fail;

	struct ext2_super_block *es = &s->sb;
	s->bdev = dev;
	s->block_size = 1024u << es->s_log_block_size;
	s->addr_per_block = s->block_size / 4;
	s->addr_shift = 8 + es->s_log_block_size;
	s->inode_size = es->s_rev_level ? es->s_inode_size : EXT2_GOOD_OLD_INODE_SIZE;
	s->inodes_per_block = s->block_size / s->inode_size;
	s->first_ino = es->s_rev_level ? es->s_first_ino : EXT2_GOOD_OLD_FIRST_INO;
	s->groups = (es->s_blocks_count - es->s_first_data_block + es->s_blocks_per_group - 1) /
		    es->s_blocks_per_group;
	s->gdt_blocks = (s->groups * sizeof(struct ext2_group_desc) + s->block_size - 1) / s->block_size;
	s->filetype = es->s_rev_level && (es->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE);
	mutex_init(&s->alloc_lock);

	sb->fs_private = s;
	sb->ops = &ext2_sops;
	sb->block_size = s->block_size;
	sb->max_bytes = ext2_max_size(s->addr_shift + 2);
	sb->magic = EXT2_SUPER_MAGIC;
	sb->read_only = dev->read_only;
	uint32_t ro = es->s_rev_level ? es->s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPPORTED : 0;
	if (ro && !sb->read_only) {
		printk("ext2: %s: unknown read-only features 0x%x: mounting read-only\n", dev->name, ro);
		sb->read_only = true;
	}
	if ((err = read_groups(sb, s)))
		goto fail;

	struct inode *root;
	if ((err = iget(sb, EXT2_ROOT_INO, &root)))
		goto fail;
	if (!S_ISDIR(root->mode)) {
		err = ext2_corrupt(EXT2_ROOT_INO, "the root is not a directory");
		iput(root);
		goto fail;
	}
	sb->root = root;
	/* fs/fs.h: the allocator's lock comes after the VFS's. */
	declare_lock_order(&sb->lock, &s->alloc_lock);
	declare_lock_order(&root->lock, &s->alloc_lock);
	if (!sb->read_only) {
		es->s_mtime = current_time().sec;
		es->s_mnt_count++;
		s->dirty = true;
	}
	kfree(raw);
	return 0;
fail:
	if (s)
		kfree(s->gd);
	kfree(s);
	kfree(raw);
	sb->fs_private = NULL;
	return err;
}

/* Writes the superblock and the group descriptors (the primary copies:
 * e2fsck checks those; the backups only matter for disaster recovery). */
/* The bitmaps go to the disk ahead of the other buffers, so that no
 * pointer written with them names a block still free on the disk. */
int ext2_write_bitmaps(struct super_block *sb)
{
	struct ext2_sb *s = EXT2_SB(sb);
	int err = 0;
	for (uint32_t g = 0; g < s->groups; g++) {
		uint32_t maps[2] = { s->gd[g].bg_block_bitmap, s->gd[g].bg_inode_bitmap };
		for (int i = 0; i < 2; i++) {
			mutex_lock(&s->alloc_lock);
			struct buf *b = ext2_bread_bitmap(sb, maps[i]);
			int e = IS_ERR(b) ? PTR_ERR(b) : b->dirty ? bwrite(b) : 0;
			if (!IS_ERR(b))
				brelse(b);
			mutex_unlock(&s->alloc_lock);
			if (e && !err)
				err = e;
		}
	}
	return err;
}

static int ext2_sync_fs(struct super_block *sb)
{
	struct ext2_sb *s = EXT2_SB(sb);
	int err = ext2_write_bitmaps(sb);
	int e = ext2_release_pending(sb);
	if (e && !err)
		err = e;
	mutex_lock(&s->alloc_lock);
	if (!s->dirty)
		goto out;
	s->sb.s_wtime = current_time().sec;
	unsigned off = EXT2_SUPERBLOCK_OFFSET % s->block_size;
	struct buf *b = ext2_bread(sb, EXT2_SUPERBLOCK_OFFSET / s->block_size);
	if (IS_ERR(b)) {
		err = PTR_ERR(b);
		goto out;
	}
	memcpy(b->data + off, &s->sb, sizeof(s->sb));
	bdirty(b);
	brelse(b);
	for (uint32_t i = 0; i < s->gdt_blocks; i++) {
		b = ext2_bread(sb, s->sb.s_first_data_block + 1 + i);
		if (IS_ERR(b)) {
			err = PTR_ERR(b);
			goto out;
		}
		/* The last block's tail past the descriptors is kept as read. */
		uint32_t bytes = s->groups * sizeof(struct ext2_group_desc) - i * s->block_size;
		if (bytes > s->block_size)
			bytes = s->block_size;
		memcpy(b->data, (char *)s->gd + i * s->block_size, bytes);
		bdirty(b);
		brelse(b);
	}
	s->dirty = false;
out:
	mutex_unlock(&s->alloc_lock);
	return err;
}

/* The blocks the filesystem's own structures take: df's size is what is
 * left for files. As Debian's Linux counts them, whose ext4 driver mounts
 * ext2 (ext4_calculate_overhead: the descriptors' resize reserve too;
 * Linux's own ext2 driver leaves that out). */
static uint64_t ext2_overhead(struct ext2_sb *s)
{
	uint64_t overhead = s->sb.s_first_data_block;
	for (uint32_t g = 0; g < s->groups; g++)
		if (ext2_group_has_super(s, g))
			overhead += 1 + s->gdt_blocks + s->sb.s_reserved_gdt_blocks;
	uint32_t itable_blocks = s->sb.s_inodes_per_group / s->inodes_per_block;
	return overhead + (uint64_t)s->groups * (2 + itable_blocks);
}

static int ext2_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ext2_sb *s = EXT2_SB(sb);
	mutex_lock(&s->alloc_lock);
	st->type = EXT2_SUPER_MAGIC;
	st->bsize = st->frsize = s->block_size;
	st->blocks = s->sb.s_blocks_count - ext2_overhead(s);
	st->bfree = s->sb.s_free_blocks_count + s->npending;   /* free once written */
	st->bavail = st->bfree > s->sb.s_r_blocks_count ? st->bfree - s->sb.s_r_blocks_count : 0;
	st->files = s->sb.s_inodes_count;
	st->ffree = s->sb.s_free_inodes_count;
	st->namelen = 255;
	mutex_unlock(&s->alloc_lock);
	return 0;
}

static void ext2_kill_super(struct super_block *sb)
{
	struct ext2_sb *s = EXT2_SB(sb);
	if (!s)
		return;
	kfree(s->gd);
	kfree(s->pending);
	kfree(s);
	sb->fs_private = NULL;
}

static const struct super_operations ext2_sops = {
	.read_inode = ext2_read_inode,
	.write_inode = ext2_write_inode,
	.evict_inode = ext2_evict_inode,
	.destroy_inode = ext2_destroy_inode,
	.sync_fs = ext2_sync_fs,
	.statfs = ext2_statfs,
};

static struct fs_type ext2_type = {
	.name = "ext2",
	.fill_super = ext2_fill_super,
	.kill_super = ext2_kill_super,
	.needs_device = true,
};

void ext2_init(void)
{
	fs_type_register(&ext2_type);
}
