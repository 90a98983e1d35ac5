/* Host unit tests for the buddy allocator's bookkeeping (kernel/mm/buddy.c):
 * alignment, disjointness, merging back to the original shape, refusing
 * bad frees, and never merging across a reserved hole. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/errno.h>
#include <mm/buddy.h>

#define NPAGES 8192

static struct page pages[NPAGES];
static struct buddy b;
static uint8_t owner[NPAGES];          /* 1 while a frame is allocated */

static void setup(void)
{
	buddy_init(&b, pages, NPAGES);
	memset(owner, 0, sizeof(owner));
}

static void snapshot(uint64_t out[BUDDY_ORDERS])
{
	memcpy(out, b.nblocks, sizeof(b.nblocks));
}

/* Allocates and checks a block: aligned, inside the allocator, not owned. */
static int64_t take(unsigned order)
{
	int64_t pfn = buddy_alloc(&b, order);
	if (pfn < 0)
		return pfn;
	cr_assert_eq(pfn % (1 << order), 0, "pfn %ld is not aligned to order %u", pfn, order);
	cr_assert_leq(pfn + (1 << order), NPAGES);
	for (int64_t i = pfn; i < pfn + (1 << order); i++) {
		cr_assert_eq(owner[i], 0, "frame %ld handed out twice", i);
		cr_assert_eq(pages[i].flags & PAGE_RESERVED, 0, "reserved frame %ld handed out", i);
		owner[i] = 1;
	}
	return pfn;
}

static void give_back(int64_t pfn, unsigned order)
{
	for (int64_t i = pfn; i < pfn + (1 << order); i++)
		owner[i] = 0;
	cr_assert(buddy_free(&b, pfn, order), "freeing pfn %ld order %u", pfn, order);
}

Test(buddy, starts_empty_and_adds_aligned_blocks, .init = setup)
{
	cr_expect_eq(buddy_alloc(&b, 0), -ENOMEM, "nothing was added yet");
	buddy_add_range(&b, 0, NPAGES);
	cr_expect_eq(b.free_pages, NPAGES);
	cr_expect_eq(b.nblocks[BUDDY_ORDERS - 1], NPAGES >> (BUDDY_ORDERS - 1));
	for (int k = 0; k < BUDDY_ORDERS - 1; k++)
		cr_expect_eq(b.nblocks[k], 0, "order %d", k);
}

Test(buddy, ragged_range_becomes_largest_aligned_blocks, .init = setup)
{
	/* [3, 1000): 3 (order 0), 4-7 (2), 8-15 (3), ... 512-999 in pieces. */
	buddy_add_range(&b, 3, 997);
	cr_expect_eq(b.free_pages, 997);
	uint64_t total = 0;
	for (int k = 0; k < BUDDY_ORDERS; k++)
		total += b.nblocks[k] << k;
	cr_expect_eq(total, 997);
	cr_expect_eq(b.nblocks[0], 1, "pfn 3 alone");
	for (int64_t pfn; (pfn = take(0)) >= 0;)
		cr_assert(pfn >= 3 && pfn < 1000, "frame %ld outside the range", pfn);
}

Test(buddy, split_then_merge_restores_the_free_lists, .init = setup)
{
	buddy_add_range(&b, 0, NPAGES);
	uint64_t before[BUDDY_ORDERS];
	snapshot(before);
	int64_t one = take(0);
	/* Splitting a 1024-frame block for one frame leaves one block of
	 * each order 0..9. */
	for (int k = 0; k < BUDDY_ORDERS - 1; k++)
		cr_expect_eq(b.nblocks[k], 1, "order %d after one split", k);
	give_back(one, 0);
	cr_expect_arr_eq(b.nblocks, before, sizeof(before), "freeing must merge back completely");
	cr_expect_eq(b.free_pages, NPAGES);
}

Test(buddy, exhausts_then_refuses, .init = setup)
{
	buddy_add_range(&b, 0, 64);
	int n = 0;
	while (take(0) >= 0)
		n++;
	cr_expect_eq(n, 64);
	cr_expect_eq(b.free_pages, 0);
	cr_expect_eq(buddy_alloc(&b, 0), -ENOMEM);
	cr_expect_eq(buddy_alloc(&b, BUDDY_ORDERS), -EINVAL, "orders beyond the largest are refused");
}

Test(buddy, refuses_bad_frees, .init = setup)
{
	buddy_add_range(&b, 16, 64);
	int64_t pfn = take(2);
	cr_expect_not(buddy_free(&b, pfn + 1, 2), "misaligned");
	cr_expect_not(buddy_free(&b, NPAGES, 0), "out of range");
	cr_expect_not(buddy_free(&b, 0, 0), "reserved frame");
	give_back(pfn, 2);
	cr_expect_not(buddy_free(&b, pfn, 2), "double free");
	cr_expect_eq(b.free_pages, 64);
}

Test(buddy, never_merges_across_a_reserved_hole, .init = setup)
{
	/* Two ranges with frame 1024 reserved between them: 0-1023 can become
	 * one order-10 block, but 1025.. must never merge with it. */
	buddy_add_range(&b, 0, 1024);
	buddy_add_range(&b, 1025, 1023);
	uint64_t before[BUDDY_ORDERS];
	snapshot(before);
	int64_t got[2048];
	int n = 0;
	while ((got[n] = take(0)) >= 0)
		n++;
	cr_expect_eq(n, 2047);
	for (int i = n - 1; i >= 0; i--)
		give_back(got[i], 0);
	cr_expect_arr_eq(b.nblocks, before, sizeof(before));
	cr_expect_eq(b.nblocks[BUDDY_ORDERS - 1], 1, "only the first range is a whole order-10 block");
}

Test(buddy, random_operations_against_a_model, .init = setup)
{
	buddy_add_range(&b, 0, NPAGES);
	uint64_t before[BUDDY_ORDERS];
	snapshot(before);
	struct { int64_t pfn; unsigned order; } live[512];
	int nlive = 0;
	uint64_t used = 0;
	srand(12345);
	for (int op = 0; op < 20000; op++) {
		if (nlive > 0 && (nlive == 512 || rand() % 2)) {
			int i = rand() % nlive;
			give_back(live[i].pfn, live[i].order);
			used -= 1ull << live[i].order;
			live[i] = live[--nlive];
		} else {
			unsigned order = rand() % 6;
			int64_t pfn = take(order);
			if (pfn < 0)
				continue;
			live[nlive].pfn = pfn;
			live[nlive++].order = order;
			used += 1ull << order;
		}
		cr_assert_eq(b.free_pages + used, NPAGES, "free count drifted at op %d", op);
	}
	while (nlive > 0) {
		nlive--;
		give_back(live[nlive].pfn, live[nlive].order);
	}
	cr_expect_arr_eq(b.nblocks, before, sizeof(before));
}
