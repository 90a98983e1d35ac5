/* fork in a process whose other threads keep writing (Lab 6, Part D).
 *
 * NT threads write, pass after pass, their own word of every page of
 * three kinds of memory — the heap, their own stack and a big anonymous
 * mapping — and check after each pass that every word holds the pass
 * number. Meanwhile the main thread forks NFORK times; each child exits
 * at once. fork write-protects the parent's pages for copy-on-write while
 * the writers run on other CPUs: no writer may be killed (a spurious
 * SIGSEGV), and no write may be lost (a copy made from a frame while a
 * stale writable translation still wrote into it). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include "kt.h"
#include "kt_smp.h"

#define NT 3
#define NFORK 200
#define PAGE 4096
#define HEAP_PAGES 16
#define STACK_PAGES 8
#define BIG_PAGES 256
#define WORDS (PAGE / sizeof(long))

static volatile int stop;
static long *heap, *big;
static volatile int passes[NT], bad[NT];

/* One pass over n pages at base: write the word, then check them all. */
static int pass_over(long *base, int n, int index, long value)
{
	for (int p = 0; p < n; p++)
		__atomic_store_n(&base[p * WORDS + index], value, __ATOMIC_RELAXED);
	for (int p = 0; p < n; p++)
		if (__atomic_load_n(&base[p * WORDS + index], __ATOMIC_RELAXED) != value)
			return 0;
	return 1;
}

static int writer(struct kt_thread *t)
{
	long stack_pages[STACK_PAGES * WORDS];
	for (long value = 1; !__atomic_load_n(&stop, __ATOMIC_ACQUIRE); value++) {
		if (!pass_over(heap, HEAP_PAGES, t->index, value) ||
		    !pass_over(stack_pages, STACK_PAGES, t->index, value) ||
		    !pass_over(big, BIG_PAGES, t->index, value))
			bad[t->index]++;
		passes[t->index]++;
		if ((value & 15) == 0)
			syscall(SYS_sched_yield);   /* one CPU: let the forks run */
	}
	return 0;
}

int main(void)
{
	heap = malloc(HEAP_PAGES * PAGE);
	big = mmap(NULL, BIG_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!heap || big == MAP_FAILED) {
		printf("no memory\n");
		return 1;
	}
	static struct kt_thread threads[NT];
	for (int i = 0; i < NT; i++) {
		threads[i] = (struct kt_thread){ .fn = writer, .index = i };
		if (kt_thread_start(&threads[i]) != 0) {
			printf("clone failed\n");
			return 1;
		}
	}
	/* Every writer has its pages before the forks start. */
	for (int i = 0; i < NT; i++)
		while (__atomic_load_n(&passes[i], __ATOMIC_ACQUIRE) < 1)
			syscall(SYS_sched_yield);
	int forked = 0, clean = 0;
	for (int i = 0; i < NFORK; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(7);
		if (pid < 0)
			break;
		forked++;
		int status;
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7)
			clean++;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	int ended = 1;
	for (int i = 0; i < NT; i++)
		ended &= kt_wait_for(&threads[i].done, 1, 20.0);
	int lost = 0;
	for (int i = 0; i < NT; i++)
		lost += bad[i];
	printf("forks: %d, children exited cleanly: %d\n", forked, clean);
	printf("writers ended: %s\n", ended ? "yes" : "no");
	printf("writes lost: %d\n", lost);
	return 0;
}
