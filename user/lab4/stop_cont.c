/* stop_cont: job control without a terminal. A child is stopped by
 * SIGSTOP and by SIGTSTP and continued by SIGCONT; its parent sees each
 * change in wait4 (WUNTRACED, WCONTINUED, the status macros) and in
 * SIGCHLD's siginfo (CLD_STOPPED, CLD_CONTINUED). A system call that the
 * stop cut short goes on after SIGCONT: a nanosleep ends at its first
 * deadline, a pipe read still returns the data. SIGTERM to a stopped
 * child waits for SIGCONT (only SIGKILL ends a stopped process at once),
 * and SIGCONT sent while a stop is pending cancels it.
 *
 * Everything runs in a child with a session of its own; the stopped
 * children make process groups of their own, so that SIGTSTP (which
 * POSIX discards for an orphaned group) stops them on Linux and here.
 * Last, the same through waitid, whose siginfo says what happened. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <kt.h>

static void show_status(const char *what, int status)
{
	if (WIFSTOPPED(status))
		printf("%s: stopped by signal %d\n", what, WSTOPSIG(status));
	else if (WIFCONTINUED(status))
		printf("%s: continued\n", what);
	else if (WIFEXITED(status))
		printf("%s: exit %d\n", what, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", what, WTERMSIG(status));
	else
		printf("%s: status %#x\n", what, status);
	fflush(stdout);
}

/* waitpid with options | WNOHANG, polled for up to 3 s. */
static void wait_for(const char *what, pid_t pid, int options)
{
	int status;
	for (int i = 0; i < 300; i++) {
		pid_t got = waitpid(pid, &status, options | WNOHANG);
		if (got == pid) {
			show_status(what, status);
			return;
		}
		if (got < 0) {
			printf("%s: waitpid: %s\n", what, kt_errname(errno));
			return;
		}
		kt_sleep_ms(10);
	}
	printf("%s: nothing to report within 3 s\n", what);
	fflush(stdout);
}

/* SIGCHLD, blocked, taken from the pending set (up to 3 s). */
static void show_sigchld(const char *what)
{
	sigset_t s;
	siginfo_t si;
	struct timespec ts = { 3, 0 };
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	if (sigtimedwait(&s, &si, &ts) != SIGCHLD) {
		printf("%s: no SIGCHLD\n", what);
		return;
	}
	const char *code = si.si_code == CLD_STOPPED ? "CLD_STOPPED" : si.si_code == CLD_CONTINUED ? "CLD_CONTINUED" :
			   si.si_code == CLD_EXITED ? "CLD_EXITED" : si.si_code == CLD_KILLED ? "CLD_KILLED" : "other";
	printf("%s: SIGCHLD %s, status %d\n", what, code, si.si_status);
	fflush(stdout);
}

static void still_there(const char *what, pid_t pid)
{
	int status;
	printf("%s: %s\n", what, waitpid(pid, &status, WNOHANG | WUNTRACED | WCONTINUED) == 0 ?
	       "nothing more to report" : "BAD, a report");
	fflush(stdout);
}

/* Sleeps 1.5 s in one nanosleep, then exits 7. */
static pid_t sleeper(void)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		setpgid(0, 0);
		struct timespec ts = { 1, 500000000 };
		long long start = kt_now_ns();
		int r = nanosleep(&ts, NULL);
		long long ms = (kt_now_ns() - start) / 1000000;
		/* Stopped and continued in the middle: the same deadline. */
		_exit(r == 0 && ms >= 1400 && ms < 2500 ? 7 : 8);
	}
	return pid;
}

static void stop_and_continue(int stopsig)
{
	char what[64];
	pid_t pid = sleeper();
	kt_sleep_ms(300);
	kill(pid, stopsig);
	snprintf(what, sizeof(what), "signal %d, WUNTRACED", stopsig);
	wait_for(what, pid, WUNTRACED);
	show_sigchld("after the stop");
	still_there("stopped, asked again", pid);
	kill(pid, SIGCONT);
	wait_for("SIGCONT, WCONTINUED", pid, WCONTINUED);
	show_sigchld("after SIGCONT");
	still_there("continued, asked again", pid);
	wait_for("then the sleep ends", pid, 0);
	show_sigchld("at the end");
}

/* A read cut short by a stop goes on after SIGCONT and gets the data. */
static void pipe_read_restarts(void)
{
	int p[2];
	pipe(p);
	pid_t pid = kt_fork();
	if (pid == 0) {
		setpgid(0, 0);
		close(p[1]);
		char buf[8];
		ssize_t n = read(p[0], buf, sizeof(buf));
		_exit(n == 3 && memcmp(buf, "abc", 3) == 0 ? 3 : n < 0 ? 100 + errno : 50);
	}
	close(p[0]);
	kt_sleep_ms(300);
	kill(pid, SIGSTOP);
	wait_for("reader: SIGSTOP", pid, WUNTRACED);
	show_sigchld("reader: stop");
	kill(pid, SIGCONT);
	wait_for("reader: SIGCONT", pid, WCONTINUED);
	show_sigchld("reader: continue");
	kt_sleep_ms(100);
	write(p[1], "abc", 3);
	wait_for("reader: gets the data", pid, 0);
	show_sigchld("reader: exit");
	close(p[1]);
}

static void stopped_then_terminated(void)
{
	pid_t pid = sleeper();
	kt_sleep_ms(300);
	kill(pid, SIGSTOP);
	wait_for("SIGSTOP", pid, WUNTRACED);
	show_sigchld("stop");
	kill(pid, SIGTERM);
	kt_sleep_ms(300);
	still_there("stopped, sent SIGTERM", pid);
	kill(pid, SIGCONT);
	wait_for("then SIGCONT", pid, 0);
	show_sigchld("the first SIGCHLD after SIGCONT");
}

/* Stop signals and SIGCONT cancel each other while pending: the child
 * blocks them, gets SIGTSTP then SIGCONT, unblocks: no stop. */
static void cont_cancels_stop(void)
{
	int p[2];
	pipe(p);
	pid_t pid = kt_fork();
	if (pid == 0) {
		setpgid(0, 0);
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGTSTP);
		sigprocmask(SIG_BLOCK, &s, NULL);
		write(p[1], "r", 1);
		kt_sleep_ms(500);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		kt_sleep_ms(300);
		_exit(5);
	}
	char c;
	read(p[0], &c, 1);
	kill(pid, SIGTSTP);
	kill(pid, SIGCONT);
	wait_for("SIGTSTP blocked, then SIGCONT, then unblocked", pid, WUNTRACED);
	show_sigchld("cancelled stop");
	close(p[0]);
	close(p[1]);
}

static const char *cld_name(int code)
{
	switch (code) {
	case CLD_EXITED:	return "CLD_EXITED";
	case CLD_KILLED:	return "CLD_KILLED";
	case CLD_DUMPED:	return "CLD_DUMPED";
	case CLD_STOPPED:	return "CLD_STOPPED";
	case CLD_CONTINUED:	return "CLD_CONTINUED";
	default:		return "other";
	}
}

/* waitid with options | WNOHANG, polled for up to `ms`; prints what the
 * siginfo says. */
static void show_waitid(const char *what, idtype_t type, id_t id, int options, pid_t child, int ms)
{
	for (int i = 0; i <= ms / 10; i++) {
		siginfo_t si;
		memset(&si, 0xff, sizeof(si));
		if (waitid(type, id, &si, options | WNOHANG) < 0) {
			printf("%s: waitid: %s\n", what, kt_errname(errno));
			fflush(stdout);
			return;
		}
		if (si.si_pid != 0) {
			printf("%s: %s SIGCHLD %s, status %d\n", what, si.si_pid == child ? "the child," : "another child,",
			       si.si_signo == SIGCHLD ? "yes" : "no", si.si_status);
			printf("%s: si_code %s\n", what, cld_name(si.si_code));
			fflush(stdout);
			return;
		}
		if (i < ms / 10)
			kt_sleep_ms(10);
		else
			printf("%s: nothing to report (si_signo %d)\n", what, si.si_signo);
	}
	fflush(stdout);
}

/* waitid: P_PID, P_PGID and P_ALL, WSTOPPED, WCONTINUED, WEXITED,
 * WNOWAIT, and its errors. */
static void waitid_reports(void)
{
	siginfo_t si;
	pid_t pid = sleeper();          /* in a group of its own: pgid == pid */
	kt_sleep_ms(300);
	kill(pid, SIGSTOP);
	show_waitid("waitid WSTOPPED|WNOWAIT", P_PID, pid, WSTOPPED | WNOWAIT, pid, 3000);
	show_waitid("waitid WSTOPPED, left by WNOWAIT", P_PID, pid, WSTOPPED, pid, 0);
	show_waitid("waitid WSTOPPED again", P_PID, pid, WSTOPPED, pid, 0);
	kill(pid, SIGCONT);
	show_waitid("waitid P_PGID WCONTINUED", P_PGID, pid, WCONTINUED, pid, 3000);
	kill(pid, SIGKILL);
	show_waitid("waitid P_ALL WEXITED|WNOWAIT", P_ALL, 0, WEXITED | WNOWAIT, pid, 3000);
	wait_for("then wait4", pid, 0);
	kt_expect_err("waitid without WEXITED, WSTOPPED or WCONTINUED", waitid(P_ALL, 0, &si, WNOHANG), EINVAL);
	kt_expect_err("waitid P_PID 0", waitid(P_PID, 0, &si, WEXITED), EINVAL);
	kt_expect_err("waitid with no children", waitid(P_ALL, 0, &si, WEXITED), ECHILD);
}

static void run(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	sigprocmask(SIG_BLOCK, &s, NULL);
	stop_and_continue(SIGSTOP);
	stop_and_continue(SIGTSTP);
	pipe_read_restarts();
	stopped_then_terminated();
	cont_cancels_stop();
	waitid_reports();
}

int main(void)
{
	return kt_run_in_session(run);
}
