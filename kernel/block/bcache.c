/* The buffer cache (block/bcache.h): disk blocks kept in memory, found by
 * (device, block number) in a hash table. Buffers nobody holds sit on an
 * LRU list; when the cache reaches its size bound the oldest clean ones
 * are freed, and the oldest dirty ones written back first. Buffers marked
 * early (a filesystem's bitmaps) are written before any other buffer of
 * their device, so a crash never finds a pointer on the disk without the
 * allocation it needs. Writes stay in
 * memory until bsync() or eviction (write-back). Read-ahead starts reads
 * without waiting; a later bread() of the block waits for it.
 *
 * Locking: `lock` (a spinlock) guards the table, the LRU list, refcounts
 * and the read-ahead slots; each buffer's mutex guards its data, valid
 * and dirty. A buffer's mutex is held only by someone with a reference. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/err.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <block/bcache.h>
#include <mm/kmalloc.h>
#include <x86/memlayout.h>

#define BCACHE_MAX_BYTES (8u << 20)
#define HASH_BUCKETS     1024
#define READAHEAD_SLOTS  64     /* read-aheads in flight at once */
#define WRITEBACK_BATCH  16     /* writes in flight at once */
#define MAX_DEVICES      32

static struct spinlock lock = SPINLOCK_INIT("bcache");
static struct list_head hash[HASH_BUCKETS];
static struct list_head lru;    /* unreferenced buffers, least recently released first */
static uint64_t bytes, nbufs;
static struct bcache_stats stats;

/* A read-ahead in flight holds a reference to its buffer and no lock
 * (the interrupt that ends it could not release a mutex). Whoever locks
 * the buffer waits for it to end before touching the data. */
static struct readahead {
	struct bio bio;
	struct buf *b;          /* NULL: the slot is free */
} readaheads[READAHEAD_SLOTS];
static struct wait_queue readahead_done;

/* Each device's block size: blocks of two sizes would overlap, and the
 * table, keyed by block number, would not see it. */
static struct device_blocks {
	struct block_device *dev;
	unsigned size, nbufs;
} devices[MAX_DEVICES];

static struct list_head *bucket(struct block_device *dev, uint64_t blockno)
{
	uint64_t h = ((uint64_t)dev >> 4) * 0x9e3779b97f4a7c15ull ^ blockno * 0xff51afd7ed558ccdull;
	return &hash[(h >> 32) % HASH_BUCKETS];
}

static struct buf *lookup(struct block_device *dev, uint64_t blockno)
{
	struct buf *b;
	list_for_each_entry(b, bucket(dev, blockno), hash_link)
		if (b->dev == dev && b->blockno == blockno)
			return b;
	return NULL;
}

static struct device_blocks *device_blocks(struct block_device *dev)
{
	struct device_blocks *free = NULL;
	for (int i = 0; i < MAX_DEVICES; i++) {
		if (devices[i].dev == dev)
			return &devices[i];
		if (!devices[i].dev && !free)
			free = &devices[i];
	}
	if (free)
		free->dev = dev;
	return free;
}

static bool readahead_pending(struct buf *b)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	bool pending = false;
	for (int i = 0; i < READAHEAD_SLOTS && !pending; i++)
		pending = readaheads[i].b == b;
	spin_unlock_irqrestore(&lock, flags);
	return pending;
}

/* Takes a reference; the caller holds `lock`. */
static void hold(struct buf *b)
{
	if (b->refcount++ == 0)
		list_del(&b->lru_link);
}

/* Drops a reference; the caller holds `lock`. */
static void unhold(struct buf *b)
{
	assert(b->refcount > 0);
	if (--b->refcount == 0)
		list_add_tail(&b->lru_link, &lru);
}

static void put(struct buf *b)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	unhold(b);
	spin_unlock_irqrestore(&lock, flags);
}

/* Takes an unreferenced buffer out of the cache; the caller holds `lock`
 * and frees it (kfree is safe under a spinlock). */
static void drop(struct buf *b)
{
	list_del(&b->hash_link);
	list_del(&b->lru_link);
	bytes -= b->size;
	nbufs--;
	device_blocks(b->dev)->nbufs--;
}

static void free_buf(struct buf *b)
{
	kfree(b->data);
	kfree(b);
}

static uint64_t first_sector(struct buf *b)
{
	return b->blockno * (b->size / SECTOR_SIZE);
}

/* Writes the dirty buffers among bufs (each referenced by the caller, who
 * gives up those references), several at a time. A buffer someone holds
 * is waited for only if `wait_busy`, and then after the others: sleeping
 * on one buffer's lock while holding another's could deadlock against a
 * task that holds the first and wants the second. Returns how many were
 * written, or -EIO if any write failed. */
static int write_buffers(struct buf **bufs, int n, bool wait_busy)
{
	struct bio bios[WRITEBACK_BATCH];
	bool sent[WRITEBACK_BATCH];
	int written = 0, failed = 0;
	for (int start = 0; start < n; start += WRITEBACK_BATCH) {
		int m = n - start < WRITEBACK_BATCH ? n - start : WRITEBACK_BATCH;
		struct buf **batch = bufs + start;
		for (int i = 0; i < m; i++) {
			struct buf *b = batch[i];
			sent[i] = false;
			if (!mutex_trylock(&b->lock))
				continue;       /* busy: stays in bufs for the end */
			if (b->dirty) {
				bios[i] = (struct bio){ .dev = b->dev, .sector = first_sector(b),
							.count = b->size / SECTOR_SIZE, .write = true, .buf = b->data };
				sent[i] = bio_submit(&bios[i]) == 0;
				failed += !sent[i];
			}
			if (!sent[i]) {
				brelse(b);
				batch[i] = NULL;
			}
		}
		for (int i = 0; i < m; i++) {
			if (!sent[i])
				continue;
			if (bio_wait(&bios[i]) == 0) {
				batch[i]->dirty = false;
				written++;
			} else {
				failed++;
			}
			brelse(batch[i]);
			batch[i] = NULL;
		}
	}
	/* The buffers that were busy, one at a time, holding nothing else. */
	for (int i = 0; i < n; i++) {
		struct buf *b = bufs[i];
		if (!b)
			continue;
		/* Not those the caller holds itself: it is changing them. */
		if (!wait_busy || mutex_held(&b->lock)) {
			put(b);
			continue;
		}
		mutex_lock(&b->lock);
		if (b->dirty) {
			if (block_rw(b->dev, first_sector(b), b->size / SECTOR_SIZE, b->data, true) == 0) {
				b->dirty = false;
				written++;
			} else {
				failed++;
			}
		}
		brelse(b);
	}
	__atomic_fetch_add(&stats.writebacks, written, __ATOMIC_RELAXED);
	return failed ? -EIO : written;
}

/* Writes dev's dirty buffers (only the early ones if early_only): count,
 * then collect them, referenced. 0, -EIO or -ENOMEM. */
static int write_dirty(struct block_device *dev, bool early_only, bool wait_busy)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	int n = 0;
	struct buf *b;
	for (int i = 0; i < HASH_BUCKETS; i++)
		list_for_each_entry(b, &hash[i], hash_link)
			n += b->dev == dev && b->dirty && (b->early || !early_only);
	spin_unlock_irqrestore(&lock, flags);
	if (n == 0)
		return 0;
	struct buf **bufs = kmalloc(n * sizeof(*bufs));
	if (!bufs)
		return -ENOMEM;
	int m = 0;
	flags = spin_lock_irqsave(&lock);
	for (int i = 0; i < HASH_BUCKETS; i++) {
		list_for_each_entry(b, &hash[i], hash_link) {
			if (b->dev == dev && b->dirty && (b->early || !early_only) && m < n) {
				hold(b);
				bufs[m++] = b;
			}
		}
	}
	spin_unlock_irqrestore(&lock, flags);
	int err = write_buffers(bufs, m, wait_busy) < 0 ? -EIO : 0;
	kfree(bufs);
	return err;
}

/* Frees least recently used buffers until size more bytes fit. Dirty ones
 * are written back first, a batch at a time. If everything is in use, or
 * the disk fails, the cache grows past its bound rather than fail. */
static void make_room(unsigned size)
{
	for (;;) {
		struct buf *dirty[WRITEBACK_BATCH], *b, *tmp;
		struct list_head victims = LIST_HEAD_INIT(victims);
		int ndirty = 0;
		uint64_t flags = spin_lock_irqsave(&lock);
		list_for_each_entry_safe(b, tmp, &lru, lru_link) {
			if (bytes + size <= BCACHE_MAX_BYTES)
				break;
			if (!b->dirty) {
				drop(b);
				list_add(&b->lru_link, &victims);
			} else if (ndirty < WRITEBACK_BATCH) {
				hold(b);
				dirty[ndirty++] = b;
			}
		}
		bool enough = bytes + size <= BCACHE_MAX_BYTES;
		spin_unlock_irqrestore(&lock, flags);
		list_for_each_entry_safe(b, tmp, &victims, lru_link)
			free_buf(b);
		if (ndirty == 0)
			return;
		/* Their device's bitmaps go first (see bsync), for every device
		 * with a buffer that is not a bitmap itself. */
		struct block_device *bitmaps_done = NULL;
		for (int i = 0; i < ndirty; i++)
			if (!dirty[i]->early && dirty[i]->dev != bitmaps_done) {
				write_dirty(dirty[i]->dev, true, false);
				bitmaps_done = dirty[i]->dev;
			}
		if (write_buffers(dirty, ndirty, false) <= 0 || enough)
			return;
	}
}

static struct buf *new_buf(struct block_device *dev, uint64_t blockno, unsigned size)
{
	struct buf *b = kzalloc(sizeof(*b));
	if (!b)
		return NULL;
	/* Power-of-two kmalloc sizes are aligned to themselves, so a block
	 * never straddles a page (drivers would cope, but need more parts). */
	b->data = kmalloc(size);
	if (!b->data) {
		kfree(b);
		return NULL;
	}
	b->dev = dev;
	b->blockno = blockno;
	b->size = size;
	/* Buffers nest (an indirect block, then the bitmap it allocates
	 * from) by role, which one lock class cannot tell apart. */
	mutex_init_unordered(&b->lock);
	list_init(&b->lru_link);
	return b;
}

/* The device changes block size (a new filesystem on it): write back and
 * forget its old blocks. Fails if some are still held. */
static bool change_block_size(struct block_device *dev, unsigned size)
{
	bsync(dev);
	binvalidate(dev);
	uint64_t flags = spin_lock_irqsave(&lock);
	struct device_blocks *d = device_blocks(dev);
	bool ok = d->nbufs == 0;
	if (ok)
		d->size = size;
	spin_unlock_irqrestore(&lock, flags);
	if (!ok)
		printk("bcache: %s: %u-byte blocks asked for while %u-byte ones are in use\n",
		       dev->name, size, d->size);
	return ok;
}

/* The buffer for a block, referenced but not locked, or an ERR_PTR: EIO
 * for a block beyond the device (as Linux's sb_bread callers say), ENOMEM,
 * EBUSY while the device's blocks have another size. */
static struct buf *bget(struct block_device *dev, uint64_t blockno, unsigned size)
{
	if (!dev || size == 0 || size % SECTOR_SIZE != 0 || size > PAGE_SIZE)
		return ERR_PTR(-EINVAL);
	if (blockno >= dev->nsectors / (size / SECTOR_SIZE))
		return ERR_PTR(-EIO);
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&lock);
		struct device_blocks *d = device_blocks(dev);
		if (!d) {
			spin_unlock_irqrestore(&lock, flags);
			return ERR_PTR(-ENOMEM);    /* no slot for another device */
		}
		bool same_size = d->nbufs == 0 || d->size == size;
		if (same_size) {
			d->size = size;
			struct buf *b = lookup(dev, blockno);
			if (b) {
				hold(b);
				spin_unlock_irqrestore(&lock, flags);
				return b;
			}
		}
		spin_unlock_irqrestore(&lock, flags);
		if (!same_size) {
			if (!change_block_size(dev, size))
				return ERR_PTR(-EBUSY);
			continue;
		}

		/* Not cached: make a buffer, unlocked (kmalloc, eviction). */
		make_room(size);
		struct buf *nb = new_buf(dev, blockno, size);
		if (!nb)
			return ERR_PTR(-ENOMEM);
		flags = spin_lock_irqsave(&lock);
		struct buf *b = lookup(dev, blockno);
		if (b || d->size != size) {
			/* Someone was faster (or changed the size): start over. */
			spin_unlock_irqrestore(&lock, flags);
			free_buf(nb);
			continue;
		}
		list_add(&nb->hash_link, bucket(dev, blockno));
		nb->refcount = 1;
		bytes += size;
		nbufs++;
		d->nbufs++;
		spin_unlock_irqrestore(&lock, flags);
		return nb;
	}
}

/* Locks b for its holder, once no read-ahead is filling it. */
static void lock_buf(struct buf *b)
{
	mutex_lock(&b->lock);
	wait_event(&readahead_done, !readahead_pending(b), WAIT_FOREVER);
}

struct buf *bread(struct block_device *dev, uint64_t blockno, unsigned size)
{
	struct buf *b = bget(dev, blockno, size);
	if (IS_ERR(b))
		return b;
	lock_buf(b);
	if (b->valid) {
		__atomic_fetch_add(&stats.hits, 1, __ATOMIC_RELAXED);
		return b;
	}
	__atomic_fetch_add(&stats.misses, 1, __ATOMIC_RELAXED);
	int err = block_rw(dev, first_sector(b), size / SECTOR_SIZE, b->data, false);
	if (err) {
		brelse(b);
		return ERR_PTR(err);
	}
	b->valid = true;
	return b;
}

struct buf *bget_noread(struct block_device *dev, uint64_t blockno, unsigned size)
{
	struct buf *b = bget(dev, blockno, size);
	if (!IS_ERR(b))
		lock_buf(b);
	return b;
}

int bwrite(struct buf *b)
{
	assert(mutex_held(&b->lock));
	if (block_rw(b->dev, first_sector(b), b->size / SECTOR_SIZE, b->data, true) != 0)
		return -EIO;
	b->valid = true;
	b->dirty = false;
	__atomic_fetch_add(&stats.writebacks, 1, __ATOMIC_RELAXED);
	return 0;
}

void bdirty(struct buf *b)
{
	assert(mutex_held(&b->lock));
	/* Whoever dirties a bget_noread buffer has filled it. */
	b->valid = true;
	b->dirty = true;
}

void brelse(struct buf *b)
{
	mutex_unlock(&b->lock);
	put(b);
}

/* A read-ahead ended (interrupt context). */
static void readahead_end(struct bio *bio)
{
	struct readahead *ra = bio->private;
	uint64_t flags = spin_lock_irqsave(&lock);
	if (bio->status == 0)
		ra->b->valid = true;
	unhold(ra->b);
	ra->b = NULL;
	spin_unlock_irqrestore(&lock, flags);
	wake_up_all(&readahead_done);
}

void breadahead(struct block_device *dev, uint64_t blockno, unsigned size)
{
	struct buf *b = bget(dev, blockno, size);
	if (IS_ERR(b))
		return;
	/* Held by someone: they are reading it already, or it is valid. */
	if (!mutex_trylock(&b->lock)) {
		put(b);
		return;
	}
	struct readahead *ra = NULL;
	uint64_t flags = spin_lock_irqsave(&lock);
	bool pending = false;
	for (int i = 0; i < READAHEAD_SLOTS; i++) {
		pending |= readaheads[i].b == b;
		if (!readaheads[i].b && !ra)
			ra = &readaheads[i];
	}
	if (b->valid || pending || !ra) {
		spin_unlock_irqrestore(&lock, flags);
		brelse(b);
		return;
	}
	ra->b = b;      /* the slot inherits our reference */
	spin_unlock_irqrestore(&lock, flags);
	ra->bio = (struct bio){ .dev = dev, .sector = first_sector(b), .count = size / SECTOR_SIZE,
				.buf = b->data, .end_io = readahead_end, .private = ra };
	mutex_unlock(&b->lock);
	if (bio_submit(&ra->bio) != 0) {
		ra->bio.status = -EIO;
		readahead_end(&ra->bio);
	}
}

int bsync(struct block_device *dev)
{
	if (!dev) {
		int err = 0;
		for (struct block_device *d = block_first(); d; d = block_next(d))
			if (bsync(d) != 0)
				err = -EIO;
		return err;
	}
	/* The early buffers (bitmaps), then the rest. */
	int err = write_dirty(dev, true, true);
	int e = write_dirty(dev, false, true);
	if (e && !err)
		err = e;
	/* The writes are done; make the disk keep them. */
	if (block_flush(dev) != 0)
		err = -EIO;
	return err;
}

void binvalidate(struct block_device *dev)
{
	struct buf *b, *tmp;
	struct list_head victims = LIST_HEAD_INIT(victims);
	uint64_t flags = spin_lock_irqsave(&lock);
	list_for_each_entry_safe(b, tmp, &lru, lru_link) {
		if (b->dev == dev && !b->dirty) {
			drop(b);
			list_add(&b->lru_link, &victims);
		}
	}
	spin_unlock_irqrestore(&lock, flags);
	list_for_each_entry_safe(b, tmp, &victims, lru_link)
		free_buf(b);
}

void bcache_stats(struct bcache_stats *s)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	*s = stats;
	s->buffers = nbufs;
	s->bytes = bytes;
	spin_unlock_irqrestore(&lock, flags);
}

void bcache_init(void)
{
	for (int i = 0; i < HASH_BUCKETS; i++)
		list_init(&hash[i]);
	list_init(&lru);
	wait_queue_init(&readahead_done);
}
