/* prog_pthread: glibc's threads themselves, compared with Linux.
 *
 * Creates, joins and detaches 100 threads; __thread variables; keys with
 * destructors; deferred cancellation at a cancellation point with cleanup
 * handlers (and cancellation disabled, then tested); pthread_kill to one
 * thread (a handler runs in that thread, sigwait in another). Every line
 * is a verdict: no tids, addresses or times. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include "kt.h"
#include "kt_thread.h"

#define NTHREADS 100

/* --- create, join, detach ------------------------------------------------ */

static __thread long my_index = -1;
static atomic_int tids_distinct_bad, pid_differs;
static pid_t tids[NTHREADS], main_pid;
static pthread_barrier_t all_alive;     /* the 100 threads and main */

static void *twice(void *arg)
{
	long i = (long)(intptr_t)arg;
	my_index = i;
	tids[i] = gettid();
	if (getpid() == gettid())
		atomic_fetch_add(&tids_distinct_bad, 1);   /* a thread is not the process */
	if (getpid() != main_pid)
		atomic_fetch_add(&pid_differs, 1);
	pthread_barrier_wait(&all_alive);   /* tids are compared while all live */
	return (void *)(intptr_t)(my_index == i ? 2 * i : -1);
}

static void create_join(void)
{
	pthread_t t[NTHREADS];
	int created = 0;
	main_pid = getpid();
	pthread_barrier_init(&all_alive, NULL, NTHREADS + 1);
	for (long i = 0; i < NTHREADS; i++)
		created += pthread_create(&t[i], NULL, twice, (void *)(intptr_t)i) == 0;
	kt_check_eq("pthread_create of 100 threads", created, NTHREADS);
	if (created == NTHREADS)
		pthread_barrier_wait(&all_alive);
	long sum = 0, bad = 0;
	for (int i = 0; i < created; i++) {
		void *ret;
		if (pthread_join(t[i], &ret) != 0)
			bad++;
		sum += (long)(intptr_t)ret;
	}
	kt_check_eq("pthread_join of each", bad, 0);
	kt_check_eq("each returned twice its index, its __thread kept (sum)", sum, NTHREADS * (NTHREADS - 1));
	kt_check_eq("getpid is the same in every thread", atomic_load(&pid_differs), 0);
	kt_check_eq("no thread has the process's pid as its tid", atomic_load(&tids_distinct_bad), 0);
	int dup = 0;
	for (int i = 0; i < NTHREADS; i++)
		for (int j = i + 1; j < NTHREADS; j++)
			dup += tids[i] == tids[j];
	kt_check_eq("the 100 live threads' tids are all different", dup, 0);
	kt_check_eq("main's __thread is untouched", my_index, -1);
	kt_check_eq("pthread_join(self) is EDEADLK",
		    pthread_join(pthread_self(), NULL), EDEADLK);
}

static atomic_int detached_done;
static sem_t detached_sem;

static void *detached(void *arg)
{
	if (arg)                            /* detaches itself */
		pthread_detach(pthread_self());
	atomic_fetch_add(&detached_done, 1);
	sem_post(&detached_sem);
	return NULL;
}

static void create_detached(void)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	sem_init(&detached_sem, 0, 0);
	int created = 0;
	for (int i = 0; i < NTHREADS; i++) {
		pthread_t t;
		/* half detached at birth, half detaching themselves */
		if (i % 2 == 0)
			created += pthread_create(&t, &attr, detached, NULL) == 0;
		else
			created += pthread_create(&t, NULL, detached, (void *)1) == 0;
	}
	for (int i = 0; i < created; i++)
		sem_wait(&detached_sem);
	kt_check_eq("100 detached threads ran to the end", atomic_load(&detached_done), NTHREADS);
	/* a detached thread's stack is reused: another 100 still fit */
	for (int i = 0; i < NTHREADS; i++) {
		pthread_t t;
		created += pthread_create(&t, &attr, detached, NULL) == 0;
		sem_wait(&detached_sem);
	}
	kt_check_eq("100 more, one after the other", atomic_load(&detached_done), 2 * NTHREADS);
	pthread_attr_destroy(&attr);
}

/* --- keys and destructors ---------------------------------------------- */

static pthread_key_t key;
static atomic_int destructed, destructed_right;

static void key_destructor(void *value)
{
	atomic_fetch_add(&destructed, 1);
	if ((intptr_t)value >= 100 && (intptr_t)value < 110)
		atomic_fetch_add(&destructed_right, 1);
}

static void *with_key(void *arg)
{
	intptr_t i = (intptr_t)arg;
	if (pthread_getspecific(key) != NULL)
		return (void *)1;
	if (i < 10)                         /* threads 10.. leave it NULL: no destructor call */
		pthread_setspecific(key, (void *)(100 + i));
	return pthread_getspecific(key) == (i < 10 ? (void *)(100 + i) : NULL) ? NULL : (void *)1;
}

static void keys(void)
{
	kt_check_eq("pthread_key_create", pthread_key_create(&key, key_destructor), 0);
	pthread_setspecific(key, (void *)7);
	pthread_t t[15];
	long bad = 0;
	for (intptr_t i = 0; i < 15; i++)
		pthread_create(&t[i], NULL, with_key, (void *)i);
	for (int i = 0; i < 15; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += r != NULL;
	}
	kt_check_eq("each thread saw its own value (NULL at first)", bad, 0);
	kt_check_eq("destructors ran for the 10 non-NULL values", atomic_load(&destructed), 10);
	kt_check_eq("each with its thread's value", atomic_load(&destructed_right), 10);
	kt_check(pthread_getspecific(key) == (void *)7, "main's value is still its own");
	kt_check_eq("pthread_key_delete", pthread_key_delete(key), 0);
}

/* --- cancellation --------------------------------------------------------- */

static char cleanup_order[8];
static int cleanup_len;
static int cancel_pipe[2];
static sem_t cancel_ready;

static void cleanup(void *arg)
{
	cleanup_order[cleanup_len++] = *(char *)arg;
}

static void *cancellable(void *arg)
{
	(void)arg;
	static char a = 'a', b = 'b';
	char c;
	pthread_cleanup_push(cleanup, &a);
	pthread_cleanup_push(cleanup, &b);
	sem_post(&cancel_ready);
	read(cancel_pipe[0], &c, 1);        /* a cancellation point; nothing ever comes */
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

static atomic_int disabled_phase;

static void *cancel_disabled(void *arg)
{
	(void)arg;
	int old;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	sem_post(&cancel_ready);
	while (atomic_load(&disabled_phase) == 0)      /* cancelled meanwhile: not acted on */
		kt_sleep_ms(1);
	atomic_store(&disabled_phase, 2);              /* still running after the cancel */
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	pthread_testcancel();
	atomic_store(&disabled_phase, 3);              /* never reached */
	return NULL;
}

static void cancellation(void)
{
	pipe(cancel_pipe);
	sem_init(&cancel_ready, 0, 0);
	pthread_t t;
	pthread_create(&t, NULL, cancellable, NULL);
	sem_wait(&cancel_ready);
	kt_sleep_ms(20);                    /* most likely in read() by now; either way it works */
	kt_check_eq("pthread_cancel of a thread blocked in read", pthread_cancel(t), 0);
	void *ret;
	pthread_join(t, &ret);
	kt_check(ret == PTHREAD_CANCELED, "pthread_join returns PTHREAD_CANCELED");
	cleanup_order[cleanup_len] = 0;
	printf("cleanup handlers ran, last pushed first: %s\n", cleanup_order);

	pthread_create(&t, NULL, cancel_disabled, NULL);
	sem_wait(&cancel_ready);
	pthread_cancel(t);
	kt_sleep_ms(10);
	atomic_store(&disabled_phase, 1);
	pthread_join(t, &ret);
	kt_check(ret == PTHREAD_CANCELED, "cancel while disabled: acted on at pthread_testcancel");
	kt_check_eq("the thread ran on after the cancel until then", atomic_load(&disabled_phase), 2);
}

/* --- pthread_kill -------------------------------------------------------- */

static volatile sig_atomic_t handled_in;   /* tid of the thread the handler ran in */
static pid_t target_tid;
static sem_t target_ready;
static atomic_int stop_target;

static void on_usr1(int sig)
{
	(void)sig;
	handled_in = gettid();
}

static void *target(void *arg)
{
	(void)arg;
	target_tid = gettid();
	sem_post(&target_ready);
	while (!atomic_load(&stop_target))
		kt_sleep_ms(1);
	return NULL;
}

static void *waiter(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sem_post(&target_ready);
	int sig = 0;
	sigwait(&set, &sig);
	return (void *)(intptr_t)sig;
}

static void kill_threads(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sem_init(&target_ready, 0, 0);
	pthread_t t;
	pthread_create(&t, NULL, target, NULL);
	sem_wait(&target_ready);
	kt_check_eq("pthread_kill(t, 0)", pthread_kill(t, 0), 0);
	kt_check_eq("pthread_kill(t, SIGUSR1)", pthread_kill(t, SIGUSR1), 0);
	for (int i = 0; i < 5000 && !handled_in; i++)
		kt_sleep_ms(1);
	kt_check(handled_in == target_tid, "the handler ran in the target thread");
	atomic_store(&stop_target, 1);
	pthread_join(t, NULL);

	/* SIGUSR2 blocked everywhere (threads inherit the mask); one thread
	 * takes it with sigwait. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_create(&t, NULL, waiter, NULL);
	sem_wait(&target_ready);
	pthread_kill(t, SIGUSR2);
	void *sig;
	pthread_join(t, &sig);
	kt_check_eq("sigwait in the thread took the SIGUSR2 sent to it", (long)(intptr_t)sig, SIGUSR2);
	sigset_t pending;
	sigpending(&pending);
	kt_check(!sigismember(&pending, SIGUSR2), "main has nothing pending");
	kt_check_eq("pthread_kill with a bad signal", pthread_kill(pthread_self(), 1000), EINVAL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	kt_threads_or_exit();
	create_join();
	create_detached();
	keys();
	cancellation();
	kill_threads();
	return kt_status();
}
