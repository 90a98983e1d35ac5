/* sig_timers: SIGALRM from alarm and setitimer(ITIMER_REAL). alarm and
 * pause; alarm's return value (the seconds left, rounded); alarm(0)
 * cancels; an interval timer firing five times, read back with
 * getitimer and stopped; a timer not inherited by fork; EINVAL for a
 * bad timer or time; SIGALRM's siginfo (SI_KERNEL).
 *
 * Runs in a child with a session of its own (kt_run_in_session). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <kt.h>

#define CHECK(what, ok) kt_check(ok, what)

static volatile sig_atomic_t alarms;
static volatile int code;

static void on_alarm(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	alarms++;
	code = si->si_code;
}

static void alarm_and_pause(void)
{
	kt_check_eq("alarm with none set returns 0", alarm(1), 0);
	long long start = kt_now_ns();
	kt_expect_err("pause until SIGALRM", pause(), EINTR);
	long long ms = (kt_now_ns() - start) / 1000000;
	CHECK("it came after about a second", ms >= 900 && ms < 3000);
	kt_check_eq("one SIGALRM", alarms, 1);
	kt_check_eq("its si_code is SI_KERNEL", code, SI_KERNEL);

	alarm(10);
	kt_check_eq("alarm again: the 10 s left", alarm(5), 10);
	kt_check_eq("alarm(0): the 5 s left", alarm(0), 5);
	kt_check_eq("and nothing is left after", alarm(0), 0);
}

static void interval(void)
{
	alarms = 0;
	struct itimerval v = { .it_interval = { 0, 20000 }, .it_value = { 0, 20000 } }, got, old;
	kt_check_eq("setitimer: 20 ms, every 20 ms", setitimer(ITIMER_REAL, &v, NULL), 0);
	getitimer(ITIMER_REAL, &got);
	CHECK("getitimer: the interval", got.it_interval.tv_sec == 0 && got.it_interval.tv_usec == 20000);
	CHECK("getitimer: the time left, at most 20 ms", got.it_value.tv_sec == 0 && got.it_value.tv_usec <= 20000);
	while (alarms < 5)
		pause();
	kt_check_eq("five SIGALRMs", alarms, 5);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, &old);
	CHECK("stopping it: the old interval comes back", old.it_interval.tv_usec == 20000);
	getitimer(ITIMER_REAL, &got);
	CHECK("stopped: nothing left", got.it_value.tv_sec == 0 && got.it_value.tv_usec == 0 &&
	      got.it_interval.tv_sec == 0 && got.it_interval.tv_usec == 0);
	alarms = 0;
	kt_sleep_ms(60);
	kt_check_eq("no SIGALRM after", alarms, 0);
}

static void not_inherited(void)
{
	alarm(30);
	pid_t pid = kt_fork();
	if (pid == 0) {
		struct itimerval got;
		getitimer(ITIMER_REAL, &got);
		_exit(got.it_value.tv_sec == 0 && got.it_value.tv_usec == 0 ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK("fork: the child has no timer", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	alarm(0);
}

static void errors(void)
{
	struct itimerval v = { { 0, 0 }, { 0, 1000000 } };
	kt_expect_err("setitimer: tv_usec of a million", setitimer(ITIMER_REAL, &v, NULL), EINVAL);
	struct itimerval ok = { { 0, 0 }, { 0, 0 } };
	kt_expect_err("setitimer: timer 3", setitimer(3, &ok, NULL), EINVAL);
	kt_expect_err("getitimer: timer -1", getitimer(-1, &ok), EINVAL);
}

static void run(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_alarm;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGALRM, &sa, NULL);
	alarm_and_pause();
	interval();
	not_inherited();
	errors();
}

int main(void)
{
	return kt_run_in_session(run);
}
