/* kt_smp.h: raw threads for the Lab 6 SMP tests (user/lab6/smp_*.c).
 *
 * A thread here is clone(CLONE_VM | CLONE_THREAD | ...) with a stack of its
 * own and no TLS: its function may touch shared memory and make raw system
 * calls (syscall()), never other libc calls (errno, stdio and malloc are the
 * main thread's). It ends by returning; `done` is set just before. */
#ifndef KT_SMP_H
#define KT_SMP_H
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KT_THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)
#define KT_STACK_SIZE (64 * 1024)

struct kt_thread {
	int (*fn)(struct kt_thread *);
	void *arg;
	int index;
	volatile int done;
};

static int kt_thread_main(void *p)
{
	struct kt_thread *t = p;
	int r = t->fn(t);
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return r;
}

/* Starts t->fn(t) in a new thread; 0 or -1. The stack is never freed
 * (a thread may still be on it after `done`). */
static inline int kt_thread_start(struct kt_thread *t)
{
	char *stack = mmap(NULL, KT_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	t->done = 0;
	return clone(kt_thread_main, stack + KT_STACK_SIZE, KT_THREAD_FLAGS, t) < 0 ? -1 : 0;
}

static inline double kt_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits (yielding, so one CPU also works) until *flag == want or `secs`
 * pass; returns whether it got there. Safe in a thread (raw syscalls). */
static inline int kt_wait_for(volatile int *flag, int want, double secs)
{
	struct timespec ts;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	double end = ts.tv_sec + ts.tv_nsec / 1e9 + secs;
	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != want) {
		syscall(SYS_sched_yield);
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec + ts.tv_nsec / 1e9 > end)
			return 0;
	}
	return 1;
}
#endif
