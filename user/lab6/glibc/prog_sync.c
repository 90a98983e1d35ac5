/* prog_sync: glibc's synchronisation objects between threads, compared
 * with Linux (all of them sleep in futex calls when contended).
 *
 * Mutexes of each kind (normal, recursive, error-checking: EDEADLK and
 * EPERM; robust, with an owner thread that dies and an owner process
 * that dies: EOWNERDEAD, pthread_mutex_consistent, ENOTRECOVERABLE);
 * condition variables (signal, broadcast, a producer and consumers,
 * ETIMEDOUT on a CLOCK_MONOTONIC condattr); rwlocks (readers together,
 * writers alone, timed and try forms); barriers; semaphores (sem_trywait,
 * sem_timedwait's ETIMEDOUT, a post waking a waiter). Prints verdicts,
 * never times. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include "kt.h"
#include "kt_thread.h"

static void *run_and_join(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *ret = NULL;
	pthread_create(&t, NULL, fn, arg);
	pthread_join(t, &ret);
	return ret;
}

static void mutex_init_kind(pthread_mutex_t *m, int kind, int robust, int pshared)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, kind);
	if (robust)
		pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	if (pshared)
		pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
}

/* --- mutexes ---------------------------------------------------------- */

static pthread_mutex_t m;

static void *try_lock(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)pthread_mutex_trylock(&m);
}

static void *unlock_other(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)pthread_mutex_unlock(&m);
}

#define RES(expr) ((long)(intptr_t)(expr))

static void mutex_kinds(void)
{
	mutex_init_kind(&m, PTHREAD_MUTEX_NORMAL, 0, 0);
	pthread_mutex_lock(&m);
	kt_check_eq("normal: trylock from another thread is EBUSY", RES(run_and_join(try_lock, NULL)), EBUSY);
	kt_check_eq("normal: unlock", pthread_mutex_unlock(&m), 0);
	kt_check_eq("normal: trylock of a free mutex (then unlocked)", RES(run_and_join(try_lock, NULL)), 0);
	pthread_mutex_destroy(&m);   /* locked by a thread that left: glibc lets it go */

	mutex_init_kind(&m, PTHREAD_MUTEX_RECURSIVE, 0, 0);
	int ok = pthread_mutex_lock(&m) == 0 && pthread_mutex_lock(&m) == 0 && pthread_mutex_trylock(&m) == 0;
	kt_check(ok, "recursive: lock, lock, trylock by the owner");
	kt_check_eq("recursive: another thread's trylock is EBUSY", RES(run_and_join(try_lock, NULL)), EBUSY);
	kt_check_eq("recursive: another thread's unlock is EPERM", RES(run_and_join(unlock_other, NULL)), EPERM);
	ok = pthread_mutex_unlock(&m) == 0 && pthread_mutex_unlock(&m) == 0 && pthread_mutex_unlock(&m) == 0;
	kt_check(ok, "recursive: three unlocks");
	kt_check_eq("recursive: a fourth unlock is EPERM", pthread_mutex_unlock(&m), EPERM);
	pthread_mutex_destroy(&m);

	mutex_init_kind(&m, PTHREAD_MUTEX_ERRORCHECK, 0, 0);
	kt_check_eq("error-checking: unlock of an unlocked mutex is EPERM", pthread_mutex_unlock(&m), EPERM);
	pthread_mutex_lock(&m);
	kt_check_eq("error-checking: the owner locking again is EDEADLK", pthread_mutex_lock(&m), EDEADLK);
	kt_check_eq("error-checking: another thread's unlock is EPERM", RES(run_and_join(unlock_other, NULL)), EPERM);
	kt_check_eq("error-checking: the owner's unlock", pthread_mutex_unlock(&m), 0);
	pthread_mutex_destroy(&m);
}

/* A counter under a normal mutex, 4 threads: the contended path (futex
 * wait and wake) must lose no increment. */
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count(void *arg)
{
	for (long i = 0; i < (long)(intptr_t)arg; i++) {
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static void contended(void)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, count, (void *)20000);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	kt_check_eq("4 threads x 20000 increments under a mutex", counter, 80000);
}

/* --- robust mutexes --------------------------------------------------- */

static void *lock_and_die(void *arg)
{
	pthread_mutex_lock(arg);
	return NULL;                        /* ends holding it */
}

#define MANY 64
static pthread_mutex_t many[MANY];

static void *lock_many_and_die(void *arg)
{
	for (int i = 0; i < MANY; i++)
		pthread_mutex_lock(&many[i]);
	return arg;
}

static void robust_thread(void)
{
	mutex_init_kind(&m, PTHREAD_MUTEX_NORMAL, 1, 0);
	run_and_join(lock_and_die, &m);
	kt_check_eq("robust: lock after the owner thread died is EOWNERDEAD", pthread_mutex_lock(&m), EOWNERDEAD);
	kt_check_eq("robust: pthread_mutex_consistent", pthread_mutex_consistent(&m), 0);
	kt_check_eq("robust: unlock", pthread_mutex_unlock(&m), 0);
	kt_check_eq("robust: lock again is 0", pthread_mutex_lock(&m), 0);
	pthread_mutex_unlock(&m);

	run_and_join(lock_and_die, &m);
	kt_check_eq("robust: trylock after a second owner died is EOWNERDEAD", pthread_mutex_trylock(&m), EOWNERDEAD);
	pthread_mutex_unlock(&m);           /* not made consistent */
	kt_check_eq("robust: unlocked without consistent: lock is ENOTRECOVERABLE", pthread_mutex_lock(&m),
		    ENOTRECOVERABLE);
	pthread_mutex_destroy(&m);

	/* Linux marks the dead owner's robust mutexes before it clears the
	 * tid word that pthread_join waits on: once join returns, trylock
	 * (which does not wait) must see EOWNERDEAD. The owner holds 64, and
	 * the first one it locked is the last on its list (glibc adds at the
	 * head): a kernel that wakes the joiner before it walks the list
	 * has a wide window to lose on several CPUs. */
	int marked = 0;
	for (int round = 0; round < 10; round++) {
		for (int i = 0; i < MANY; i++)
			mutex_init_kind(&many[i], PTHREAD_MUTEX_NORMAL, 1, 0);
		run_and_join(lock_many_and_die, NULL);
		marked += pthread_mutex_trylock(&many[0]) == EOWNERDEAD;
		for (int i = 1; i < MANY; i++)
			marked += pthread_mutex_trylock(&many[i]) == EOWNERDEAD;
		for (int i = 0; i < MANY; i++) {
			pthread_mutex_consistent(&many[i]);
			pthread_mutex_unlock(&many[i]);
			pthread_mutex_destroy(&many[i]);
		}
	}
	kt_check_eq("robust: 10 owners of 64 mutexes died, trylock right after each join: EOWNERDEAD", marked,
		    10 * MANY);
}

/* The owner is a whole process, the mutex in shared memory: only the
 * kernel, walking the dead process's robust list, can mark it. */
static void robust_process(void)
{
	pthread_mutex_t *pm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	mutex_init_kind(pm, PTHREAD_MUTEX_ERRORCHECK, 1, 1);
	pid_t pid = kt_fork();
	if (pid == 0) {
		pthread_mutex_lock(pm);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	kt_check_eq("robust, process-shared: lock after the owner process died is EOWNERDEAD",
		    pthread_mutex_lock(pm), EOWNERDEAD);
	pthread_mutex_consistent(pm);
	kt_check_eq("robust, process-shared: made consistent and unlocked", pthread_mutex_unlock(pm), 0);
	munmap(pm, 4096);
}

/* --- condition variables ---------------------------------------------- */

static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready, woken;

static void *wait_ready(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cm);
	while (!ready)
		pthread_cond_wait(&cv, &cm);
	woken++;
	pthread_mutex_unlock(&cm);
	return NULL;
}

#define QSIZE 8
static int queue[QSIZE], qhead, qlen, produced_all;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;

static void *consume(void *arg)
{
	long sum = 0;
	(void)arg;
	pthread_mutex_lock(&cm);
	for (;;) {
		while (qlen == 0 && !produced_all)
			pthread_cond_wait(&not_empty, &cm);
		if (qlen == 0)
			break;
		sum += queue[qhead];
		qhead = (qhead + 1) % QSIZE;
		qlen--;
		pthread_cond_signal(&not_full);
	}
	pthread_mutex_unlock(&cm);
	return (void *)sum;
}

static void *try_lock_cm(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)pthread_mutex_trylock(&cm);
}

static void condvars(void)
{
	pthread_t t[5];
	for (int i = 0; i < 5; i++)
		pthread_create(&t[i], NULL, wait_ready, NULL);
	kt_sleep_ms(20);
	pthread_mutex_lock(&cm);
	ready = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&cm);
	for (int i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	kt_check_eq("broadcast woke all 5 waiters", woken, 5);

	pthread_t c[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&c[i], NULL, consume, NULL);
	for (int v = 1; v <= 2000; v++) {
		pthread_mutex_lock(&cm);
		while (qlen == QSIZE)
			pthread_cond_wait(&not_full, &cm);
		queue[(qhead + qlen++) % QSIZE] = v;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&cm);
	}
	pthread_mutex_lock(&cm);
	produced_all = 1;
	pthread_cond_broadcast(&not_empty);
	pthread_mutex_unlock(&cm);
	long total = 0;
	for (int i = 0; i < 4; i++) {
		void *s;
		pthread_join(c[i], &s);
		total += (long)s;
	}
	kt_check_eq("a producer and 4 consumers through an 8-slot queue: the sum of 1..2000", total, 2001000);

	/* ETIMEDOUT, on the monotonic clock */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	kt_check_eq("pthread_condattr_setclock(CLOCK_MONOTONIC)", pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
	pthread_cond_t mono;
	pthread_cond_init(&mono, &ca);
	struct timespec dl;
	/* start first: the deadline counts from a later instant, so a wait
	 * that ends exactly at it has lasted the whole interval since start. */
	long long start = kt_now_ns();
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += 50 * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&cm);
	int r = pthread_cond_timedwait(&mono, &cm, &dl);
	kt_check_eq("pthread_cond_timedwait with no signal is ETIMEDOUT", r, ETIMEDOUT);
	kt_check_eq("the mutex is held again on return (another thread's trylock: EBUSY)",
		    RES(run_and_join(try_lock_cm, NULL)), EBUSY);
	pthread_mutex_unlock(&cm);
	kt_check(kt_now_ns() - start >= 50 * 1000000LL, "it waited at least the 50 ms");
	dl.tv_sec -= 10;                    /* a deadline in the past */
	pthread_mutex_lock(&cm);
	kt_check_eq("a deadline in the past: ETIMEDOUT at once", pthread_cond_timedwait(&mono, &cm, &dl), ETIMEDOUT);
	pthread_mutex_unlock(&cm);
	pthread_cond_destroy(&mono);
}

/* --- rwlocks ------------------------------------------------------------ */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void *try_read(void *arg)
{
	(void)arg;
	int r = pthread_rwlock_tryrdlock(&rw);
	if (r == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(intptr_t)r;
}

static void *try_write(void *arg)
{
	(void)arg;
	int r = pthread_rwlock_trywrlock(&rw);
	if (r == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(intptr_t)r;
}

static void *timed_write(void *arg)
{
	(void)arg;
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 30 * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	return (void *)(intptr_t)pthread_rwlock_timedwrlock(&rw, &dl);
}

static long shared_value;

static void *rw_worker(void *arg)
{
	long bad = 0;
	for (int i = 0; i < 2000; i++) {
		if (i % 4 == (intptr_t)arg % 4) {
			pthread_rwlock_wrlock(&rw);
			long v = shared_value;
			shared_value = v + 1;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			long v = shared_value;
			bad += shared_value != v;   /* no writer while a reader holds it */
			pthread_rwlock_unlock(&rw);
		}
	}
	return (void *)bad;
}

static void rwlocks(void)
{
	pthread_rwlock_rdlock(&rw);
	kt_check_eq("rwlock: a second reader gets in", RES(run_and_join(try_read, NULL)), 0);
	kt_check_eq("rwlock: a writer is EBUSY while read-held", RES(run_and_join(try_write, NULL)), EBUSY);
	kt_check_eq("rwlock: timedwrlock while read-held is ETIMEDOUT", RES(run_and_join(timed_write, NULL)), ETIMEDOUT);
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_wrlock(&rw);
	kt_check_eq("rwlock: a reader is EBUSY while write-held", RES(run_and_join(try_read, NULL)), EBUSY);
	kt_check_eq("rwlock: the writer locking again is EDEADLK", pthread_rwlock_wrlock(&rw), EDEADLK);
	pthread_rwlock_unlock(&rw);
	pthread_t t[4];
	long bad = 0;
	for (intptr_t i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, rw_worker, (void *)i);
	for (int i = 0; i < 4; i++) {
		void *b;
		pthread_join(t[i], &b);
		bad += (long)b;
	}
	kt_check_eq("rwlock: 4 threads, a quarter writes: the count of writes", shared_value, 2000);
	kt_check_eq("rwlock: no reader saw a write under its read lock", bad, 0);
}

/* --- barriers ------------------------------------------------------------ */

static pthread_barrier_t barrier;
static atomic_int phase_count[10], serials;
static atomic_int order_bad;

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (int round = 0; round < 10; round++) {
		atomic_fetch_add(&phase_count[round], 1);
		int r = pthread_barrier_wait(&barrier);
		if (r == PTHREAD_BARRIER_SERIAL_THREAD)
			atomic_fetch_add(&serials, 1);
		else if (r != 0)
			atomic_fetch_add(&order_bad, 1);
		if (atomic_load(&phase_count[round]) != 4)  /* everyone arrived before anyone left */
			atomic_fetch_add(&order_bad, 1);
	}
	return NULL;
}

static void barriers(void)
{
	pthread_barrier_init(&barrier, NULL, 4);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, barrier_worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	kt_check_eq("barrier: 4 threads x 10 rounds, nobody left a round early", atomic_load(&order_bad), 0);
	kt_check_eq("barrier: one PTHREAD_BARRIER_SERIAL_THREAD a round", atomic_load(&serials), 10);
	kt_check_eq("barrier: destroy", pthread_barrier_destroy(&barrier), 0);
}

/* --- semaphores ----------------------------------------------------------- */

static sem_t sem;

static void *post_later(void *arg)
{
	(void)arg;
	kt_sleep_ms(20);
	sem_post(&sem);
	return NULL;
}

static void semaphores(void)
{
	sem_init(&sem, 0, 0);
	int r = sem_trywait(&sem);
	kt_expect_err("sem_trywait on 0", r, EAGAIN);
	struct timespec dl;
	/* start first: the deadline counts from a later instant, so a wait
	 * that ends exactly at it has lasted the whole interval since start. */
	long long start = kt_now_ns();
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 40 * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	r = sem_timedwait(&sem, &dl);
	kt_check(r == -1 && errno == ETIMEDOUT, "sem_timedwait with no post: ETIMEDOUT");
	kt_check(kt_now_ns() - start >= 40 * 1000000LL, "it waited at least the 40 ms");
	dl.tv_nsec = 1000000000;
	r = sem_timedwait(&sem, &dl);
	kt_expect_err("sem_timedwait with tv_nsec 1e9", r, EINVAL);
	pthread_t t;
	pthread_create(&t, NULL, post_later, NULL);
	kt_check_eq("sem_wait woken by another thread's sem_post", sem_wait(&sem), 0);
	pthread_join(t, NULL);
	for (int i = 0; i < 3; i++)
		sem_post(&sem);
	int v = -1;
	sem_getvalue(&sem, &v);
	kt_check_eq("sem_getvalue after 3 posts", v, 3);
	sem_destroy(&sem);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	kt_threads_or_exit();
	mutex_kinds();
	contended();
	robust_thread();
	robust_process();
	condvars();
	rwlocks();
	barriers();
	semaphores();
	return kt_status();
}
