/* ext2: the block allocator. Each group has a bitmap block with one bit
 * per block; a block's allocation is its bit plus the free counts in the
 * group descriptor and the superblock, all changed together under
 * alloc_lock so e2fsck always finds them agreeing. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include "ext2.h"

static bool test_bit(const uint8_t *map, uint32_t n) { return map[n / 8] & (1u << (n % 8)); }
static void set_bit(uint8_t *map, uint32_t n) { map[n / 8] |= 1u << (n % 8); }
static void clear_bit(uint8_t *map, uint32_t n) { map[n / 8] &= ~(1u << (n % 8)); }

static uint32_t group_first(struct ext2_sb *s, uint32_t g)
{
	return s->sb.s_first_data_block + g * s->sb.s_blocks_per_group;
}

/* The last group is usually shorter than the others. */
static uint32_t group_blocks(struct ext2_sb *s, uint32_t g)
{
	uint32_t left = s->sb.s_blocks_count - group_first(s, g);
	return left < s->sb.s_blocks_per_group ? left : s->sb.s_blocks_per_group;
}

static bool is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

/* With sparse_super only groups 0, 1 and powers of 3, 5 and 7 keep a copy
 * of the superblock and descriptors. */
bool ext2_group_has_super(struct ext2_sb *s, uint32_t g)
{
	if (!(s->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER) || g <= 1)
		return true;
	return is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

/* True if block holds the filesystem's own structures: a superblock or
 * descriptor copy (with the resize reserve), a bitmap or inode table. A
 * corrupt pointer to one of these must never be freed or written. */
static bool is_metadata(struct ext2_sb *s, uint32_t block)
{
	uint32_t g = (block - s->sb.s_first_data_block) / s->sb.s_blocks_per_group;
	uint32_t first = group_first(s, g);
	if (ext2_group_has_super(s, g) && block < first + 1 + s->gdt_blocks + s->sb.s_reserved_gdt_blocks)
		return true;
	struct ext2_group_desc *gd = &s->gd[g];
	uint32_t itable = s->sb.s_inodes_per_group / s->inodes_per_block;
	return block == gd->bg_block_bitmap || block == gd->bg_inode_bitmap ||
	       (block >= gd->bg_inode_table && block < gd->bg_inode_table + itable);
}

bool ext2_data_block_valid(struct ext2_sb *s, uint32_t block)
{
	return ext2_block_valid(s, block) && !is_metadata(s, block);
}

/* The first clear bit in [from, to), or -ENOSPC. */
static int find_clear(const uint8_t *map, uint32_t from, uint32_t to)
{
	for (uint32_t n = from; n < to; n++) {
		if (n % 8 == 0 && map[n / 8] == 0xff && n + 8 <= to) {
			n += 7;     /* a full byte */
			continue;
		}
		if (!test_bit(map, n))
			return n;
	}
	return -ENOSPC;
}

/* Takes a free block of group g, trying from bit start on first. */
static int alloc_in_group(struct super_block *sb, uint32_t g, uint32_t start, uint32_t *result)
{
	struct ext2_sb *s = EXT2_SB(sb);
	struct buf *b = ext2_bread_bitmap(sb, s->gd[g].bg_block_bitmap);
	if (IS_ERR(b))
		return PTR_ERR(b);
	uint32_t n = group_blocks(s, g);
	int bit = find_clear(b->data, start, n);
	if (bit < 0)
		bit = find_clear(b->data, 0, start);
	if (bit < 0) {
		brelse(b);
		return -ENOSPC;
	}
	uint32_t block = group_first(s, g) + bit;
	if (is_metadata(s, block)) {
		brelse(b);
		return ext2_corrupt(0, "group %u: bitmap shows metadata block %u free", g, block);
	}
	set_bit(b->data, bit);
	bdirty(b);
	brelse(b);
	s->gd[g].bg_free_blocks_count--;
	s->sb.s_free_blocks_count--;
	s->dirty = true;
	*result = block;
	return 0;
}

static int try_new_block(struct super_block *sb, uint32_t goal, uint32_t *result)
{
	struct ext2_sb *s = EXT2_SB(sb);
	mutex_lock(&s->alloc_lock);
	int err = -ENOSPC;
	if (!ext2_block_valid(s, goal))
		goal = s->sb.s_first_data_block;
	uint32_t g0 = (goal - s->sb.s_first_data_block) / s->sb.s_blocks_per_group;
	for (uint32_t i = 0; i < s->groups && s->sb.s_free_blocks_count; i++) {
		uint32_t g = (g0 + i) % s->groups;
		if (!s->gd[g].bg_free_blocks_count)
			continue;
		uint32_t start = i == 0 ? goal - group_first(s, g) : 0;
		err = alloc_in_group(sb, g, start, result);
		if (err != -ENOSPC)
			break;
		/* The count said free blocks, the bitmap none: try elsewhere. */
	}
	mutex_unlock(&s->alloc_lock);
	return err;
}

int ext2_new_block(struct super_block *sb, uint32_t goal, uint32_t *result)
{
	int err = try_new_block(sb, goal, result);
	if (err == -ENOSPC && EXT2_SB(sb)->npending && ext2_release_pending(sb) == 0)
		err = try_new_block(sb, goal, result);
	return err;
}

/* Clears block's bit; alloc_lock held. */
static void free_now(struct super_block *sb, uint32_t block)
{
	struct ext2_sb *s = EXT2_SB(sb);
	uint32_t g = (block - s->sb.s_first_data_block) / s->sb.s_blocks_per_group;
	uint32_t bit = block - group_first(s, g);
	struct buf *b = ext2_bread_bitmap(sb, s->gd[g].bg_block_bitmap);
	if (!IS_ERR(b)) {
		if (!test_bit(b->data, bit)) {
			ext2_corrupt(0, "freeing block %u, which is already free", block);
		} else {
			clear_bit(b->data, bit);
			bdirty(b);
			s->gd[g].bg_free_blocks_count++;
			s->sb.s_free_blocks_count++;
			s->dirty = true;
		}
		brelse(b);
	}
}

/* A block a file let go of is not free at once: until the pointers that
 * named it (in the inode, in an indirect block) are on the disk, a crash
 * would leave them naming a block that someone else has filled since
 * (e2fsck: a block claimed twice, an indirect block full of file data).
 * It waits in s->pending until every dirty buffer has been written (the
 * truncating inode's was updated when it let go: ext2_free_blocks_from),
 * then goes back to the bitmap; a crash before that leaks it, no worse. */
void ext2_free_block(struct super_block *sb, uint32_t block)
{
	struct ext2_sb *s = EXT2_SB(sb);
	if (!ext2_data_block_valid(s, block)) {
		ext2_corrupt(0, "not freeing block %u: not a data block", block);
		return;
	}
	mutex_lock(&s->alloc_lock);
	if (s->npending == s->pending_cap) {
		uint32_t cap = s->pending_cap ? 2 * s->pending_cap : 256;
		uint32_t *bigger = kmalloc(cap * sizeof(*bigger));
		if (bigger) {
			memcpy(bigger, s->pending, s->npending * sizeof(*bigger));
			kfree(s->pending);
			s->pending = bigger;
			s->pending_cap = cap;
		}
	}
	if (s->npending < s->pending_cap)
		s->pending[s->npending++] = block;
	else
		free_now(sb, block);    /* no memory to wait with: as before */
	mutex_unlock(&s->alloc_lock);
}

int ext2_release_pending(struct super_block *sb)
{
	struct ext2_sb *s = EXT2_SB(sb);
	/* Take the list: those freed meanwhile wait for the next round, and
	 * two callers at once release different blocks. */
	mutex_lock(&s->alloc_lock);
	uint32_t *mine = s->pending, n = s->npending;
	s->pending = NULL;
	s->npending = s->pending_cap = 0;
	mutex_unlock(&s->alloc_lock);
	if (!n) {
		kfree(mine);
		return 0;
	}
	int err = bsync(s->bdev);
	if (err) {
		for (uint32_t i = 0; i < n; i++)
			ext2_free_block(sb, mine[i]);   /* back on the list */
	} else {
		mutex_lock(&s->alloc_lock);
		for (uint32_t i = 0; i < n; i++)
			free_now(sb, mine[i]);
		mutex_unlock(&s->alloc_lock);
	}
	kfree(mine);
	return err;
}

/* --- inode bitmaps (ialloc.c) use the same bit helpers ------------------------ */

int ext2_bitmap_take(uint8_t *map, uint32_t from, uint32_t n)
{
	int bit = find_clear(map, from, n);
	if (bit >= 0)
		set_bit(map, bit);
	return bit;
}

bool ext2_bitmap_release(uint8_t *map, uint32_t bit)
{
	if (!test_bit(map, bit))
		return false;
	clear_bit(map, bit);
	return true;
}
