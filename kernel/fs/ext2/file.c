/* ext2: regular files' data. The page cache asks for one 4 KiB page at a
 * time; a page is 1 to 4 filesystem blocks, each found (or, when
 * writing, allocated) through the block map. Data goes through the buffer
 * cache like metadata: a block freed from a directory and reused for a
 * file then never has two cached copies that could overwrite each other. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <x86/memlayout.h>
#include "ext2.h"

/* Sequential reads: reading the first page of a window asks for the
 * blocks of the next two windows without waiting, so the disk works
 * while the reader copies. (A mapped block that is cached already costs
 * a lookup.) */
#define READAHEAD_PAGES 16

static void readahead(struct inode *inode, uint64_t index)
{
	unsigned bs = inode->sb->block_size, per_page = PAGE_SIZE / bs;
	uint64_t end = (inode->size + bs - 1) / bs;
	uint64_t first = (index + 1) * per_page, last = (index + 2 * READAHEAD_PAGES) * per_page;
	for (uint64_t fb = first; fb < last && fb < end; fb++) {
		uint32_t pb = 0;
		if (ext2_bmap(inode, fb, false, &pb) || !pb)
			continue;
		breadahead(inode->sb->bdev, pb, bs);
	}
}

static int ext2_read_page(struct inode *inode, uint64_t index, void *page)
{
	if (index % READAHEAD_PAGES == 0)
		readahead(inode, index);
	unsigned bs = inode->sb->block_size, per_page = PAGE_SIZE / bs;
	for (unsigned i = 0; i < per_page; i++) {
		uint64_t fb = index * per_page + i;
		char *dst = (char *)page + i * bs;
		uint32_t pb = 0;
		if (fb * bs < inode->size) {
			int err = ext2_bmap(inode, fb, false, &pb);
			if (err)
				return err;
		}
		if (!pb) {
			memset(dst, 0, bs);     /* a hole, or past the end */
			continue;
		}
		struct buf *b = ext2_bread(inode->sb, pb);
		if (IS_ERR(b))
			return PTR_ERR(b);
		memcpy(dst, b->data, bs);
		brelse(b);
	}
	return 0;
}

static int ext2_write_page(struct inode *inode, uint64_t index, const void *page)
{
	unsigned bs = inode->sb->block_size, per_page = PAGE_SIZE / bs;
	if (inode->sb->read_only)
		return -EROFS;
	for (unsigned i = 0; i < per_page; i++) {
		uint64_t fb = index * per_page + i;
		if (fb * bs >= inode->size)
			break;      /* blocks past the end are not allocated */
		uint32_t pb;
		int err = ext2_bmap(inode, fb, true, &pb);
		if (err)
			return err;
		struct buf *b = bget_noread(inode->sb->bdev, pb, bs);
		if (IS_ERR(b))
			return PTR_ERR(b);
		memcpy(b->data, (const char *)page + i * bs, bs);
		bdirty(b);
		brelse(b);
	}
	return 0;
}

/* The blocks write_page will write (those of the page below end) are
 * allocated when write() takes the data, as Linux's ext2 does in
 * write_begin: a full disk fails the write, not a later writeback that
 * nobody may be waiting for. */
static int ext2_write_begin(struct inode *inode, uint64_t index, uint64_t end)
{
	unsigned bs = inode->sb->block_size, per_page = PAGE_SIZE / bs;
	if (inode->sb->read_only)
		return -EROFS;
	for (unsigned i = 0; i < per_page; i++) {
		uint64_t fb = index * per_page + i;
		if (fb * bs >= end)
			break;
		uint32_t pb;
		int err = ext2_bmap(inode, fb, true, &pb);
		if (err)
			return err;
	}
	return 0;
}

/* e2fsck wants no blocks past the end of a file. */
static void ext2_write_failed(struct inode *inode)
{
	unsigned bs = inode->sb->block_size;
	ext2_free_blocks_from(inode, (inode->size + bs - 1) / bs);
}

const struct address_space_operations ext2_aops = {
	.read_page = ext2_read_page,
	.write_page = ext2_write_page,
	.write_begin = ext2_write_begin,
	.write_failed = ext2_write_failed,
};

/* The VFS has trimmed the cached pages (and zeroed the tail of the last
 * one); here the blocks wholly past the new end go, indirect blocks
 * included. Growing just moves the end: the gap is a hole. */
int ext2_truncate(struct inode *inode, uint64_t size)
{
	int err = 0;
	if (inode->sb->read_only)
		return -EROFS;
	if (size < inode->size) {
		unsigned bs = inode->sb->block_size;
		err = ext2_free_blocks_from(inode, (size + bs - 1) / bs);
	}
	inode->size = size;
	mark_inode_dirty(inode);
	return err;
}

const struct inode_operations ext2_file_iops = { .truncate = ext2_truncate };
