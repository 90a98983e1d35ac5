/* tsig_timers: POSIX timers in a thread group, through glibc.
 * SIGEV_THREAD: glibc's helper thread waits for SIGTIMER (32), which the
 * kernel sends it alone (SIGEV_THREAD_ID), and runs the function in a
 * new thread with the sigev_value, every interval until timer_delete.
 * SIGEV_THREAD_ID to a worker: only that thread gets the signal. A timer
 * belongs to the process: one made by a thread that has exited still
 * fires, to the process, and the main thread can read and delete it. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <kt.h>

#define CHECK(what, ok) kt_check(ok, what)
#define MS 1000000L

static pthread_t main_thread;
static volatile int calls, value_ok = 1, other_thread = 1;

static void tick(union sigval v)
{
	if (v.sival_int != 42)
		value_ok = 0;
	if (pthread_equal(pthread_self(), main_thread))
		other_thread = 0;
	__atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
}

static void sigev_thread(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD, .sigev_value.sival_int = 42,
			       .sigev_notify_function = tick };
	timer_t timer;
	kt_check_eq("timer_create(SIGEV_THREAD)", timer_create(CLOCK_MONOTONIC, &ev, &timer), 0);
	struct itimerspec its = { { 0, 20 * MS }, { 0, 20 * MS } };
	long long start = kt_now_ns();
	timer_settime(timer, 0, &its, NULL);
	while (calls < 3 && kt_now_ns() - start < 3000 * MS)
		kt_sleep_ms(5);
	long long ms = (kt_now_ns() - start) / MS;
	CHECK("the function ran 3 times within 50 to 2000 ms", calls >= 3 && ms >= 50 && ms < 2000);
	CHECK("... with the sigev_value, never in the main thread", value_ok && other_thread);
	kt_check_eq("timer_delete", timer_delete(timer), 0);
}

static volatile pid_t worker_tid;
static volatile int worker_got, worker_code;

static void *worker(void *arg)
{
	(void)arg;
	worker_tid = gettid();
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	siginfo_t si;
	struct timespec two = { 2, 0 };
	worker_got = sigtimedwait(&set, &si, &two);
	worker_code = si.si_code;
	return NULL;
}

/* SIGUSR1 blocked everywhere; the timer's goes to the worker alone. */
static void thread_id(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	while (!worker_tid)
		kt_sleep_ms(1);
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGUSR1 };
	ev._sigev_un._tid = worker_tid;     /* glibc 2.36 has no sigev_notify_thread_id */
	timer_t timer;
	kt_check_eq("timer_create(SIGEV_THREAD_ID, a worker)", timer_create(CLOCK_MONOTONIC, &ev, &timer), 0);
	struct itimerspec its = { .it_value = { 0, 30 * MS } };
	timer_settime(timer, 0, &its, NULL);
	pthread_join(t, NULL);
	CHECK("the worker took the signal (SI_TIMER)", worker_got == SIGUSR1 && worker_code == SI_TIMER);
	sigset_t pending;
	sigpending(&pending);
	CHECK("the main thread has nothing pending", !sigismember(&pending, SIGUSR1));
	timer_delete(timer);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static timer_t made_by_thread;

static void *make_timer(void *arg)
{
	(void)arg;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2, .sigev_value.sival_int = 9 };
	timer_create(CLOCK_MONOTONIC, &ev, &made_by_thread);
	struct itimerspec its = { .it_value = { 0, 50 * MS } };
	timer_settime(made_by_thread, 0, &its, NULL);
	return NULL;
}

/* The process's timer outlives the thread that made it. */
static void outlives_thread(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pthread_t t;
	pthread_create(&t, NULL, make_timer, NULL);
	pthread_join(t, NULL);
	struct itimerspec cur;
	kt_check_eq("timer_gettime of a timer its exited thread made", timer_gettime(made_by_thread, &cur), 0);
	siginfo_t si;
	struct timespec two = { 2, 0 };
	CHECK("its signal comes to the process", sigtimedwait(&set, &si, &two) == SIGUSR2 && si.si_value.sival_int == 9);
	kt_check_eq("timer_delete from the main thread", timer_delete(made_by_thread), 0);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int main(void)
{
	main_thread = pthread_self();
	sigev_thread();
	thread_id();
	outlives_thread();
	return kt_status();
}
