/* The physical frame allocator: every frame of usable RAM, handed out in
 * blocks of 2^order contiguous frames, each with a reference count.
 *
 *   struct page *p = alloc_pages(0, ALLOC_ZERO);   // one zeroed frame
 *   void *va = page_address(p);                    // where the kernel sees it
 *   page_get(p);  page_put(p);                     // share it, drop a share
 *   page_put(p);                                   // the last put frees it
 */
#pragma once
#include <kernel/types.h>
#include <mm/page.h>
#include <mm/buddy.h>
#include <x86/memlayout.h>

#define ALLOC_ZERO  0x1         /* fill the block with zeroes */

extern struct page *page_array;
extern uint64_t max_pfn;        /* frames below this have a struct page */

static inline uint64_t page_to_pfn(const struct page *p) { return p - page_array; }
static inline struct page *pfn_to_page(uint64_t pfn) { return &page_array[pfn]; }
static inline uint64_t page_to_phys(const struct page *p) { return page_to_pfn(p) << PAGE_SHIFT; }
static inline struct page *phys_to_page(uint64_t pa) { return pfn_to_page(pa >> PAGE_SHIFT); }
static inline void *page_address(const struct page *p) { return phys_to_virt(page_to_phys(p)); }
static inline struct page *virt_to_page(const void *va) { return phys_to_page(virt_to_phys(va)); }

/* 2^order contiguous frames with a reference count of 1, or NULL. */
struct page *alloc_pages(unsigned order, unsigned flags);
static inline struct page *alloc_page(unsigned flags) { return alloc_pages(0, flags); }

/* fn frees up to want frames of a cache when alloc_pages finds none; it
 * must not sleep (alloc_pages may be called under a spinlock). */
void page_alloc_set_reclaimer(uint64_t (*fn)(uint64_t want));

void page_get(struct page *p);
/* Drops a reference; the block goes back to the allocator at zero. */
void page_put(struct page *p);

struct mem_stats {
	uint64_t total_pages;   /* usable RAM the allocator manages */
	uint64_t free_pages;
	uint64_t free_blocks[BUDDY_ORDERS];   /* free blocks of each order */
};
void mem_stats(struct mem_stats *s);

/* Boot: the frames of [start, end) (physical) join the allocator. */
void page_alloc_add_range(uint64_t start, uint64_t end);
void page_alloc_init(struct page *array, uint64_t npages);
