/* The buddy allocator's bookkeeping, with no locking and no knowledge of
 * where the frames are: page_alloc.c wraps it for the kernel, and the host
 * unit tests (kernel/tests/unit/test_buddy.c) drive it directly.
 *
 * Free memory is kept as blocks of 2^order frames, each aligned to its own
 * size, on one free list per order. Allocating splits a larger block in
 * halves until one of the right order is left; freeing merges a block with
 * its "buddy" (the other half of the block they were split from) for as
 * long as the buddy is free too. */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include <mm/page.h>

#define BUDDY_ORDERS 11         /* orders 0..10: blocks of 4 KiB .. 4 MiB, as Linux */

struct buddy {
	struct page *pages;             /* pages[pfn] describes frame pfn */
	uint64_t npages;                /* frames described: pfn < npages */
	struct list_head free[BUDDY_ORDERS];
	uint64_t nblocks[BUDDY_ORDERS]; /* blocks on each free list */
	uint64_t free_pages;            /* frames on all the free lists */
};

/* Starts with no free memory: every frame reserved. */
void buddy_init(struct buddy *b, struct page *pages, uint64_t npages);
/* Hands frames [pfn, pfn + count) to the allocator. */
void buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count);
/* The first frame of a free block of 2^order frames; -ENOMEM if none is
 * left, -EINVAL for an order beyond the largest. */
int64_t buddy_alloc(struct buddy *b, unsigned order);
/* Returns a block; false (and no change) if it is not a block that can be
 * freed: out of range, misaligned, reserved, or already free. */
bool buddy_free(struct buddy *b, uint64_t pfn, unsigned order);
