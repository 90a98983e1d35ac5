/* prog_musl_threads: musl's pthreads in a static program, compared with
 * Linux. musl makes its threads with the old clone() (not clone3), with
 * CLONE_DETACHED among the flags, and waits for them on the tid word
 * with its own futex calls.
 *
 * 50 threads created and joined, detached threads, a counter under a
 * mutex from 4 threads, a condition variable with a timeout, __thread,
 * keys with destructors, pthread_cancel at a cancellation point,
 * sem_timedwait. Prints verdicts only. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include "kt.h"
#include "kt_thread.h"

static __thread int mine = -1;

static void *identity(void *arg)
{
	mine = (int)(intptr_t)arg;
	sched_yield();
	return (void *)(intptr_t)(mine == (int)(intptr_t)arg ? mine : -1);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static sem_t done;

static void *detached(void *arg)
{
	(void)arg;
	sem_post(&done);
	return NULL;
}

static pthread_key_t key;
static atomic_int destructed;

static void destructor(void *v)
{
	if (v == (void *)&key)
		atomic_fetch_add(&destructed, 1);
}

static void *set_key(void *arg)
{
	pthread_setspecific(key, &key);
	return arg;
}

static int cancel_pipe[2];
static int cleaned;

static void cleanup(void *arg)
{
	(void)arg;
	cleaned = 1;
}

static void *blocked_reader(void *arg)
{
	char c;
	(void)arg;
	pthread_cleanup_push(cleanup, NULL);
	read(cancel_pipe[0], &c, 1);
	pthread_cleanup_pop(0);
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	kt_threads_or_exit();
	pthread_t t[50];
	long sum = 0;
	int created = 0;
	for (intptr_t i = 0; i < 50; i++)
		created += pthread_create(&t[i], NULL, identity, (void *)i) == 0;
	kt_check_eq("50 threads created", created, 50);
	for (int i = 0; i < created; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)(intptr_t)r;
	}
	kt_check_eq("joined, each with its own __thread (sum of indexes)", sum, 49 * 50 / 2);
	kt_check_eq("main's __thread untouched", mine, -1);

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, count, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	kt_check_eq("4 threads x 20000 increments under a mutex", counter, 80000);

	sem_init(&done, 0, 0);
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 20; i++)
		pthread_create(&t[i], &a, detached, NULL);
	for (int i = 0; i < 20; i++)
		sem_wait(&done);
	printf("20 detached threads ran: ok\n");

	pthread_key_create(&key, destructor);
	for (int i = 0; i < 5; i++)
		pthread_create(&t[i], NULL, set_key, NULL);
	for (int i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	kt_check_eq("key destructors ran at each thread's exit", atomic_load(&destructed), 5);

	pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 30000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock);
	kt_check_eq("pthread_cond_timedwait with no signal is ETIMEDOUT", pthread_cond_timedwait(&cv, &lock, &dl),
		    ETIMEDOUT);
	pthread_mutex_unlock(&lock);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 30000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	int r = sem_timedwait(&done, &dl);
	kt_check(r == -1 && errno == ETIMEDOUT, "sem_timedwait with no post: ETIMEDOUT");

	pipe(cancel_pipe);
	pthread_create(&t[0], NULL, blocked_reader, NULL);
	kt_sleep_ms(20);
	pthread_cancel(t[0]);
	void *ret;
	pthread_join(t[0], &ret);
	kt_check(ret == PTHREAD_CANCELED && cleaned, "pthread_cancel of a thread in read: PTHREAD_CANCELED, cleanup ran");
	return kt_status();
}
