/* The buddy allocator (see mm/buddy.h). Pure bookkeeping over the struct
 * page array: it never touches the frames themselves, takes no locks, and
 * builds on the host for unit tests. The caller (page_alloc.c) locks. */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <mm/buddy.h>

static __maybe_unused uint64_t block_size(unsigned order) { return 1ull << order; }

void buddy_init(struct buddy *b, struct page *pages, uint64_t npages)
{
	b->pages = pages;
	b->npages = npages;
	b->free_pages = 0;
	for (unsigned k = 0; k < BUDDY_ORDERS; k++) {
		list_init(&b->free[k]);
		b->nblocks[k] = 0;
	}
	/* The array lives in RAM the boot loader did not clear. */
	for (uint64_t i = 0; i < npages; i++)
		pages[i] = (struct page){ .flags = PAGE_RESERVED };
}

static void push_free(struct buddy *b, uint64_t pfn, unsigned order)
{
	struct page *p = &b->pages[pfn];
	p->flags |= PAGE_FREE;
	p->order = order;
	list_add(&p->list, &b->free[order]);
	b->nblocks[order]++;
}

static __maybe_unused void remove_free(struct buddy *b, struct page *p)
{
	list_del(&p->list);
	p->flags &= ~PAGE_FREE;
	b->nblocks[p->order]--;
}

/* Is pfn the first frame of a free block of exactly this order? */
static __maybe_unused bool is_free_block(struct buddy *b, uint64_t pfn, unsigned order)
{
	return pfn + block_size(order) <= b->npages &&
	       (b->pages[pfn].flags & PAGE_FREE) && b->pages[pfn].order == order;
}

int64_t buddy_alloc(struct buddy *b, unsigned order)
{
	if (order >= BUDDY_ORDERS)
		return -EINVAL;
	// LAB 2 BEGIN(exercise 1): take the smallest free block that fits, split it down to size
	unsigned k = order;
	while (k < BUDDY_ORDERS && list_empty(&b->free[k]))
		k++;
	if (k == BUDDY_ORDERS)
		return -ENOMEM;
	struct page *head = list_first_entry(&b->free[k], struct page, list);
	remove_free(b, head);
	uint64_t pfn = head - b->pages;
	/* Keep the first half, give the second half back, until the block
	 * is the size asked for. Both halves stay aligned to their size. */
	while (k > order) {
		k--;
		push_free(b, pfn + block_size(k), k);
	}
	head->order = order;
	b->free_pages -= block_size(order);
	return pfn;
	// LAB 2 STUB: return -ENOMEM;
	// LAB 2 END
}

bool buddy_free(struct buddy *b, uint64_t pfn, unsigned order)
{
	if (order >= BUDDY_ORDERS || pfn + block_size(order) > b->npages ||
	    (pfn & (block_size(order) - 1)) != 0)
		return false;
	struct page *p = &b->pages[pfn];
	if (p->flags & (PAGE_FREE | PAGE_RESERVED))
		return false;
	b->free_pages += block_size(order);
	// LAB 2 BEGIN(exercise 2): merge the block with its buddy for as long as the buddy is free
	while (order + 1 < BUDDY_ORDERS) {
		/* The buddy differs from us in exactly the bit of our size. */
		uint64_t buddy = pfn ^ block_size(order);
		if (!is_free_block(b, buddy, order))
			break;
		remove_free(b, &b->pages[buddy]);
		pfn &= ~block_size(order);      /* the merged block starts at the lower half */
		order++;
	}
	// LAB 2 END
	push_free(b, pfn, order);
	return true;
}

void buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count)
{
	uint64_t end = pfn + count;
	if (end > b->npages)
		end = b->npages;
	for (uint64_t i = pfn; i < end; i++)
		b->pages[i].flags &= ~PAGE_RESERVED;
	/* Free the range as the largest aligned blocks that fit. */
	while (pfn < end) {
		unsigned order = 0;
		while (order + 1 < BUDDY_ORDERS && (pfn & (block_size(order + 1) - 1)) == 0 &&
		       pfn + block_size(order + 1) <= end)
			order++;
		buddy_free(b, pfn, order);
		pfn += block_size(order);
	}
}
