/* mmap_many: tens of thousands of regions, a guard for the kernel's index
 * of them (a search tree next to the sorted list).
 *
 * Part 1 lets the kernel choose: 20,000 one-page mappings with alternating
 * protections (so that Linux does not merge them) must all be distinct and
 * see their own data; after every third is unmapped, new mappings must land
 * where nothing is. Part 2 lays out 10,000 two-page mappings with a page of
 * hole after each at fixed places in an arena of its own, then checks
 * lookups (a first touch of every mapping's second page), mprotect in the
 * middle and across a hole, munmap of a range spanning a thousand regions,
 * MAP_FIXED_NOREPLACE, and mremap growing in place and moving.
 * Prints only what does not depend on where the kernel puts things. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <kt.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PG 4096
#define N 20000                 /* part 1: mappings the kernel places */
#define M 10000                 /* part 2: fixed mappings of two pages */
#define STRIDE (3 * PG)         /* part 2: two pages mapped, one hole */

static char *maps[N];
static char *sorted[N];

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(char *const *)a, y = (uintptr_t)*(char *const *)b;
	return (x > y) - (x < y);
}

struct span {
	char *p;
	size_t len;
};
static struct span fresh[N];

static int cmp_span(const void *a, const void *b)
{
	return cmp_ptr(&((const struct span *)a)->p, &((const struct span *)b)->p);
}

static int prot_of(int i)
{
	return i % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
}

/* Whether [p, p + len) overlaps one of the n sorted one-page mappings. */
static int overlaps(char *p, size_t len, int n)
{
	int lo = 0, hi = n;         /* the first mapping ending after p */
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (sorted[mid] + PG <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sorted[lo] < p + len;
}

static void part1(void)
{
	int failed = 0;
	for (int i = 0; i < N && !failed; i++) {
		maps[i] = mmap(NULL, PG, prot_of(i), MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		failed = maps[i] == MAP_FAILED;
	}
	if (!kt_check(!failed, "20000 mappings created"))
		exit(kt_status());
	memcpy(sorted, maps, sizeof(maps));
	qsort(sorted, N, sizeof(sorted[0]), cmp_ptr);
	int disjoint = 1;
	for (int i = 1; i < N; i++)
		disjoint &= sorted[i] - sorted[i - 1] >= PG;
	kt_check(disjoint, "no two overlap");

	/* A first touch of many of them: the fault finds the region. */
	for (int i = 0; i < N; i += 4)
		*(int *)maps[i] = i;
	int seen = 1;
	for (int i = 0; i < N; i++)
		if (i % 4 == 0)
			seen &= *(int *)maps[i] == i;
		else if (i % 4 == 1)
			seen &= *(volatile int *)maps[i] == 0;
	kt_check(seen, "each sees its own data");

	/* Holes: every third goes; new mappings must avoid the rest. */
	int n = 0, ok = 1;
	for (int i = 0; i < N; i++)
		if (i % 3 == 2)
			ok &= munmap(maps[i], PG) == 0;
		else
			sorted[n++] = maps[i];
	kt_check(ok, "every third unmapped");
	qsort(sorted, n, sizeof(sorted[0]), cmp_ptr);
	int placed = 1, nfresh = 0;
	for (int i = 2; i < N; i += 3) {
		size_t len = i % 2 ? PG : 2 * PG;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		placed &= p != MAP_FAILED && !overlaps(p, len, n);
		if (p == MAP_FAILED)
			break;
		p[len - 1] = 1;
		fresh[nfresh++] = (struct span){ p, len };
	}
	qsort(fresh, nfresh, sizeof(fresh[0]), cmp_span);
	for (int i = 1; i < nfresh; i++)
		placed &= fresh[i - 1].p + fresh[i - 1].len <= fresh[i].p;
	for (int i = 0; i < nfresh; i++)
		ok &= munmap(fresh[i].p, fresh[i].len) == 0;
	kt_check(placed, "new mappings land in free space");
	for (int i = 0; i < n; i++)
		ok &= munmap(sorted[i], PG) == 0;
	kt_check(ok, "all unmapped");
}

static char *slot(char *arena, int i)
{
	return arena + (size_t)i * STRIDE;
}

static void part2(void)
{
	/* An arena nothing else uses, then mappings at fixed places in it. */
	size_t size = (size_t)M * STRIDE;
	char *arena = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!kt_check(arena != MAP_FAILED && munmap(arena, size) == 0, "arena reserved"))
		exit(kt_status());
	int ok = 1;
	for (int i = 0; i < M && ok; i++)
		ok = mmap(slot(arena, i), 2 * PG, prot_of(i), MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		     slot(arena, i);
	kt_check(ok, "10000 fixed mappings with holes");
	for (int i = 0; i < M; i += 2)
		*(int *)slot(arena, i) = i;
	int zero = 1;
	for (int i = 0; i < M; i++)
		zero &= *(volatile int *)(slot(arena, i) + PG) == 0;
	kt_check(zero, "second pages read as zero");

	int mid = M / 2 + 1;        /* read-only */
	kt_check_eq("mprotect a read-only one writable", mprotect(slot(arena, mid), 2 * PG, PROT_READ | PROT_WRITE), 0);
	*(int *)slot(arena, mid) = mid;
	kt_check(*(int *)slot(arena, mid) == mid, "written after mprotect");
	kt_check_eq("mprotect one page of a mapping", mprotect(slot(arena, mid - 1) + PG, PG, PROT_READ), 0);
	kt_expect_err("mprotect across a hole", mprotect(slot(arena, mid), STRIDE + PG, PROT_READ), ENOMEM);

	/* munmap across a thousand regions and their holes. */
	kt_check_eq("munmap 1000 regions at once", munmap(slot(arena, 100), 1000 * (size_t)STRIDE), 0);
	char *want = slot(arena, 500);
	kt_check(mmap(want, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == want,
		 "the span is free again");
	kt_expect_err("noreplace below the span",
		      (long)mmap(slot(arena, 99), PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
		      EEXIST);
	kt_check(*(int *)slot(arena, 98) == 98 && *(int *)slot(arena, 1100) == 1100, "the neighbours kept their data");

	/* mremap: into the hole after it, then (no room) moved elsewhere. */
	char *g = slot(arena, 2000);
	kt_check(mremap(g, 2 * PG, 3 * PG, 0) == g, "mremap grows into the hole");
	g[3 * PG - 1] = 1;
	kt_expect_err("mremap cannot grow over the next", (long)mremap(g, 3 * PG, 4 * PG, 0), ENOMEM);
	char *moved = mremap(g, 3 * PG, 4 * PG, MREMAP_MAYMOVE);
	kt_check(moved != MAP_FAILED && moved != g && *(int *)moved == 2000 && moved[3 * PG - 1] == 1,
		 "mremap moves it with its data");
	kt_check(mmap(g, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == g,
		 "its old place is free");
	kt_check(*(int *)slot(arena, 1998) == 1998 && *(int *)slot(arena, 2002) == 2002, "mremap left the others");

	int kept = 1;
	for (int i = 0; i < M; i += 2)
		if ((i < 100 || i >= 1100) && i != 2000)
			kept &= *(int *)slot(arena, i) == i;
	kt_check(kept, "every other mapping kept its data");
	kt_check_eq("munmap the arena", munmap(arena, size), 0);
	kt_check_eq("munmap the moved one", munmap(moved, 4 * PG), 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	part1();
	part2();
	return kt_status();
}
