/* The page cache (fs/pagecache.h): a hash of (inode, index) to a frame.
 *
 * The hash has its own spinlock for lookups, which also guards the list
 * of every cached page (oldest first, for reclaim); everything else
 * about an inode's pages (filling them, the dirty flags, the per-inode
 * list) is done with the inode's mutex held, which all callers take.
 *
 * When the frame allocator runs out it asks the page cache for clean
 * pages nobody maps (pagecache_reclaim): a cache full of a file just
 * written must not leave the rest of the kernel without memory. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/err.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <mm/page_alloc.h>
#include <fs/pagecache.h>

#define HASH_SIZE 4096
static struct list_head hash[HASH_SIZE];
static struct spinlock hash_lock = SPINLOCK_INIT("pagecache");
static bool hash_ready;
static struct list_head all_pages = LIST_HEAD_INIT(all_pages);   /* under hash_lock */
static uint64_t nr_dirty;               /* atomic: every inode's dirty pages */
static uint64_t nr_cached, nr_shmem;    /* atomic: all pages, and tmpfs's of them */

uint64_t pagecache_nr_dirty(void) { return __atomic_load_n(&nr_dirty, __ATOMIC_RELAXED); }
uint64_t pagecache_nr_pages(void) { return __atomic_load_n(&nr_cached, __ATOMIC_RELAXED); }
uint64_t pagecache_nr_shmem(void) { return __atomic_load_n(&nr_shmem, __ATOMIC_RELAXED); }

/* A file with a disk behind it; tmpfs's pages are the file itself: never
 * reclaimed, and not counted as dirty (nothing could clean them). */
static bool backed(struct inode *inode)
{
	return inode->aops && inode->aops->write_page;
}

static void set_clean(struct cached_page *cp)
{
	if (cp->dirty) {
		cp->dirty = false;
		cp->inode->ndirty--;
		if (backed(cp->inode))
			__atomic_fetch_sub(&nr_dirty, 1, __ATOMIC_RELAXED);
	}
}

/* The counts /proc/meminfo shows as Cached and Shmem. */
static void count_page(struct inode *inode, int64_t delta)
{
	__atomic_fetch_add(&nr_cached, delta, __ATOMIC_RELAXED);
	if (!backed(inode))
		__atomic_fetch_add(&nr_shmem, delta, __ATOMIC_RELAXED);
}

static struct list_head *bucket(struct inode *inode, uint64_t index)
{
	uint64_t h = ((uint64_t)inode >> 4) * 0x9e3779b97f4a7c15ull + index;
	return &hash[h % HASH_SIZE];
}

static struct cached_page *find(struct inode *inode, uint64_t index)
{
	uint64_t flags = spin_lock_irqsave(&hash_lock);
	if (!hash_ready) {
		for (int i = 0; i < HASH_SIZE; i++)
			list_init(&hash[i]);
		hash_ready = true;
	}
	struct cached_page *cp, *found = NULL;
	list_for_each_entry(cp, bucket(inode, index), hash_link)
		if (cp->inode == inode && cp->index == index) {
			found = cp;
			break;
		}
	spin_unlock_irqrestore(&hash_lock, flags);
	return found;
}

bool pagecache_has(struct inode *inode, uint64_t index)
{
	return find(inode, index) != NULL;
}

/* Takes cp out of the cache; the caller holds hash_lock and the inode's
 * mutex, and frees cp (free_dropped) once it lets go of hash_lock. */
static void unlink_locked(struct cached_page *cp)
{
	list_del(&cp->hash_link);
	list_del(&cp->lru_link);
	set_clean(cp);
	list_del(&cp->inode_link);
	cp->inode->npages--;
	count_page(cp->inode, -1);
	__atomic_sub_fetch(&cp->inode->sb->cached_pages, 1, __ATOMIC_RELAXED);
}

static void free_dropped(struct cached_page *cp)
{
	page_put(cp->page);
	kfree(cp);
}

static void drop(struct cached_page *cp)
{
	uint64_t flags = spin_lock_irqsave(&hash_lock);
	unlink_locked(cp);
	spin_unlock_irqrestore(&hash_lock, flags);
	free_dropped(cp);
}

/* Only the cache holds the frame: no mapping, no one reading it. */
static bool reclaimable(struct cached_page *cp)
{
	return !cp->dirty && backed(cp->inode) &&
	       __atomic_load_n(&cp->page->refcount, __ATOMIC_RELAXED) == 1;
}

/* Drops up to want of inode's reclaimable pages (the caller holds its
 * mutex and is not walking its pages). */
static uint64_t shrink_inode(struct inode *inode, uint64_t want)
{
	struct cached_page *cp, *tmp;
	uint64_t freed = 0;
	list_for_each_entry_safe(cp, tmp, &inode->pages, inode_link) {
		if (freed >= want)
			break;
		if (reclaimable(cp)) {
			drop(cp);
			freed++;
		}
	}
	return freed;
}

/* The frame allocator is out of frames: frees up to want clean, unmapped
 * pages, oldest first, of inodes whose mutex is free (a held one may be
 * walking its pages). Never sleeps: it runs inside alloc_pages. */
uint64_t pagecache_reclaim(uint64_t want)
{
	struct list_head victims = LIST_HEAD_INIT(victims);
	uint64_t freed = 0;
	uint64_t flags = spin_lock_irqsave(&hash_lock);
	struct cached_page *cp, *tmp;
	list_for_each_entry_safe(cp, tmp, &all_pages, lru_link) {
		if (freed >= want)
			break;
		struct inode *inode = cp->inode;
		if (!reclaimable(cp) || !mutex_trylock(&inode->lock))
			continue;
		if (reclaimable(cp)) {
			unlink_locked(cp);
			list_add(&cp->lru_link, &victims);
			freed++;
		}
		mutex_unlock(&inode->lock);
	}
	spin_unlock_irqrestore(&hash_lock, flags);
	list_for_each_entry_safe(cp, tmp, &victims, lru_link)
		free_dropped(cp);
	return freed;
}

static struct cached_page *try_insert(struct inode *inode, uint64_t index)
{
	struct cached_page *cp = kzalloc(sizeof(*cp));
	struct page *pg = alloc_page(0);
	if (!cp || !pg) {
		kfree(cp);
		if (pg)
			page_put(pg);
		return NULL;
	}
	cp->inode = inode;
	cp->index = index;
	cp->page = pg;
	list_add_tail(&cp->inode_link, &inode->pages);
	inode->npages++;
	count_page(inode, 1);
	__atomic_add_fetch(&inode->sb->cached_pages, 1, __ATOMIC_RELAXED);
	uint64_t flags = spin_lock_irqsave(&hash_lock);
	list_add_tail(&cp->hash_link, bucket(inode, index));
	list_add_tail(&cp->lru_link, &all_pages);
	spin_unlock_irqrestore(&hash_lock, flags);
	return cp;
}

static struct cached_page *insert(struct inode *inode, uint64_t index)
{
	struct cached_page *cp = try_insert(inode, index);
	/* Reclaim skips the inodes whose mutex is held, ours included: a
	 * file bigger than memory reuses its own clean pages. */
	if (!cp && shrink_inode(inode, 32))
		cp = try_insert(inode, index);
	return cp ? cp : ERR_PTR(-ENOMEM);
}

void *cached_page_data(struct cached_page *cp)
{
	return page_address(cp->page);
}

struct cached_page *pagecache_get_for_write(struct inode *inode, uint64_t index, bool whole)
{
	assert_held(&inode->lock);
	struct cached_page *cp = find(inode, index);
	if (cp)
		return cp;
	cp = insert(inode, index);
	if (IS_ERR(cp))
		return cp;
	void *data = page_address(cp->page);
	/* A page past the end of the file, or about to be overwritten whole,
	 * needs no read: only its zeroes. */
	bool beyond = index * PAGE_SIZE >= inode->size;
	if (whole || beyond || !inode->aops) {
		memset(data, 0, PAGE_SIZE);
		return cp;
	}
	int err = inode->aops->read_page(inode, index, data);
	if (err) {
		drop(cp);
		return ERR_PTR(err);
	}
	return cp;
}

struct cached_page *pagecache_get(struct inode *inode, uint64_t index)
{
	assert_held(&inode->lock);
	return pagecache_get_for_write(inode, index, false);
}

struct page *pagecache_get_page(struct inode *inode, uint64_t index, bool dirty, uint64_t *size)
{
	struct page *pg = NULL;
	mutex_lock(&inode->lock);
	if (size)
		*size = inode->size;
	if (index < (inode->size + PAGE_SIZE - 1) / PAGE_SIZE) {
		struct cached_page *cp = pagecache_get(inode, index);
		if (IS_ERR(cp)) {
			pg = ERR_CAST(cp);
		} else {
			pg = cp->page;
			page_get(pg);
			if (dirty)
				pagecache_dirty(cp);
		}
	}
	mutex_unlock(&inode->lock);
	return pg;
}

void pagecache_dirty(struct cached_page *cp)
{
	if (!cp->dirty) {
		inode_note_dirtied(cp->inode);
		cp->dirty = true;
		cp->inode->ndirty++;
		if (backed(cp->inode))
			__atomic_fetch_add(&nr_dirty, 1, __ATOMIC_RELAXED);
	}
}

int pagecache_writeback(struct inode *inode)
{
	assert_held(&inode->lock);
	if (!inode->aops || !inode->aops->write_page)
		return 0;       /* tmpfs: the pages are the file */
	int err = 0;
	struct cached_page *cp;
	list_for_each_entry(cp, &inode->pages, inode_link) {
		if (!cp->dirty)
			continue;
		if (cp->index * PAGE_SIZE >= inode->size) {
			/* Past the end after a truncate: nothing to write. */
			set_clean(cp);
			continue;
		}
		int e = inode->aops->write_page(inode, cp->index, page_address(cp->page));
		if (e) {
			if (!err)
				err = e;
			continue;
		}
		set_clean(cp);
	}
	return err;
}

void pagecache_truncate(struct inode *inode, uint64_t size)
{
	assert_held(&inode->lock);
	struct cached_page *cp, *tmp;
	list_for_each_entry_safe(cp, tmp, &inode->pages, inode_link) {
		uint64_t start = cp->index * PAGE_SIZE;
		if (start >= size) {
			drop(cp);
		} else if (start + PAGE_SIZE > size) {
			/* The page the file now ends in: what lies past the end must
			 * read as zeroes if the file grows again. */
			memset((char *)page_address(cp->page) + (size - start), 0,
			       start + PAGE_SIZE - size);
			pagecache_dirty(cp);
		}
	}
}

void pagecache_drop_clean(struct inode *inode)
{
	struct cached_page *cp, *tmp;
	list_for_each_entry_safe(cp, tmp, &inode->pages, inode_link)
		if (!cp->dirty)
			drop(cp);
}

void pagecache_drop_all(struct inode *inode)
{
	struct cached_page *cp, *tmp;
	list_for_each_entry_safe(cp, tmp, &inode->pages, inode_link)
		drop(cp);
}
