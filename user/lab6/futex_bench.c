/* futex_bench: figures for make bench (not a test). Processes sharing
 * anonymous memory:
 *   - ping-pong: two processes hand a word back and forth, each waking
 *     the other with FUTEX_WAKE and sleeping with FUTEX_WAIT: one round
 *     trip is two wakes and two sleeps;
 *   - the same with two pairs at once on unrelated words: with one lock
 *     for all futexes they would queue behind each other in the kernel;
 *   - FUTEX_WAKE calls with nobody to wake, by 1, 2 and 4 processes at
 *     once on words of their own: the kernel path alone, and whether
 *     unrelated calls queue behind each other on a lock;
 *   - a futex mutex (Drepper's) locked and unlocked without contention
 *     (no system call at all), and by 1, 2 and 4 processes at once. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bench.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

static long futex(volatile uint32_t *w, int op, uint32_t val)
{
	return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

/* Process `me` (0 or 1) of a pair: waits for its turn, passes it on. */
static void pingpong_side(volatile uint32_t *turn, uint32_t me, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		while (__atomic_load_n(turn, __ATOMIC_ACQUIRE) != me)
			futex(turn, FUTEX_WAIT, !me);
		__atomic_store_n(turn, !me, __ATOMIC_RELEASE);
		futex(turn, FUTEX_WAKE, 1);
	}
}

/* pairs pairs ping-pong at once; microseconds per round trip. */
static double pingpong(volatile uint32_t *mem, int pairs, int rounds)
{
	double start = bench_now_ns();
	for (int p = 0; p < pairs; p++) {
		volatile uint32_t *turn = mem + p * 64;     /* its own cache line and bucket */
		*turn = 0;
		for (uint32_t side = 0; side < 2; side++)
			if (fork() == 0) {
				pingpong_side(turn, side, rounds);
				_exit(0);
			}
	}
	while (wait(NULL) > 0)
		;
	return (bench_now_ns() - start) / 1000 / rounds;
}

static void lock(volatile uint32_t *m)
{
	uint32_t c = __sync_val_compare_and_swap(m, 0, 1);
	if (c == 0)
		return;
	if (c != 2)
		c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		futex(m, FUTEX_WAIT, 2);
		c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
	}
}

static void unlock(volatile uint32_t *m)
{
	if (__atomic_fetch_sub(m, 1, __ATOMIC_RELEASE) != 1) {
		*m = 0;
		futex(m, FUTEX_WAKE, 1);
	}
}

/* procs processes each lock and unlock n times (a little work inside);
 * nanoseconds per lock+unlock, all processes together. */
static double contended(volatile uint32_t *m, int procs, int n)
{
	volatile uint64_t *count = (uint64_t *)(m + 16);
	*m = 0;
	*count = 0;
	double start = bench_now_ns();
	for (int p = 0; p < procs; p++)
		if (fork() == 0) {
			for (int i = 0; i < n; i++) {
				lock(m);
				for (int k = 0; k < 20; k++)
					*count += 1;
				unlock(m);
			}
			_exit(0);
		}
	while (wait(NULL) > 0)
		;
	return (bench_now_ns() - start) / ((double)procs * n);
}

/* procs processes each make n FUTEX_WAKE calls on a word of their own
 * that nobody waits on: only the kernel's futex path, and its lock;
 * nanoseconds per call, per process. */
static double wakes_alone(volatile uint32_t *mem, int procs, int n)
{
	double start = bench_now_ns();
	for (int p = 0; p < procs; p++)
		if (fork() == 0) {
			volatile uint32_t *w = mem + 64 * p;
			for (int i = 0; i < n; i++)
				futex(w, FUTEX_WAKE, 1);
			_exit(0);
		}
	while (wait(NULL) > 0)
		;
	return (bench_now_ns() - start) / n;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	volatile uint32_t *mem = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 2048; i++)
		mem[i] = 0;     /* pages there before the forks */
	printf("bench: futex ping-pong, one pair: %.1f us per round trip (two wakes, two sleeps)\n",
	       pingpong(mem, 1, 2000));
	printf("bench: futex ping-pong, two pairs at once on unrelated words: %.1f us per round trip\n",
	       pingpong(mem, 2, 2000));
	for (int procs = 1; procs <= 4; procs *= 2)
		printf("bench: FUTEX_WAKE of nobody, %d process(es) at once on their own words: %.0f ns per call\n",
		       procs, wakes_alone(mem, procs, 20000));
	volatile uint32_t *m = mem + 512;
	double start = bench_now_ns();
	for (int i = 0; i < 1000000; i++) {
		lock(m);
		unlock(m);
	}
	printf("bench: futex mutex lock+unlock, uncontended: %.1f ns (no system call)\n",
	       (bench_now_ns() - start) / 1000000);
	for (int procs = 1; procs <= 4; procs *= 2)
		printf("bench: futex mutex lock+unlock, %d process(es) contending: %.0f ns per lock+unlock\n",
		       procs, contended(m, procs, 20000));
	return 0;
}
