/* The kernel heap: kmalloc/kfree for objects of any size.
 *
 * Small sizes (up to KMALLOC_MAX_SMALL) are served from slabs: pages cut
 * into equal objects of one size class (16, 32, ... 2048 bytes). Larger
 * ones get whole contiguous pages from the frame allocator. Memory is in
 * the direct map, 16-byte aligned (whole pages for large sizes). */
#pragma once
#include <kernel/types.h>

#define KMALLOC_MAX_SMALL 2048

void kmalloc_init(void);
void *kmalloc(size_t size);
void *kzalloc(size_t size);    /* zeroed */
void kfree(void *ptr);          /* kfree(NULL) does nothing */

/* What the heap holds right now (for tests, the monitor's "mem", and
 * /proc/meminfo later). */
struct kmalloc_stats {
	uint64_t objects_in_use;
	uint64_t slab_pages;
	uint64_t large_pages;
};
void kmalloc_stats(struct kmalloc_stats *s);
