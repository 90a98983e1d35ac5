/* kill_blocked: SIGKILL ends a process whatever it sleeps in. One child
 * per kind of wait: a pipe read (empty) and write (full), poll, ppoll
 * and select with no timeout, FUTEX_WAIT with none, a vfork parent
 * waiting for its child, wait4, nanosleep, sigtimedwait, and a stopped
 * process. Each is sent SIGKILL once it has had time to fall asleep and
 * must be collected, killed by SIGKILL, within 3 s (on Linux: at once).
 * Also: a signal the child ignores (SIG_IGN) does not end it, and
 * SIGQUIT's wait status has no core-dump bit with RLIMIT_CORE 0.
 *
 * Everything runs in a child with a session of its own, so it behaves
 * the same as the kernel's first process and on Linux. Children that
 * would outlive their parent (vfork's, wait4's) wait on a pipe that
 * closes when the test ends. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>

static int hold[2];             /* nobody writes: reading it blocks until the test ends */
static int full[2];             /* filled up: writing it blocks */

static void block_on_hold(void)
{
	char c;
	close(hold[1]);
	read(hold[0], &c, 1);
	_exit(0);
}

static void pipe_read(void) { block_on_hold(); }

static void pipe_write(void)
{
	char c = 'x';
	write(full[1], &c, 1);
}

static void do_poll(void)
{
	struct pollfd p = { .fd = hold[0], .events = POLLIN };
	poll(&p, 1, -1);
}

static void do_ppoll(void)
{
	struct pollfd p = { .fd = hold[0], .events = POLLIN };
	ppoll(&p, 1, NULL, NULL);
}

static void do_select(void)
{
	fd_set r;
	FD_ZERO(&r);
	FD_SET(hold[0], &r);
	select(hold[0] + 1, &r, NULL, NULL, NULL);
}

/* musl has no <linux/futex.h>: the UAPI's FUTEX_WAIT | FUTEX_PRIVATE_FLAG. */
#define FUTEX_WAIT_PRIVATE (0 | 128)

static void do_futex(void)
{
	static int word;
	syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}

static void do_vfork(void)
{
	if (vfork() == 0)
		block_on_hold();        /* the parent sleeps in vfork meanwhile */
}

static void do_wait4(void)
{
	if (fork() == 0)
		block_on_hold();
	wait4(-1, NULL, 0, NULL);
}

static void do_nanosleep(void)
{
	struct timespec ts = { 1000, 0 };
	nanosleep(&ts, NULL);
}

static void do_sigtimedwait(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	sigwaitinfo(&s, NULL);
}

/* Running in user mode, no system call at all: the kill is seen when an
 * interrupt returns to user mode, and the exit from there (closing a pipe
 * only this child holds, which takes the pipe's lock) must be allowed to
 * sleep. */
static void do_spin(void)
{
	int own[2];
	pipe(own);
	for (volatile unsigned long i = 0;; i++)
		;
}

static void do_stopped(void)
{
	raise(SIGSTOP);
}

/* Collects pid, polling with WNOHANG for up to 3 s; "still running" if
 * it is not collected by then (on a broken kernel: it stays blocked). */
static int reap_within(pid_t pid, int *status)
{
	for (int i = 0; i < 300; i++) {
		pid_t got = waitpid(pid, status, WNOHANG);
		if (got == pid)
			return 1;
		kt_sleep_ms(10);
	}
	return 0;
}

static void show(const char *what, pid_t pid)
{
	int status;
	if (!reap_within(pid, &status))
		printf("%s: still running 3 s after the signal\n", what);
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d%s\n", what, WTERMSIG(status),
		       WCOREDUMP(status) ? " (core dumped)" : "");
	else
		printf("%s: status %#x\n", what, status);
	fflush(stdout);
}

static void kill_case(const char *what, void (*wait)(void))
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		wait();
		block_on_hold();        /* not reached while the wait blocks */
	}
	kt_sleep_ms(200);               /* time to fall asleep */
	kill(pid, SIGKILL);
	show(what, pid);
}

/* A child ignoring sig (SIG_IGN) is sent it, then SIGKILL. */
static void ignored_case(int sig)
{
	int p[2];
	pipe(p);
	pid_t pid = kt_fork();
	if (pid == 0) {
		signal(sig, SIG_IGN);
		write(p[1], "r", 1);
		block_on_hold();
	}
	char c;
	read(p[0], &c, 1);
	kill(pid, sig);
	int status;
	kt_sleep_ms(200);
	printf("ignored signal %d: child %s\n", sig, waitpid(pid, &status, WNOHANG) == 0 ? "lives on" : "ended");
	kill(pid, SIGKILL);
	show("then SIGKILL", pid);
	close(p[0]);
	close(p[1]);
}

static void sigquit_case(void)
{
	pid_t pid = kt_fork();
	if (pid == 0)
		block_on_hold();
	kt_sleep_ms(200);
	kill(pid, SIGQUIT);
	show("SIGQUIT, RLIMIT_CORE 0", pid);
}

static void run(void)
{
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
	pipe(hold);
	pipe2(full, O_NONBLOCK);
	while (write(full[1], "xxxxxxxxxxxxxxxx", 16) > 0)
		;
	fcntl(full[1], F_SETFL, 0);
	kill_case("pipe read (empty)", pipe_read);
	kill_case("pipe write (full)", pipe_write);
	kill_case("poll, no timeout", do_poll);
	kill_case("ppoll, no timeout", do_ppoll);
	kill_case("select, no timeout", do_select);
	kill_case("FUTEX_WAIT, no timeout", do_futex);
	kill_case("vfork parent", do_vfork);
	kill_case("wait4", do_wait4);
	kill_case("nanosleep", do_nanosleep);
	kill_case("sigwaitinfo", do_sigtimedwait);
	kill_case("busy in user mode", do_spin);
	kill_case("stopped (SIGSTOP)", do_stopped);
	ignored_case(SIGINT);
	ignored_case(SIGTSTP);
	sigquit_case();
}

int main(void)
{
	return kt_run_in_session(run);
}
