/* make bench (Lab 6, Part D): how a CPU-bound program with 4 threads
 * scales from 1 CPU to all of them. The same process runs the same work
 * twice: pinned to one CPU (sched_setaffinity, which the threads inherit),
 * then free to use every CPU; the speed-up is the ratio of the times. */
#include <stdint.h>
#include "bench.h"
#include "kt.h"
#include "kt_smp.h"

#define NT 4
#define WORK 60000000L      /* iterations per thread: about a second for the 4 on one CPU under QEMU (TCG) */

static volatile uint64_t sink[NT];

static int spin(struct kt_thread *t)
{
	uint64_t x = 88172645463325252ull + t->index;
	for (long i = 0; i < WORK; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	sink[t->index] = x;
	return 0;
}

/* Milliseconds for NT threads to do their work. */
static double run_threads(void)
{
	static struct kt_thread t[2][NT];
	static int round;
	struct kt_thread *ts = t[round++];
	double start = bench_now_ns();
	for (int i = 0; i < NT; i++) {
		ts[i].fn = spin;
		ts[i].index = i;
		kt_thread_start(&ts[i]);
	}
	struct timespec ms = { 0, 1000000 };
	for (int i = 0; i < NT; i++)
		while (!ts[i].done)
			nanosleep(&ms, NULL);
	return (bench_now_ns() - start) / 1e6;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	uint64_t all = 0, one;
	syscall(SYS_sched_getaffinity, 0, 8, &all);
	one = all & -all;
	syscall(SYS_sched_setaffinity, 0, 8, &one);
	double t1 = run_threads();
	syscall(SYS_sched_setaffinity, 0, 8, &all);
	double tn = run_threads();
	int n = __builtin_popcountll(all);
	printf("bench: 4 CPU-bound threads, pinned to 1 CPU: %.0f ms\n", t1);
	printf("bench: 4 CPU-bound threads, on all %d CPUs: %.0f ms\n", n, tn);
	printf("bench: 4 CPU-bound threads, speed-up from 1 to %d CPUs: %.2f x\n", n, t1 / tn);
	return 0;
}
