/* prog_bench: thread figures for `make bench` (not a test: times vary).
 * A static musl program, so that `make bench-linux` runs it on Linux too.
 *
 *   thread create+join        pthread_create of a thread that returns at
 *                             once, and pthread_join: clone, the thread's
 *                             first run, its exit (clear_child_tid and a
 *                             futex wake) and the joiner's futex wait
 *   futex ping-pong           two threads hand a word back and forth
 *                             with FUTEX_WAKE_PRIVATE / FUTEX_WAIT_PRIVATE:
 *                             one round trip is two wakes and two sleeps
 *   mutex, uncontended        pthread_mutex_lock+unlock by one thread:
 *                             atomics only, no system call
 *   mutex, 4 threads          the same mutex hammered by 4 threads: the
 *                             futex path; ns per lock+unlock, all threads
 *
 * (Part C's futex_bench has the same between processes and raw futex
 * mutexes; Part D's smp_bench the speed-up of a CPU-bound program.)
 * Prints "bench: <what>: <number> <unit> (...)" for scripts/bench.py. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "bench.h"

/* linux/futex.h's values: musl-gcc sees no kernel headers. */
#define FUTEX_WAIT_PRIVATE (0 | 128)
#define FUTEX_WAKE_PRIVATE (1 | 128)

static void *nothing(void *arg)
{
	return arg;
}

static double create_join_us(int n)
{
	double t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, nothing, NULL) != 0)
			return -1;
		pthread_join(t, NULL);
	}
	return (bench_now_ns() - t0) / n / 1000;
}

static volatile uint32_t turn;
static int rounds;

static void futex_call(int op, uint32_t val)
{
	syscall(SYS_futex, &turn, op, val, NULL, NULL, 0);
}

/* Side `me` (0 or 1): waits for its turn, passes it to the other side. */
static void *pingpong_side(void *arg)
{
	uint32_t me = (uint32_t)(uintptr_t)arg;
	for (int i = 0; i < rounds; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != me)
			futex_call(FUTEX_WAIT_PRIVATE, !me);
		__atomic_store_n(&turn, !me, __ATOMIC_RELEASE);
		futex_call(FUTEX_WAKE_PRIVATE, 1);
	}
	return NULL;
}

static double pingpong_us(int n)
{
	rounds = n;
	turn = 0;
	pthread_t t;
	double t0 = bench_now_ns();
	pthread_create(&t, NULL, pingpong_side, (void *)1);
	pingpong_side((void *)0);
	pthread_join(t, NULL);
	return (bench_now_ns() - t0) / n / 1000;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static int per_thread;

static void *hammer(void *arg)
{
	for (int i = 0; i < per_thread; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return arg;
}

static double mutex_ns(int threads, int n)
{
	per_thread = n;
	counter = 0;
	pthread_t t[8];
	double t0 = bench_now_ns();
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, hammer, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	double ns = (bench_now_ns() - t0) / ((double)threads * n);
	return counter == (long)threads * n ? ns : -1;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	create_join_us(50);                 /* warm up: stacks, caches */
	double cj = create_join_us(1000);
	if (cj < 0) {
		printf("prog_bench: pthread_create failed\n");
		return 1;
	}
	printf("bench: thread create+join: %.1f us (1000 threads, one at a time)\n", cj);
	printf("bench: futex ping-pong between two threads: %.1f us per round trip (two wakes, two sleeps)\n",
	       pingpong_us(5000));
	per_thread = 1000000;
	double t0 = bench_now_ns();
	hammer(NULL);
	printf("bench: mutex lock+unlock, uncontended: %.1f ns (no system call)\n",
	       (bench_now_ns() - t0) / per_thread);
	double c = mutex_ns(4, 50000);
	if (c < 0) {
		printf("prog_bench: the contended counter is wrong\n");
		return 1;
	}
	printf("bench: mutex lock+unlock, 4 threads contending: %.0f ns per lock+unlock\n", c);
	return 0;
}
