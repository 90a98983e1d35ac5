/* The kernel's frame allocator: the buddy allocator (buddy.c) over all of
 * usable RAM, behind one lock, plus reference counts.
 *
 * Reference counts are what later labs share frames with: fork's
 * copy-on-write maps one frame into two address spaces, and a frame is
 * freed only when the last mapping lets go of it. */
#include <kernel/types.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/buddy.h>
#include <mm/page_alloc.h>

struct page *page_array;
uint64_t max_pfn;

static struct buddy buddy;
static uint64_t total_pages;
static struct spinlock lock = SPINLOCK_INIT("page_alloc");

void page_alloc_init(struct page *array, uint64_t npages)
{
	page_array = array;
	max_pfn = npages;
	buddy_init(&buddy, array, npages);
}

void page_alloc_add_range(uint64_t start, uint64_t end)
{
	uint64_t first = ALIGN_UP(start, PAGE_SIZE) >> PAGE_SHIFT;
	uint64_t last = ALIGN_DOWN(end, PAGE_SIZE) >> PAGE_SHIFT;
	if (last > max_pfn)
		last = max_pfn;
	if (first >= last)
		return;
	uint64_t flags = spin_lock_irqsave(&lock);
	uint64_t before = buddy.free_pages;
	buddy_add_range(&buddy, first, last - first);
	total_pages += buddy.free_pages - before;
	spin_unlock_irqrestore(&lock, flags);
}

/* Caches that can give frames back when the allocator runs out (Lab 4's
 * page cache): frees up to `want` frames, returns how many. */
static uint64_t (*reclaimer)(uint64_t want);
#define RECLAIM_BATCH 64        /* frames freed per shortage, to amortize the walk */
#define RECLAIM_TRIES 4         /* a larger block may need several rounds */

void page_alloc_set_reclaimer(uint64_t (*fn)(uint64_t want))
{
	reclaimer = fn;
}

static int64_t take_block(unsigned order)
{
	uint64_t irq = spin_lock_irqsave(&lock);
	int64_t pfn = buddy_alloc(&buddy, order);
	spin_unlock_irqrestore(&lock, irq);
	return pfn;
}

struct page *alloc_pages(unsigned order, unsigned flags)
{
	int64_t pfn = take_block(order);
	for (int i = 0; pfn < 0 && reclaimer && i < RECLAIM_TRIES; i++) {
		if (!reclaimer((1ull << order) + RECLAIM_BATCH))
			break;
		pfn = take_block(order);
	}
	if (pfn < 0)
		return NULL;
	struct page *p = pfn_to_page(pfn);
	if (p->refcount != 0)
		panic("alloc_pages: frame %#lx came off the free list with refcount %u",
		      page_to_phys(p), p->refcount);
	p->order = order;
	__atomic_store_n(&p->refcount, 1, __ATOMIC_RELAXED);
	if (flags & ALLOC_ZERO)
		memset(page_address(p), 0, PAGE_SIZE << order);     /* the direct map is contiguous */
	return p;
}

void page_get(struct page *p)
{
	if (__atomic_fetch_add(&p->refcount, 1, __ATOMIC_RELAXED) == 0)
		panic("page_get: frame %#lx is not allocated", page_to_phys(p));
}

void page_put(struct page *p)
{
	// LAB 2 BEGIN(exercise 3): drop a reference; the last one frees the block
	uint32_t old = __atomic_fetch_sub(&p->refcount, 1, __ATOMIC_ACQ_REL);
	if (old == 0)
		panic("page_put: frame %#lx is already free", page_to_phys(p));
	if (old > 1)
		return;
	uint64_t irq = spin_lock_irqsave(&lock);
	bool ok = buddy_free(&buddy, page_to_pfn(p), p->order);
	spin_unlock_irqrestore(&lock, irq);
	if (!ok)
		panic("page_put: frame %#lx (order %u) cannot be freed", page_to_phys(p), p->order);
	// LAB 2 END
}

void mem_stats(struct mem_stats *s)
{
	uint64_t irq = spin_lock_irqsave(&lock);
	s->total_pages = total_pages;
	s->free_pages = buddy.free_pages;
	for (int k = 0; k < BUDDY_ORDERS; k++)
		s->free_blocks[k] = buddy.nblocks[k];
	spin_unlock_irqrestore(&lock, irq);
}
