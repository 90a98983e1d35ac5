/* time_timers: POSIX timers (timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete), called raw so no C library stands in
 * between. Ids from 0, never reused; SIGEV_SIGNAL with its siginfo
 * (SI_TIMER, si_timerid, si_value, si_overrun), SIGALRM and the id as
 * value with no sigevent, SIGEV_NONE, SIGEV_THREAD_ID to the caller;
 * relative and TIMER_ABSTIME times, interval timers, the old value,
 * overruns counted while the signal is blocked; timers not inherited by
 * fork and gone after exec; the errors in Linux's order; in the kernel
 * only, silently, absolute CLOCK_REALTIME timers following clock_settime.
 *
 * Prints relations ("fired between 90 and 500 ms: ok"), never times.
 * Runs in a child with a session of its own (kt_run_in_session). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>

#define CHECK(what, ok) kt_check(ok, what)
#define MS 1000000LL

/* The kernel's sigevent, with the thread id (musl's lacks the name). */
struct ksigevent {
	union sigval value;
	int signo, notify;
	int tid;
	int pad[11];
};

static long tcreate(int clock, struct ksigevent *ev, int *id)
{
	return syscall(SYS_timer_create, clock, ev, id);
}

static long tset(int id, int flags, long long value_ns, long long interval_ns, struct itimerspec *old)
{
	struct itimerspec its = {
		.it_value = { value_ns / 1000000000, value_ns % 1000000000 },
		.it_interval = { interval_ns / 1000000000, interval_ns % 1000000000 },
	};
	return syscall(SYS_timer_settime, id, flags, &its, old);
}

static long long ts_ns(struct timespec ts) { return ts.tv_sec * 1000000000LL + ts.tv_nsec; }

static long long left_ns(int id)
{
	struct itimerspec cur;
	if (syscall(SYS_timer_gettime, id, &cur))
		return -1;
	return ts_ns(cur.it_value);
}

static sigset_t just(int sig)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	return set;
}

/* Waits up to 2 s for sig (blocked) and returns it, its siginfo in *si. */
static int wait_for(int sig, siginfo_t *si)
{
	sigset_t set = just(sig);
	struct timespec two = { 2, 0 };
	return sigtimedwait(&set, si, &two);
}

static void ids(void)
{
	struct ksigevent none = { .notify = SIGEV_NONE };
	int id[4] = { -1, -1, -1, -1 };
	for (int i = 0; i < 3; i++)
		tcreate(CLOCK_MONOTONIC, &none, &id[i]);
	CHECK("ids: the first three are 0, 1, 2", id[0] == 0 && id[1] == 1 && id[2] == 2);
	kt_check_eq("timer_delete(1)", syscall(SYS_timer_delete, 1), 0);
	tcreate(CLOCK_MONOTONIC, &none, &id[3]);
	kt_check_eq("ids: the next is 3 (1 is not reused)", id[3], 3);
	kt_expect_err("timer_delete(1) again", syscall(SYS_timer_delete, 1), EINVAL);
	int clocks[] = { CLOCK_REALTIME, CLOCK_BOOTTIME, CLOCK_TAI };
	for (int i = 0; i < 3; i++) {
		int x = -1;
		kt_check_eq("timer_create on REALTIME, BOOTTIME, TAI", tcreate(clocks[i], &none, &x), 0);
		kt_check_eq("... its id", x, 4 + i);
	}
	for (int i = 0; i < 7; i++)
		syscall(SYS_timer_delete, i);
}

static void errors(void)
{
	struct ksigevent ev = { .notify = SIGEV_SIGNAL, .signo = SIGUSR1 };
	int id = -1;
	kt_expect_err("timer_create, bad sigevent pointer", tcreate(CLOCK_MONOTONIC, (void *)1, &id), EFAULT);
	kt_expect_err("timer_create, bad clock and bad sigevent", tcreate(99, (void *)1, &id), EFAULT);
	kt_expect_err("timer_create, CLOCK_SGI_CYCLE", tcreate(10, &ev, &id), EINVAL);
	kt_expect_err("timer_create, clock 99", tcreate(99, &ev, &id), EINVAL);
	kt_expect_err("timer_create, CLOCK_MONOTONIC_RAW", tcreate(CLOCK_MONOTONIC_RAW, &ev, &id), EOPNOTSUPP);
	kt_expect_err("timer_create, CLOCK_REALTIME_COARSE", tcreate(CLOCK_REALTIME_COARSE, &ev, &id), EOPNOTSUPP);
	struct ksigevent bad = ev;
	bad.signo = 0;
	kt_expect_err("timer_create, signal 0", tcreate(CLOCK_MONOTONIC, &bad, &id), EINVAL);
	bad.signo = 65;
	kt_expect_err("timer_create, signal 65", tcreate(CLOCK_MONOTONIC, &bad, &id), EINVAL);
	bad = ev;
	bad.notify = 7;
	kt_expect_err("timer_create, notify 7", tcreate(CLOCK_MONOTONIC, &bad, &id), EINVAL);
	bad.notify = SIGEV_THREAD_ID;
	bad.tid = 1;
	kt_expect_err("timer_create, SIGEV_THREAD_ID to another process", tcreate(CLOCK_MONOTONIC, &bad, &id), EINVAL);
	kt_expect_err("timer_create, bad id pointer", tcreate(CLOCK_MONOTONIC, &ev, (void *)1), EFAULT);
	bad.notify = SIGEV_NONE;
	bad.signo = 99;
	kt_check_eq("timer_create, SIGEV_NONE with signal 99", tcreate(CLOCK_MONOTONIC, &bad, &id), 0);
	struct itimerspec its = { { 0, 0 }, { 0, -1 } };
	kt_expect_err("timer_settime, no new value", syscall(SYS_timer_settime, id, 0, NULL, NULL), EINVAL);
	kt_expect_err("timer_settime, bad pointer", syscall(SYS_timer_settime, id, 0, (void *)1, NULL), EFAULT);
	kt_expect_err("timer_settime, bad nanoseconds", syscall(SYS_timer_settime, id, 0, &its, NULL), EINVAL);
	kt_expect_err("timer_settime, bad id", tset(id + 100, 0, MS, 0, NULL), EINVAL);
	kt_expect_err("timer_settime, bad old-value pointer", tset(id, 0, 0, 0, (void *)1), EFAULT);
	kt_expect_err("timer_gettime, bad id", syscall(SYS_timer_gettime, -1, &its), EINVAL);
	kt_expect_err("timer_gettime, bad pointer", syscall(SYS_timer_gettime, id, (void *)1), EFAULT);
	kt_expect_err("timer_getoverrun, bad id", syscall(SYS_timer_getoverrun, -1), EINVAL);
	kt_expect_err("timer_delete, bad id", syscall(SYS_timer_delete, 12345), EINVAL);
	syscall(SYS_timer_delete, id);
}

/* No sigevent: SIGALRM, with the id as value. */
static void default_event(void)
{
	sigset_t alrm = just(SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, NULL);
	int id = -1;
	kt_check_eq("timer_create with no sigevent", tcreate(CLOCK_MONOTONIC, NULL, &id), 0);
	tset(id, 0, 30 * MS, 0, NULL);
	siginfo_t si;
	kt_check_eq("SIGALRM came", wait_for(SIGALRM, &si), SIGALRM);
	kt_check_eq("... si_code SI_TIMER", si.si_code, SI_TIMER);
	CHECK("... si_timerid and si_value are the id", si.si_timerid == id && si.si_value.sival_int == id);
	kt_check_eq("... si_overrun 0", si.si_overrun, 0);
	kt_check_eq("a one-shot timer that fired reads 0", left_ns(id), 0);
	syscall(SYS_timer_delete, id);
	sigprocmask(SIG_UNBLOCK, &alrm, NULL);
}

static volatile sig_atomic_t usr1;
static volatile void *usr1_value;
static volatile int usr1_code;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	usr1++;
	usr1_value = si->si_value.sival_ptr;
	usr1_code = si->si_code;
}

/* A one-shot timer, relative and absolute, to a handler. */
static void one_shot(void)
{
	struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR1, &sa, NULL);
	struct ksigevent ev = { .value.sival_ptr = (void *)0x1234, .notify = SIGEV_SIGNAL, .signo = SIGUSR1 };
	int id = -1;
	tcreate(CLOCK_MONOTONIC, &ev, &id);
	long long start = kt_now_ns();
	kt_check_eq("timer_settime 100 ms", tset(id, 0, 100 * MS, 0, NULL), 0);
	long long left = left_ns(id);
	CHECK("timer_gettime: between 0 and 100 ms left", left > 0 && left <= 100 * MS);
	while (!usr1 && kt_now_ns() - start < 2000 * MS)
		kt_sleep_ms(5);
	long long ms = (kt_now_ns() - start) / MS;
	CHECK("the handler ran between 90 and 500 ms later", usr1 == 1 && ms >= 90 && ms < 500);
	CHECK("... with si_value and SI_TIMER", usr1_value == (void *)0x1234 && usr1_code == SI_TIMER);
	kt_check_eq("then it reads 0", left_ns(id), 0);

	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	start = kt_now_ns();
	tset(id, TIMER_ABSTIME, ts_ns(now) + 100 * MS, 0, NULL);
	while (usr1 < 2 && kt_now_ns() - start < 2000 * MS)
		kt_sleep_ms(5);
	ms = (kt_now_ns() - start) / MS;
	CHECK("TIMER_ABSTIME on CLOCK_MONOTONIC: fired between 90 and 500 ms", usr1 == 2 && ms >= 90 && ms < 500);

	int rid = -1;
	tcreate(CLOCK_REALTIME, &ev, &rid);
	clock_gettime(CLOCK_REALTIME, &now);
	start = kt_now_ns();
	tset(rid, TIMER_ABSTIME, ts_ns(now) - 1000 * MS, 0, NULL);
	while (usr1 < 3 && kt_now_ns() - start < 2000 * MS)
		kt_sleep_ms(1);
	ms = (kt_now_ns() - start) / MS;
	CHECK("TIMER_ABSTIME on CLOCK_REALTIME a second ago: fired within 100 ms", usr1 == 3 && ms < 100);
	clock_gettime(CLOCK_REALTIME, &now);
	start = kt_now_ns();
	tset(rid, TIMER_ABSTIME, ts_ns(now) + 100 * MS, 0, NULL);
	while (usr1 < 4 && kt_now_ns() - start < 2000 * MS)
		kt_sleep_ms(5);
	ms = (kt_now_ns() - start) / MS;
	CHECK("TIMER_ABSTIME on CLOCK_REALTIME: fired between 90 and 500 ms", usr1 == 4 && ms >= 90 && ms < 500);

	tset(id, 0, 50 * MS, 0, NULL);
	struct itimerspec old;
	kt_check_eq("disarm (value 0)", tset(id, 0, 0, 0, &old), 0);
	CHECK("the old value: up to 50 ms left, no interval",
	      ts_ns(old.it_value) > 0 && ts_ns(old.it_value) <= 50 * MS && ts_ns(old.it_interval) == 0);
	kt_sleep_ms(100);
	CHECK("a disarmed timer does not fire, reads 0", usr1 == 4 && left_ns(id) == 0);
	syscall(SYS_timer_delete, id);
	syscall(SYS_timer_delete, rid);
}

/* Set in main: the session child is not pid 1 in the kernel either. */
static int in_kernel;

/* Waits up to 2 s for usr1 to reach n; the milliseconds it took. */
static long long until_usr1(int n)
{
	long long start = kt_now_ns();
	while (usr1 < n && kt_now_ns() - start < 2000 * MS)
		kt_sleep_ms(2);
	return (kt_now_ns() - start) / MS;
}

/* In the kernel only, and silent unless it fails (the host's clock is not
 * the test's to move): an absolute CLOCK_REALTIME timer follows the clock
 * when it is set past its time; a relative one does not move when the
 * clock is set back. The clock is put back after. */
static void wall_clock_set(void)
{
	if (!in_kernel)
		return;
	struct ksigevent ev = { .notify = SIGEV_SIGNAL, .signo = SIGUSR1 };
	int id = -1;
	tcreate(CLOCK_REALTIME, &ev, &id);
	int before = usr1;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	tset(id, TIMER_ABSTIME, ts_ns(now) + 10000 * MS, 0, NULL);
	struct timespec later = { now.tv_sec + 20, now.tv_nsec };
	clock_settime(CLOCK_REALTIME, &later);
	long long ms = until_usr1(before + 1);
	if (usr1 != before + 1 || ms > 500)
		kt_check(0, "an absolute CLOCK_REALTIME timer fires when the clock is set past its time");
	tset(id, 0, 300 * MS, 0, NULL);
	clock_settime(CLOCK_REALTIME, &now);    /* 20 s back: about where it was */
	ms = until_usr1(before + 2);
	if (usr1 != before + 2 || ms < 250 || ms > 1500)
		kt_check(0, "a relative CLOCK_REALTIME timer does not move when the clock is set back");
	syscall(SYS_timer_delete, id);
}

/* An interval timer, and its overruns while its signal is blocked. */
static void interval(void)
{
	int rt = SIGRTMIN + 2;
	sigset_t set = just(rt);
	sigprocmask(SIG_BLOCK, &set, NULL);
	struct ksigevent ev = { .value.sival_int = 77, .notify = SIGEV_SIGNAL, .signo = rt };
	int id = -1;
	tcreate(CLOCK_MONOTONIC, &ev, &id);
	long long start = kt_now_ns();
	tset(id, 0, 20 * MS, 20 * MS, NULL);
	int got = 0, overruns = 0;
	siginfo_t si;
	while (got < 5 && wait_for(rt, &si) == rt) {
		got++;
		overruns += si.si_overrun;
	}
	long long ms = (kt_now_ns() - start) / MS;
	CHECK("interval 20 ms: 5 signals (with their overruns) after 100 to 600 ms",
	      got == 5 && got + overruns >= 5 && ms >= 95 && ms < 600);
	struct itimerspec cur;
	syscall(SYS_timer_gettime, id, &cur);
	CHECK("timer_gettime: the interval, and at most that left",
	      ts_ns(cur.it_interval) == 20 * MS && ts_ns(cur.it_value) > 0 && ts_ns(cur.it_value) <= 20 * MS);
	kt_check_eq("timer_getoverrun after that", syscall(SYS_timer_getoverrun, id), si.si_overrun);

	/* Blocked for 200 ms: one signal pending, the other expiries counted. */
	tset(id, 0, 10 * MS, 10 * MS, NULL);
	kt_sleep_ms(200);
	CHECK("blocked: one signal pending", wait_for(rt, &si) == rt && si.si_value.sival_int == 77);
	CHECK("... its si_overrun between 8 and 30", si.si_overrun >= 8 && si.si_overrun <= 30);
	kt_check_eq("... timer_getoverrun says the same", syscall(SYS_timer_getoverrun, id), si.si_overrun);
	struct itimerspec old;
	tset(id, 0, 0, 0, &old);
	kt_check_eq("disarm: the old interval was 10 ms", ts_ns(old.it_interval), 10 * MS);
	syscall(SYS_timer_delete, id);
	sigset_t pending;
	struct timespec zero = { 0, 0 };
	sigtimedwait(&set, &si, &zero);     /* one may have come before the disarm */
	sigpending(&pending);
	CHECK("nothing pending after delete", !sigismember(&pending, rt));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* SIGEV_NONE counts down and reads 0 after; SIGEV_THREAD_ID to the caller. */
static void none_and_thread_id(void)
{
	struct ksigevent none = { .notify = SIGEV_NONE };
	int id = -1;
	tcreate(CLOCK_MONOTONIC, &none, &id);
	tset(id, 0, 50 * MS, 0, NULL);
	long long left = left_ns(id);
	CHECK("SIGEV_NONE: counts down from 50 ms", left > 0 && left <= 50 * MS);
	kt_sleep_ms(80);
	kt_check_eq("SIGEV_NONE: 0 after it expired", left_ns(id), 0);
	syscall(SYS_timer_delete, id);

	sigset_t set = just(SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	struct ksigevent ev = { .value.sival_int = 5, .notify = SIGEV_THREAD_ID, .signo = SIGUSR2,
				.tid = (int)syscall(SYS_gettid) };
	kt_check_eq("SIGEV_THREAD_ID to the caller", tcreate(CLOCK_MONOTONIC, &ev, &id), 0);
	tset(id, 0, 20 * MS, 0, NULL);
	siginfo_t si;
	CHECK("its signal came, with its value", wait_for(SIGUSR2, &si) == SIGUSR2 && si.si_value.sival_int == 5 &&
	      si.si_code == SI_TIMER);
	syscall(SYS_timer_delete, id);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* fork: the child has none of its parent's timers and starts ids at 0. */
static void fork_and_exec(void)
{
	struct ksigevent none = { .notify = SIGEV_NONE };
	int id = -1, kid = -1;
	tcreate(CLOCK_MONOTONIC, &none, &id);
	tset(id, 0, 1000 * MS, 0, NULL);
	pid_t pid = kt_fork();
	if (pid == 0) {
		struct itimerspec cur;
		int ok = syscall(SYS_timer_gettime, id, &cur) == -1 && errno == EINVAL;
		ok = ok && tcreate(CLOCK_MONOTONIC, &none, &kid) == 0 && kid == 0;
		_exit(ok ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK("fork: the child has no timer, its first id is 0", WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* exec: an armed SIGALRM timer (default: the end of the process) is gone. */
	pid = kt_fork();
	if (pid == 0) {
		int aid;
		tcreate(CLOCK_MONOTONIC, NULL, &aid);
		tset(aid, 0, 300 * MS, 0, NULL);     /* past the exec, even under load */
		execl("usr/lib/kestrel/lab5/time_timers", "time_timers", "after-exec", (char *)NULL);
		_exit(2);
	}
	waitpid(pid, &status, 0);
	CHECK("exec: the new program has no timer and outlives the old one's SIGALRM",
	      WIFEXITED(status) && WEXITSTATUS(status) == 0);
	syscall(SYS_timer_delete, id);
}

/* Run by exec: no timer 0 any more; wait past the old timer's time. */
static int after_exec(void)
{
	struct itimerspec cur;
	int gone = syscall(SYS_timer_gettime, 0, &cur) == -1 && errno == EINVAL;
	kt_sleep_ms(350);
	return gone ? 0 : 1;
}

static void run(void)
{
	ids();
	errors();
	default_event();
	one_shot();
	wall_clock_set();
	interval();
	none_and_thread_id();
	fork_and_exec();
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "after-exec"))
		return after_exec();
	in_kernel = !kt_on_host();
	return kt_run_in_session(run);
}
