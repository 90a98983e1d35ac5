/* The page cache: regular files' data in 4 KiB pages, indexed by
 * (inode, page index). read() and write() copy to and from these pages;
 * a filesystem's address_space_operations fill a page from the disk on a
 * miss and write dirty pages back (fsync, sync, power-off). tmpfs has no
 * disk: its files are only these pages. Later, mmap of a file maps the
 * same pages, so a shared mapping and read() see the same bytes. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/err.h>
#include <fs/fs.h>

struct page;

struct cached_page {
	struct inode *inode;
	uint64_t index;
	struct page *page;          /* one frame, referenced by the cache */
	bool dirty;
	struct list_head inode_link;    /* in inode->pages */
	struct list_head hash_link;
	struct list_head lru_link;      /* in the list of every cached page */
};

/* The page at index, read with aops->read_page unless cached (or zeroed
 * if the inode has no aops). Caller holds inode->lock. ERR_PTR on
 * failure. */
struct cached_page *pagecache_get(struct inode *inode, uint64_t index);
/* Like pagecache_get, for a page about to be completely overwritten. */
struct cached_page *pagecache_get_for_write(struct inode *inode, uint64_t index, bool whole);
/* Page index of the file with a reference of its own, for a reader that
 * copies from it or maps it: inode->lock is taken for the lookup only,
 * and the reference keeps the frame alive even if a truncate drops it
 * from the cache meanwhile. NULL past the end of the file (*size, if not
 * NULL: the size seen), ERR_PTR on a read error. dirty: the page is
 * marked dirty now, for a shared writable mapping, whose writes are not
 * seen one by one. Sleeps: no spinlock may be held. */
struct page *pagecache_get_page(struct inode *inode, uint64_t index, bool dirty, uint64_t *size);
void pagecache_dirty(struct cached_page *cp);
/* Is page index of the file in the cache? Caller holds inode->lock. */
bool pagecache_has(struct inode *inode, uint64_t index);
/* The page's 4096 bytes in the kernel's view. */
void *cached_page_data(struct cached_page *cp);
/* Writes the inode's dirty pages back (caller holds inode->lock). */
int pagecache_writeback(struct inode *inode);
/* Drops pages wholly past size and zeroes the tail of the one it ends in
 * (truncate). Caller holds inode->lock. */
void pagecache_truncate(struct inode *inode, uint64_t size);
static inline bool inode_has_dirty_pages(struct inode *inode) { return inode->ndirty > 0; }
/* Drops every clean page of the inode (posix_fadvise DONTNEED). */
void pagecache_drop_clean(struct inode *inode);
/* Drops every page, dirty or not (the inode is being freed). */
void pagecache_drop_all(struct inode *inode);

/* Pages dirty (not yet handed to the filesystem), all inodes. */
uint64_t pagecache_nr_dirty(void);
/* Pages in the cache, and those of them that are tmpfs's (memory-only
 * files, memfds, shared anonymous memory): /proc/meminfo's Cached, Shmem. */
uint64_t pagecache_nr_pages(void);
uint64_t pagecache_nr_shmem(void);
/* Frees up to want clean pages nobody maps (the frame allocator's
 * reclaimer: never sleeps); returns how many. */
uint64_t pagecache_reclaim(uint64_t want);
