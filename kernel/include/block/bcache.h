/* The buffer cache: blocks of a block device kept in memory, shared by
 * everyone who reads them, written back later.
 *
 *     struct buf *b = bread(dev, blockno, 1024);   // read (or find) block
 *     ... read or change b->data ...
 *     bdirty(b);                                    // if changed
 *     brelse(b);                                    // done with it
 *
 * bread() returns the buffer locked (b->lock, a sleeping lock): its holder
 * alone may look at or change the data until brelse(). Dirty buffers are
 * written back by bsync(), when the cache needs room, and before the
 * machine powers off (bsync_all). Blocks are size bytes (the filesystem's
 * block size, a multiple of 512 up to 4096); blockno counts in that size. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/err.h>
#include <kernel/mutex.h>
#include <block/block.h>

struct buf {
	struct block_device *dev;
	uint64_t blockno;
	unsigned size;
	uint8_t *data;
	bool valid;                 /* data holds the block's contents */
	bool dirty;                 /* data differs from the disk */
	bool early;                 /* written back before the device's other
				     * buffers (a filesystem's bitmaps) */
	int refcount;               /* bread()s not yet brelse()d */
	struct mutex lock;
	struct list_head hash_link, lru_link;   /* the cache's own (bcache.c) */
};

void bcache_init(void);
/* The block, read from the disk unless cached, returned locked; or an
 * ERR_PTR: EIO for a failed read or a block beyond the device, ENOMEM. */
struct buf *bread(struct block_device *dev, uint64_t blockno, unsigned size);
/* Like bread, for a block about to be completely overwritten: not read. */
struct buf *bget_noread(struct block_device *dev, uint64_t blockno, unsigned size);
/* Marks the buffer's data changed (the caller holds it). */
void bdirty(struct buf *b);
/* Writes the (held) buffer to the disk now, leaving it clean: for writes
 * that must reach the disk before others. 0 or -EIO. */
int bwrite(struct buf *b);
/* Unlocks and releases the buffer. */
void brelse(struct buf *b);
/* Starts reading the block without waiting (sequential read-ahead). */
void breadahead(struct block_device *dev, uint64_t blockno, unsigned size);
/* Writes every dirty buffer of dev (all devices if NULL), the early
 * ones first; 0 or -EIO. */
int bsync(struct block_device *dev);
/* Drops dev's clean cached buffers (for tests and unmount). */
void binvalidate(struct block_device *dev);

struct bcache_stats {
	uint64_t hits, misses, writebacks, buffers;
	uint64_t bytes;             /* the buffers' data: /proc/meminfo's Buffers */
};
void bcache_stats(struct bcache_stats *s);
