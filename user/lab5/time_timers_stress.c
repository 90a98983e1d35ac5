/* time_timers_stress: processes that end with POSIX timers armed and
 * firing every millisecond: by exit, by exec, and by SIGKILL in the
 * middle of creating, arming and deleting them. The kernel must delete
 * them all with none running after its process is gone; the test passes
 * when every child is reaped as expected and the system goes on.
 *
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
#define ROUNDS 12
#define TIMERS 16

struct ksigevent {
	union sigval value;
	int signo, notify;
	int tid;
	int pad[11];
};

static volatile sig_atomic_t ticks;

static void on_tick(int sig) { (void)sig; ticks++; }

/* TIMERS timers every millisecond: signals, SIGEV_NONE, one per thread id. */
static void arm_timers(void)
{
	signal(SIGUSR1, on_tick);
	signal(SIGRTMIN, on_tick);
	struct itimerspec ms = { { 0, 1000000 }, { 0, 1000000 } };
	for (int i = 0; i < TIMERS; i++) {
		struct ksigevent ev = { .signo = i % 2 ? SIGUSR1 : SIGRTMIN, .notify = SIGEV_SIGNAL };
		if (i % 4 == 1)
			ev.notify = SIGEV_NONE;
		if (i % 4 == 3) {
			ev.notify = SIGEV_THREAD_ID;
			ev.tid = (int)syscall(SYS_gettid);
		}
		int id;
		if (syscall(SYS_timer_create, i % 3 ? CLOCK_MONOTONIC : CLOCK_REALTIME, &ev, &id) == 0)
			syscall(SYS_timer_settime, id, 0, &ms, NULL);
	}
}

/* Arms, rearms and deletes timers until killed. */
static void churn(void)
{
	arm_timers();
	struct itimerspec ms = { { 0, 1000000 }, { 0, 1000000 } };
	for (;;) {
		int id;
		struct ksigevent ev = { .signo = SIGUSR1, .notify = SIGEV_SIGNAL };
		if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id) == 0) {
			syscall(SYS_timer_settime, id, 0, &ms, NULL);
			syscall(SYS_timer_delete, id);
		}
	}
}

static int reap(pid_t pid)
{
	int status;
	return waitpid(pid, &status, 0) == pid ? status : -1;
}

static void run(void)
{
	int exited = 0, execed = 0, killed = 0;
	for (int round = 0; round < ROUNDS; round++) {
		pid_t pid = kt_fork();
		if (pid == 0) {
			arm_timers();
			kt_sleep_ms(5);
			_exit(ticks > 0 ? 0 : 3);
		}
		int status = reap(pid);
		exited += WIFEXITED(status) && WEXITSTATUS(status) == 0;

		pid = kt_fork();
		if (pid == 0) {
			arm_timers();
			kt_sleep_ms(3);
			/* A signal pending at exec would end the new program (its
			 * handler goes back to the default), on Linux too: blocked. */
			sigset_t set;
			sigemptyset(&set);
			sigaddset(&set, SIGUSR1);
			sigaddset(&set, SIGRTMIN);
			sigprocmask(SIG_BLOCK, &set, NULL);
			execl("usr/lib/kestrel/lab5/time_timers_stress", "time_timers_stress", "exec", (char *)NULL);
			_exit(2);
		}
		status = reap(pid);
		execed += WIFEXITED(status) && WEXITSTATUS(status) == 0;

		pid = kt_fork();
		if (pid == 0)
			churn();
		kt_sleep_ms(5 + round % 4);
		kill(pid, SIGKILL);
		status = reap(pid);
		killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	}
	CHECK("children with timers firing that exited: all exited 0", exited == ROUNDS);
	CHECK("children that exec'd with timers firing: the new program ran", execed == ROUNDS);
	CHECK("children killed while churning timers: all killed by SIGKILL", killed == ROUNDS);
	kt_sleep_ms(20);
	CHECK("the parent still runs after they are all gone", 1);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec")) {
		kt_sleep_ms(10);   /* the old program's timers must be gone by now */
		return 0;
	}
	return kt_run_in_session(run);
}
