/* The page cache (fs/pagecache.h): a hash of (inode, index) to a frame.
 *
 * The hash has its own spinlock for lookups; everything else about an
 * inode's pages (filling them, the dirty flags, the per-inode list) is
 * done with the inode's mutex held, which all callers take. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <mm/page_alloc.h>
#include <fs/pagecache.h>

#define HASH_SIZE 4096
static struct list_head hash[HASH_SIZE];
static struct spinlock hash_lock = SPINLOCK_INIT("pagecache");
static bool hash_ready;

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

static struct cached_page *insert(struct inode *inode, uint64_t index, int *err)
{
	struct cached_page *cp = kzalloc(sizeof(*cp));
	struct page *pg = alloc_page(0);
	if (!cp || !pg) {
		kfree(cp);
		if (pg)
			page_put(pg);
		*err = -ENOMEM;
		return NULL;
	}
	cp->inode = inode;
	cp->index = index;
	cp->page = pg;
	list_add_tail(&cp->inode_link, &inode->pages);
	inode->npages++;
	uint64_t flags = spin_lock_irqsave(&hash_lock);
	list_add_tail(&cp->hash_link, bucket(inode, index));
	spin_unlock_irqrestore(&hash_lock, flags);
	return cp;
}

static void drop(struct cached_page *cp)
{
	uint64_t flags = spin_lock_irqsave(&hash_lock);
	list_del(&cp->hash_link);
	spin_unlock_irqrestore(&hash_lock, flags);
	list_del(&cp->inode_link);
	cp->inode->npages--;
	if (cp->dirty)
		cp->inode->ndirty--;
	page_put(cp->page);
	kfree(cp);
}

void *cached_page_data(struct cached_page *cp)
{
	return page_address(cp->page);
}

struct cached_page *pagecache_get_for_write(struct inode *inode, uint64_t index, bool whole, int *err)
{
	assert_held(&inode->lock);
	struct cached_page *cp = find(inode, index);
	if (cp)
		return cp;
	cp = insert(inode, index, err);
	if (!cp)
		return NULL;
	void *data = page_address(cp->page);
	/* A page past the end of the file, or about to be overwritten whole,
	 * needs no read: only its zeroes. */
	bool beyond = index * PAGE_SIZE >= inode->size;
	if (whole || beyond || !inode->aops) {
		memset(data, 0, PAGE_SIZE);
		return cp;
	}
	int e = inode->aops->read_page(inode, index, data);
	if (e) {
		drop(cp);
		*err = e;
		return NULL;
	}
	return cp;
}

struct cached_page *pagecache_get(struct inode *inode, uint64_t index, int *err)
{
	assert_held(&inode->lock);
	return pagecache_get_for_write(inode, index, false, err);
}

void pagecache_dirty(struct cached_page *cp)
{
	if (!cp->dirty) {
		cp->dirty = true;
		cp->inode->ndirty++;
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
			cp->dirty = false;
			inode->ndirty--;
			continue;
		}
		int e = inode->aops->write_page(inode, cp->index, page_address(cp->page));
		if (e) {
			if (!err)
				err = e;
			continue;
		}
		cp->dirty = false;
		inode->ndirty--;
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
