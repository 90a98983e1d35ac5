/* struct page: what the kernel knows about one 4 KiB physical frame.
 *
 * There is one for every frame from physical 0 up to the end of RAM (holes
 * included, so finding a frame's struct page is just an array index), in
 * the array `page_array` that mm_init() carves out of RAM at boot. */
#pragma once
#include <stdint.h>
#include <kernel/list.h>

/* page.flags */
#define PAGE_RESERVED  0x01   /* not RAM, or RAM the kernel keeps (its image, this array) */
#define PAGE_FREE      0x02   /* first frame of a free buddy block */
#define PAGE_SLAB      0x04   /* holds kmalloc objects of one size class */

struct kmem_cache;

struct page {
	/* Free: links the block into its order's free list (buddy.c).
	 * Slab: links the slab into its cache's list of partial slabs. */
	struct list_head list;
	uint32_t refcount;      /* users of an allocated block; 0 when free */
	uint8_t order;          /* first frame of a block: it spans 2^order frames */
	uint8_t flags;
	uint16_t inuse;         /* slab: objects handed out */
	struct kmem_cache *cache;   /* slab: the size class it belongs to */
	void *freelist;         /* slab: first free object */
};
