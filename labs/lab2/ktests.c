/* Lab 2 self-tests: the frame allocator, page tables, protections, guard
 * pages and the heap. The grader (labs/lab2/lab.py) boots the kernel once
 * per test with "test=NAME token=RANDOM"; random choices are seeded from
 * the token, so each run checks different frames, addresses and sizes. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include <kernel/timer.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <mm/kmalloc.h>
#include <mm/kstack.h>
#include <x86/paging.h>
#include <x86/cpu.h>

/* Most tests need the kernel's own page tables: say so plainly if the
 * exercises that build them are not done yet. */
static bool need_paging(const char *test)
{
	if (paging_enabled())
		return true;
	printk("%s: the kernel is still on the boot page tables (paging_init failed)\n", test);
	return false;
}

static uint64_t free_pages(void)
{
	struct mem_stats s;
	mem_stats(&s);
	return s.free_pages;
}

static bool in_usable_ram(uint64_t pa, uint64_t len)
{
	for (int i = 0; i < memmap_count; i++)
		if (memmap[i].type == E820_RAM && memmap[i].start <= pa && pa + len <= memmap[i].end)
			return true;
	return false;
}

/* A bitmap with a bit per frame, from the allocator itself. */
struct frame_set {
	struct page *block;
	uint64_t *bits;
};

static bool frame_set_init(struct frame_set *s)
{
	uint64_t bytes = ALIGN_UP(max_pfn, 64) / 8;
	unsigned order = 0;
	while (((uint64_t)PAGE_SIZE << order) < bytes)
		order++;
	s->block = alloc_pages(order, ALLOC_ZERO);
	s->bits = s->block ? page_address(s->block) : NULL;
	return s->block != NULL;
}

/* Marks [pfn, pfn+n); false if any was marked already. */
static bool frame_set_claim(struct frame_set *s, uint64_t pfn, uint64_t n)
{
	for (uint64_t i = pfn; i < pfn + n; i++) {
		if (s->bits[i / 64] & (1ull << (i % 64)))
			return false;
		s->bits[i / 64] |= 1ull << (i % 64);
	}
	return true;
}

/* --- the memory map ------------------------------------------------------- */

static void ktest_memmap(void)
{
	struct mem_stats s;
	mem_stats(&s);
	uint64_t managed = 0, outside = 0;
	for (uint64_t pfn = 0; pfn < max_pfn; pfn++) {
		if (page_array[pfn].flags & PAGE_RESERVED)
			continue;
		managed++;
		if (!in_usable_ram(pfn << PAGE_SHIFT, PAGE_SIZE) ||
		    (pfn << PAGE_SHIFT) < virt_to_phys(page_array + max_pfn))
			outside++;
	}
	printk("memmap: %lu frames not reserved, %lu outside usable RAM or inside kernel/page array\n",
	       managed, outside);
	printk("memmap: allocator manages %lu frames, %lu free, token=%s\n",
	       s.total_pages, s.free_pages, ktest_token());
}
KTEST("memmap", ktest_memmap);

/* --- the frame allocator ------------------------------------------------------- */

/* Every free frame, once: distinct, inside RAM, contents independent. */
static void ktest_alloc_all(void)
{
	struct frame_set seen;
	if (!frame_set_init(&seen)) {
		printk("alloc-all: cannot allocate the bitmap\n");
		return;
	}
	uint64_t before = free_pages(), n = 0, bad = 0, token = ktest_token_value();
	uint64_t *chain = NULL;         /* the frames, linked through themselves */
	struct page *p;
	while ((p = alloc_page(0)) != NULL) {
		uint64_t pa = page_to_phys(p);
		if (!in_usable_ram(pa, PAGE_SIZE) || !frame_set_claim(&seen, page_to_pfn(p), 1))
			bad++;
		uint64_t *frame = page_address(p);
		frame[0] = (uint64_t)chain;
		frame[1] = pa ^ token;
		frame[511] = ~pa;
		chain = frame;
		n++;
	}
	printk("alloc-all: allocated %lu frames (%lu were free), %lu bad, then alloc_page gave NULL\n",
	       n, before, bad);
	/* Each frame still holds what was written into it: no frame was
	 * handed out twice. */
	uint64_t intact = 0, freed = 0;
	while (chain) {
		uint64_t pa = virt_to_phys(chain);
		uint64_t *next = (uint64_t *)chain[0];
		if (chain[1] == (pa ^ token) && chain[511] == ~pa)
			intact++;
		page_put(virt_to_page(chain));
		freed++;
		chain = next;
	}
	uint64_t after = free_pages();
	page_put(seen.block);
	struct page *big = alloc_pages(BUDDY_ORDERS - 1, 0);
	printk("alloc-all: %lu frames intact, %lu freed, free count %lu -> %lu; order-%d block %s\n",
	       intact, freed, before, after, BUDDY_ORDERS - 1, big ? "allocated" : "NOT available");
	if (big)
		page_put(big);
	printk("alloc-all: done, token=%s\n", ktest_token());
}
KTEST("alloc-all", ktest_alloc_all);

#define RUNS 400

/* Blocks of random orders: aligned, disjoint, writable end to end; and the
 * free lists come back exactly as they were once all is freed. */
static void ktest_alloc_runs(void)
{
	static struct page *blocks[RUNS];
	static unsigned orders[RUNS];
	struct frame_set seen;
	if (!frame_set_init(&seen)) {
		printk("alloc-runs: cannot allocate the bitmap\n");
		return;
	}
	struct mem_stats start, end;
	mem_stats(&start);
	uint64_t rng = ktest_token_value(), misaligned = 0, overlap = 0, corrupt = 0, n = 0;
	for (int i = 0; i < RUNS; i++) {
		unsigned order = ktest_rand(&rng) % (i % 4 == 0 ? BUDDY_ORDERS : 4);
		struct page *p = alloc_pages(order, 0);
		if (!p)
			continue;
		uint64_t pfn = page_to_pfn(p);
		if (pfn & ((1ull << order) - 1))
			misaligned++;
		if (!frame_set_claim(&seen, pfn, 1ull << order))
			overlap++;
		uint64_t *words = page_address(p);
		for (uint64_t w = 0; w < (PAGE_SIZE << order) / 8; w += 509)
			words[w] = pfn * 1000003 + w;
		blocks[n] = p;
		orders[n++] = order;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t pfn = page_to_pfn(blocks[i]), *words = page_address(blocks[i]);
		for (uint64_t w = 0; w < (PAGE_SIZE << orders[i]) / 8; w += 509)
			if (words[w] != pfn * 1000003 + w)
				corrupt++;
	}
	/* Free in a shuffled order: merging must not depend on it. */
	for (uint64_t i = n; i > 1; i--) {
		uint64_t j = ktest_rand(&rng) % i;
		struct page *t = blocks[i - 1];
		blocks[i - 1] = blocks[j];
		blocks[j] = t;
	}
	for (uint64_t i = 0; i < n; i++)
		page_put(blocks[i]);
	mem_stats(&end);
	printk("alloc-runs: %lu blocks of orders 0-%d: %lu misaligned, %lu overlapping, %lu corrupted\n",
	       n, BUDDY_ORDERS - 1, misaligned, overlap, corrupt);
	int same = 1;
	for (int k = 0; k < BUDDY_ORDERS; k++)
		same &= start.free_blocks[k] == end.free_blocks[k];
	printk("alloc-runs: free %lu -> %lu; free lists %s\n", start.free_pages, end.free_pages,
	       same ? "restored exactly" : "DIFFERENT (blocks not merged back)");

	/* Fragmentation: of each buddy pair we hold, free one frame; its
	 * buddy is still ours, so none can merge. (Other CPUs and tasks own
	 * frames too, so the pairs are found, not assumed.) */
	static struct page *frames[2048];
	static uint64_t held[4096];             /* pfn + 1, open addressing */
	memset(held, 0, sizeof(held));
	int got = 0;
	while (got < 2048 && (frames[got] = alloc_page(0)) != NULL) {
		uint64_t pfn = page_to_pfn(frames[got]), h = pfn % 4096;
		while (held[h])
			h = (h + 1) % 4096;
		held[h] = pfn + 1;
		got++;
	}
	mem_stats(&start);
	int pairs = 0;
	for (int i = 0; i < got; i++) {
		uint64_t pfn = page_to_pfn(frames[i]), buddy = pfn ^ 1, h = buddy % 4096;
		if (pfn & 1)
			continue;       /* each pair is counted from its even frame */
		while (held[h] && held[h] != buddy + 1)
			h = (h + 1) % 4096;
		if (!held[h])
			continue;
		page_put(frames[i]);
		frames[i] = NULL;
		pairs++;
	}
	mem_stats(&end);
	printk("alloc-runs: freed one frame of each of %d buddy pairs, order-0 free blocks +%ld\n",
	       pairs, (long)(end.free_blocks[0] - start.free_blocks[0]));
	for (int i = 0; i < got; i++)
		if (frames[i])
			page_put(frames[i]);
	page_put(seen.block);
	printk("alloc-runs: done, token=%s\n", ktest_token());
}
KTEST("alloc-runs", ktest_alloc_runs);

static void ktest_refcount(void)
{
	uint64_t before = free_pages();
	int shares = 2 + ktest_token_value() % 8;
	struct page *p = alloc_page(0);
	struct page *run = alloc_pages(3, 0);
	if (!p || !run) {
		printk("refcount: allocation failed\n");
		return;
	}
	for (int i = 0; i < shares; i++) {
		page_get(p);
		page_get(run);
	}
	for (int i = 0; i < shares; i++) {
		page_put(p);
		page_put(run);
	}
	printk("refcount: %d gets and puts: refcount %u and %u, %lu frames still allocated\n",
	       shares, p->refcount, run->refcount, before - free_pages());
	page_put(p);
	page_put(run);
	printk("refcount: last put: %lu frames still allocated, token=%s\n",
	       before - free_pages(), ktest_token());
}
KTEST("refcount", ktest_refcount);

/* --- page tables ------------------------------------------------------------- */

#define MAPPINGS 64

/* A random page-aligned user-half address: spread over the whole range so
 * different PML4, PDPT and PD entries get used. */
static uint64_t random_user_address(uint64_t *rng)
{
	return (ktest_rand(rng) % (USER_TOP - PAGE_SIZE)) & ~(uint64_t)(PAGE_SIZE - 1);
}

static void ktest_map(void)
{
	if (!need_paging("map"))
		return;
	uint64_t before = free_pages(), rng = ktest_token_value();
	pte_t *space = pt_create();
	static uint64_t va[MAPPINGS];
	static struct page *frame[MAPPINGS];
	int mapped = 0, translated = 0, through = 0, errors = 0;

	for (int i = 0; i < MAPPINGS; i++) {
		va[i] = random_user_address(&rng);
		frame[i] = alloc_page(ALLOC_ZERO);
		uint64_t flags = PTE_NX | (i % 2 ? PTE_WRITE : 0);
		if (pt_map(space, va[i], page_to_phys(frame[i]), flags) == 0)
			mapped++;
	}
	for (int i = 0; i < MAPPINGS; i++) {
		uint64_t pa, flags;
		if (pt_translate(space, va[i] + 123, &pa, &flags) && pa == page_to_phys(frame[i]) + 123 &&
		    !!(flags & PTE_WRITE) == i % 2 && (flags & PTE_NX) && !(flags & PTE_USER))
			translated++;
	}
	if (pt_map(space, va[0], page_to_phys(frame[1]), 0) != -EEXIST)
		errors++;
	if (pt_map(space, va[0] + 8, page_to_phys(frame[1]), 0) != -EINVAL)
		errors++;
	printk("map: %d of %d mapped, %d translated with their flags, %d wrong error codes\n",
	       mapped, MAPPINGS, translated, errors);

	/* Use the mappings for real: the kernel half is shared, so we can
	 * switch to the new address space and keep running. */
	pte_t *old = pt_current();
	pt_switch(space);
	for (int i = 1; i < MAPPINGS; i += 2)
		*(volatile uint64_t *)(va[i] + 8 * i) = va[i] ^ ktest_token_value();
	for (int i = 1; i < MAPPINGS; i += 2)
		if (((uint64_t *)page_address(frame[i]))[i] == (va[i] ^ ktest_token_value()))
			through++;
	/* Remap one address to another frame: after unmapping, the TLB must
	 * not keep the old translation. */
	int stale = 0;
	uint64_t pa;
	for (int i = 1; i + 2 < MAPPINGS; i += 2) {
		(void)*(volatile uint64_t *)va[i];          /* into the TLB */
		if (pt_unmap(space, va[i], &pa) != 0 || pa != page_to_phys(frame[i]))
			errors++;
		((uint64_t *)page_address(frame[i + 2]))[0] = 0x5a5a0000 + i;
		pt_map(space, va[i], page_to_phys(frame[i + 2]), PTE_NX);
		if (*(volatile uint64_t *)va[i] != 0x5a5a0000ull + i)
			stale++;
		pt_unmap(space, va[i], NULL);
		pt_map(space, va[i], page_to_phys(frame[i]), PTE_NX | PTE_WRITE);
	}
	pt_switch(old);
	printk("map: %d of %d writes seen through the direct map; %d stale TLB reads after remapping\n",
	       through, MAPPINGS / 2, stale);

	int protected = 0, gone = 0;
	for (int i = 0; i < MAPPINGS; i++) {
		uint64_t flags;
		if (pt_protect(space, va[i], PTE_NX) == 0 && pt_translate(space, va[i], NULL, &flags) &&
		    !(flags & PTE_WRITE))
			protected++;
		pt_unmap(space, va[i], NULL);
		if (!pt_translate(space, va[i], NULL, NULL) && pt_unmap(space, va[i], NULL) == -ENOENT)
			gone++;
		page_put(frame[i]);
	}
	pt_destroy(space);
	printk("map: %d made read-only, %d unmapped; free count %lu -> %lu, token=%s\n",
	       protected, gone, before, free_pages(), ktest_token());
}
KTEST("map", ktest_map);

/* --- protections ------------------------------------------------------------- */

static const uint64_t read_only_value = 0x1234;

static void __noinline ktest_ro_write(void)
{
	bool text = ktest_token_value() & 1;
	volatile uint64_t *target = text ? (volatile uint64_t *)(void *)ktest_ro_write
					 : (volatile uint64_t *)&read_only_value;
	printk("ro-write: writing to %p (%s)\n", (void *)target, text ? "kernel code" : "read-only data");
	*target = ktest_token_value();
	printk("ro-write: survived?!\n");
}
KTEST("ro-write", ktest_ro_write);

/* One "ret" instruction, in memory that must not be executable. */
static uint8_t data_code[64] __aligned(16) = { 0xc3 };

static void __noinline ktest_nx(void)
{
	uint8_t *code = data_code;
	const char *where = "kernel data";
	if (ktest_token_value() & 1) {
		struct page *p = alloc_page(0);
		if (!p) {
			printk("nx: allocation failed\n");
			return;
		}
		code = page_address(p);
		code[0] = 0xc3;
		where = "the direct map";
	}
	printk("nx: calling %p (%s)\n", (void *)code, where);
	((void (*)(void))code)();
	printk("nx: survived?!\n");
}
KTEST("nx", ktest_nx);

/* A page mapped for user mode, reached from the kernel: SMAP forbids the
 * read, SMEP the call. Without them (no-smep) both succeed. */
static void touch_user_page(const char *test, bool call)
{
	if (!need_paging(test))
		return;
	uint64_t rng = ktest_token_value();
	uint64_t va = random_user_address(&rng);
	struct page *p = alloc_page(ALLOC_ZERO);
	pte_t *space = pt_create();
	if (!p || !space || pt_map(space, va, page_to_phys(p), PTE_USER) != 0) {
		printk("%s: cannot map a user page\n", test);
		return;
	}
	uint8_t *code = page_address(p);
	code[0] = 0xb8;             /* mov $imm32, %eax; ret */
	memcpy(code + 1, &rng, 4);
	code[5] = 0xc3;
	pte_t *old = pt_current();
	pt_switch(space);
	printk("%s: %s the user page at %p\n", test, call ? "calling" : "reading", (void *)va);
	uint32_t v = call ? ((uint32_t (*)(void))va)() : *(volatile uint32_t *)(va + 1);
	pt_switch(old);
	printk("%s: got %#x (expected %#x), token=%s\n", test, v, (uint32_t)rng, ktest_token());
	pt_destroy(space);
	page_put(p);
}

static void __noinline ktest_smap_smep(void)
{
	touch_user_page("smap-smep", ktest_token_value() & 1);
}
KTEST("smap-smep", ktest_smap_smep);

static void ktest_no_smep(void)
{
	touch_user_page("no-smep", false);
	touch_user_page("no-smep", true);
}
KTEST("no-smep", ktest_no_smep);

/* --- guard pages ------------------------------------------------------------- */

static int __noinline ktest_guard_recurse(int depth)
{
	volatile char frame[512];
	if (depth > 1000000)            /* never: the guard gap comes first */
		return 0;
	frame[0] = depth;
	frame[511] = depth;
	return ktest_guard_recurse(depth + 1) + frame[0] + frame[511];
}

static void ktest_guard_run(void)
{
	ktest_guard_recurse(0);
}

/* Runs fn on the stack ending at top. */
static void call_on_stack(void *top, void (*fn)(void))
{
	__asm__ __volatile__(
		"mov %%rsp, %%rbx\n\t"
		"mov %0, %%rsp\n\t"
		"call *%1\n\t"
		"mov %%rbx, %%rsp"
		:: "r"(top), "r"(fn)
		: "rbx", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
}

static void ktest_guard(void)
{
	if (!need_paging("guard"))
		return;
	/* Stacks come and go without leaking frames (or page tables, once
	 * the area's first table exists). */
	void *warm = kstack_alloc();
	kstack_free(warm);
	uint64_t before = free_pages();
	void *stacks[8];
	int got = 0;
	for (int i = 0; i < 8; i++)
		if ((stacks[i] = kstack_alloc()) != NULL)
			got++;
	for (int i = 0; i < 8; i++)
		if (stacks[i])
			kstack_free(stacks[i]);
	printk("guard: %d stacks allocated and freed, free count %lu -> %lu\n", got, before, free_pages());
	if (ktest_token_value() & 1) {
		printk("guard: overflowing the boot stack\n");
		ktest_guard_run();
	}
	void *top = kstack_alloc();
	if (!top) {
		printk("guard: kstack_alloc failed\n");
		return;
	}
	printk("guard: overflowing a kernel stack ending at %p\n", top);
	call_on_stack(top, ktest_guard_run);
	printk("guard: survived?!\n");
}
KTEST("guard", ktest_guard);

/* --- the heap ------------------------------------------------------------------ */

#define SLOTS 512
#define HEAP_OPS 20000

static uint8_t pattern(uint64_t seed, size_t i) { return (uint8_t)(seed * 31 + i * 7 + (i >> 8)); }

static void ktest_heap(void)
{
	static struct { uint8_t *p; size_t size; uint64_t seed; } slot[SLOTS];
	/* Other parts of the kernel hold objects too (tasks, from Lab 3 on):
	 * measure against what was in use at the start. */
	struct kmalloc_stats ks0;
	kmalloc_stats(&ks0);
	uint64_t before = free_pages(), rng = ktest_token_value();
	uint64_t allocs = 0, failed = 0, corrupt = 0, misaligned = 0, unzeroed = 0;
	uint64_t live = 0, peak = 0;
	for (int op = 0; op < HEAP_OPS; op++) {
		int i = ktest_rand(&rng) % SLOTS;
		if (slot[i].p) {
			for (size_t j = 0; j < slot[i].size; j++)
				if (slot[i].p[j] != pattern(slot[i].seed, j)) {
					corrupt++;
					break;
				}
			kfree(slot[i].p);
			live -= slot[i].size;
			slot[i].p = NULL;
			continue;
		}
		/* Mostly small objects, some page-sized and larger ones. */
		uint64_t r = ktest_rand(&rng);
		size_t size = r % 16 == 0 ? 1 + r % 20000 : 1 + r % 2048;
		bool zero = (r >> 20) & 1;
		uint8_t *p = zero ? kzalloc(size) : kmalloc(size);
		if (!p) {
			failed++;
			continue;
		}
		allocs++;
		if ((uint64_t)p & 15)
			misaligned++;
		if (zero)
			for (size_t j = 0; j < size; j++)
				if (p[j]) {
					unzeroed++;
					break;
				}
		slot[i].p = p;
		slot[i].size = size;
		slot[i].seed = ktest_rand(&rng);
		for (size_t j = 0; j < size; j++)
			p[j] = pattern(slot[i].seed, j);
		live += size;
		if (live > peak)
			peak = live;
	}
	for (int i = 0; i < SLOTS; i++) {
		if (!slot[i].p)
			continue;
		for (size_t j = 0; j < slot[i].size; j++)
			if (slot[i].p[j] != pattern(slot[i].seed, j)) {
				corrupt++;
				break;
			}
		kfree(slot[i].p);
	}
	struct kmalloc_stats ks;
	kmalloc_stats(&ks);
	printk("heap: %d operations, %lu allocations (%lu failed), peak %lu KiB live\n",
	       HEAP_OPS, allocs, failed, peak / 1024);
	printk("heap: %lu corrupted, %lu misaligned, %lu kzalloc not zeroed\n", corrupt, misaligned, unzeroed);
	printk("heap: after freeing all: %ld objects, %ld slab pages, %ld large pages more than before; free count %lu -> %lu, token=%s\n",
	       (long)(ks.objects_in_use - ks0.objects_in_use), (long)(ks.slab_pages - ks0.slab_pages),
	       (long)(ks.large_pages - ks0.large_pages), before, free_pages(), ktest_token());
}
KTEST("heap", ktest_heap);

static void ktest_double_free(void)
{
	void *a = kmalloc(48), *b = kmalloc(48);
	printk("double-free: kfree(%p) twice\n", a);
	kfree(a);
	kfree(a);
	kfree(b);
	printk("double-free: survived?!\n");
}
KTEST("double-free", ktest_double_free);

/* --- benchmarks (make bench) --------------------------------------------------- */

#define BENCH_PAGES 2048
#define BENCH_ROUNDS 5

static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* The cost of backing one page of an address space: allocate a frame, map
 * it, later unmap it (with its TLB flush) and free it. */
static void ktest_bench_pages(void)
{
	if (!need_paging("bench"))
		return;
	uint64_t rate = tsc_per_us(), base = 0x7f0000000000, ns[BENCH_ROUNDS];
	pte_t *space = pt_create(), *old = pt_current();
	pt_switch(space);
	for (int r = 0; r < BENCH_ROUNDS; r++) {
		uint64_t start = rdtsc();
		for (int i = 0; i < BENCH_PAGES; i++) {
			struct page *p = alloc_page(0);
			if (!p || pt_map(space, base + i * PAGE_SIZE, page_to_phys(p), PTE_WRITE | PTE_NX) != 0)
				panic("bench: cannot map page %d", i);
		}
		for (int i = 0; i < BENCH_PAGES; i++) {
			uint64_t pa;
			if (pt_unmap(space, base + i * PAGE_SIZE, &pa) != 0)
				panic("bench: cannot unmap page %d", i);
			page_put(phys_to_page(pa));
		}
		ns[r] = (rdtsc() - start) * 1000 / rate / BENCH_PAGES;
	}
	pt_switch(old);
	pt_destroy(space);
	printk("bench: page alloc+map+unmap+free: %lu ns per 4 KiB page (median of %d rounds of %d pages)\n",
	       median(ns, BENCH_ROUNDS), BENCH_ROUNDS, BENCH_PAGES);

	static void *objs[BENCH_PAGES];
	for (int r = 0; r < BENCH_ROUNDS; r++) {
		uint64_t start = rdtsc();
		for (int i = 0; i < BENCH_PAGES; i++)
			objs[i] = kmalloc(64);
		for (int i = 0; i < BENCH_PAGES; i++)
			kfree(objs[i]);
		ns[r] = (rdtsc() - start) * 1000 / rate / BENCH_PAGES;
	}
	printk("bench: kmalloc+kfree of 64 bytes: %lu ns per object (median of %d rounds of %d)\n",
	       median(ns, BENCH_ROUNDS), BENCH_ROUNDS, BENCH_PAGES);
}
KTEST("bench-pages", ktest_bench_pages);
