/* futex_pi_glibc: glibc's PTHREAD_PRIO_INHERIT mutexes, which glibc
 * builds on FUTEX_LOCK_PI/FUTEX_UNLOCK_PI once a probe at
 * pthread_mutex_init finds them (ENOTSUP if the kernel says ENOSYS):
 * four threads counting under one, trylock and timedlock on a held one,
 * and a robust PI mutex whose owner thread ends holding it, with and
 * without a thread waiting: EOWNERDEAD, consistent, then usable. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m;
static long counter;

static const char *name(int e)
{
	switch (e) {
	case 0: return "0";
	case EBUSY: return "EBUSY";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EOWNERDEAD: return "EOWNERDEAD";
	case ENOTSUP: return "ENOTSUP";
	case EDEADLK: return "EDEADLK";
	case EPERM: return "EPERM";
	default: return "other";
	}
}

static void init(int robust)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	if (robust)
		pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	printf("pthread_mutex_init, PRIO_INHERIT%s: %s\n", robust ? ", robust" : "", name(pthread_mutex_init(&m, &a)));
}

static void *count_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3000; i++) {
		pthread_mutex_lock(&m);
		long c = counter;
		if (i % 64 == 0)
			sched_yield();
		counter = c + 1;
		pthread_mutex_unlock(&m);
	}
	return NULL;
}

static void *try_it(void *arg)
{
	(void)arg;
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += 50000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	printf("  trylock from another thread: %s\n", name(pthread_mutex_trylock(&m)));
	printf("  timedlock (50 ms) from another thread: %s\n", name(pthread_mutex_timedlock(&m, &t)));
	printf("  unlock from another thread: %s\n", name(pthread_mutex_unlock(&m)));
	return NULL;
}

static volatile int owner_holds;

static void *die_holding(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	owner_holds = 1;
	usleep(200000);         /* let the waiter (if any) block */
	return NULL;            /* ends holding it */
}

static void *lock_after_death(void *arg)
{
	(void)arg;
	while (!owner_holds)
		usleep(1000);
	int r = pthread_mutex_lock(&m);
	printf("  the waiter's lock: %s\n", name(r));
	if (r == EOWNERDEAD)
		printf("  consistent: %s\n", name(pthread_mutex_consistent(&m)));
	pthread_mutex_unlock(&m);
	return NULL;
}

static void death(int with_waiter)
{
	pthread_t o, w;
	owner_holds = 0;
	init(1);
	printf("the owner thread ends holding it, %s:\n", with_waiter ? "a thread waiting" : "nobody waiting");
	pthread_create(&o, NULL, die_holding, NULL);
	if (with_waiter) {
		pthread_create(&w, NULL, lock_after_death, NULL);
		pthread_join(w, NULL);
	}
	pthread_join(o, NULL);
	if (!with_waiter) {
		int r = pthread_mutex_lock(&m);
		printf("  the next lock: %s\n", name(r));
		if (r == EOWNERDEAD)
			printf("  consistent: %s\n", name(pthread_mutex_consistent(&m)));
		pthread_mutex_unlock(&m);
	}
	printf("  lock again: %s\n", name(pthread_mutex_lock(&m)));
	printf("  unlock: %s\n", name(pthread_mutex_unlock(&m)));
	pthread_mutex_destroy(&m);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(60);
	init(0);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, count_up, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("4 threads x 3000 under it: count exact: %s\n", counter == 12000 ? "ok" : "BAD");
	printf("a held one:\n");
	pthread_mutex_lock(&m);
	pthread_t x;
	pthread_create(&x, NULL, try_it, NULL);
	pthread_join(x, NULL);
	pthread_mutex_unlock(&m);
	pthread_mutex_destroy(&m);
	death(0);
	death(1);
	return 0;
}
