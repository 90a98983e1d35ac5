/* bench_mm: memory figures for `make bench` (not a test: times vary).
 *
 *   page fault                 one write to each page of a fresh 4 MiB
 *                              anonymous mapping: a zeroed page per fault
 *   mmap+touch+munmap 16 MiB   map, write one byte per page, unmap: the
 *                              faults plus building and freeing the tables
 *   20000 mappings             create 20,000 one-page anonymous mappings
 *                              (alternating protections, so no two merge),
 *                              then munmap them: the cost of finding a free
 *                              range and a region among many
 *
 * Each prints "bench: <what>: <number> <unit> (...)" for scripts/bench.py. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "bench.h"

#define PAGE 4096

static char *map(size_t size)
{
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static void touch(char *p, size_t size)
{
	for (size_t off = 0; off < size; off += PAGE)
		p[off] = 1;
}

static void bench_page_fault(void)
{
	const size_t size = 4 << 20;
	const int rounds = 8;
	double total = 0;
	for (int r = 0; r < rounds; r++) {
		char *p = map(size);
		double t0 = bench_now_ns();
		touch(p, size);
		total += bench_now_ns() - t0;
		munmap(p, size);
	}
	int faults = rounds * (size / PAGE);
	printf("bench: page fault: %.2f us (%d faults on fresh anonymous pages)\n", total / faults / 1000, faults);
}

static void bench_map_touch_unmap(void)
{
	const size_t size = 16 << 20;
	const int rounds = 8;
	double t0 = bench_now_ns();
	for (int r = 0; r < rounds; r++) {
		char *p = map(size);
		touch(p, size);
		munmap(p, size);
	}
	printf("bench: mmap+touch+munmap 16 MiB: %.2f ms (%d rounds)\n",
	       (bench_now_ns() - t0) / rounds / 1e6, rounds);
}

static void bench_many_mappings(void)
{
	enum { N = 20000 };
	static char *maps[N];
	double t0 = bench_now_ns();
	for (int i = 0; i < N; i++) {
		int prot = i % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
		maps[i] = mmap(NULL, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (maps[i] == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
	}
	double t1 = bench_now_ns();
	for (int i = 0; i < N; i++)
		munmap(maps[i], PAGE);
	double t2 = bench_now_ns();
	printf("bench: create 20000 mappings: %.1f ms (one page each, alternating protections)\n", (t1 - t0) / 1e6);
	printf("bench: munmap 20000 mappings: %.1f ms (one at a time, in creation order)\n", (t2 - t1) / 1e6);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	bench_page_fault();
	bench_map_touch_unmap();
	bench_many_mappings();
	bench_clock_marks();
	return 0;
}
