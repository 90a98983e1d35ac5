/* pgrp_session: process groups and sessions, as a shell uses them for
 * job control: setsid, setpgid (and its rules), getpgid, getpgrp, getsid,
 * and wait4 selecting children by group.
 *
 * Everything runs in a child that first makes a session of its own, so
 * the ids it sees relate the same way on Linux (where the test runs
 * inside the grader's session) and in the kernel (where it is init). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <kt.h>

/* A child that waits for EOF on the pipe gate, then exits with code. */
static pid_t sleeper(int gate[2], int code)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		char c;
		close(gate[1]);
		while (read(gate[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(code);
	}
	return pid;
}

static void test(void)
{
	pid_t me = getpid();
	kt_check(setsid() == me, "setsid returns the new session's id, my pid");
	kt_check(getsid(0) == me && getpgrp() == me && getpgid(0) == me, "I lead a session and a group");
	kt_expect_err("setsid again (a group leader)", setsid(), EPERM);
	kt_expect_err("setpgid of a session leader", setpgid(0, 0), EPERM);
	kt_check(getsid(me) == me && getpgid(me) == me, "getsid and getpgid by pid");
	kt_expect_err("getpgid of no process", getpgid(999999), ESRCH);
	kt_expect_err("getsid of no process", getsid(999999), ESRCH);
	kt_expect_err("setpgid with a negative group", setpgid(0, -5), EINVAL);

	/* Two children: one moved into a group of its own, one left in mine. */
	int gate[2];
	if (pipe(gate) < 0) {
		perror("pipe");
		exit(2);
	}
	pid_t a = sleeper(gate, 11), b = sleeper(gate, 12);
	kt_check(getpgid(a) == me && getsid(a) == me, "children start in my group and session");
	kt_check(setpgid(a, a) == 0 && getpgid(a) == a, "setpgid(child, child): a new group");
	kt_check(setpgid(b, a) == 0 && getpgid(b) == a, "setpgid(other child, that group): joins it");
	kt_check(setpgid(b, me) == 0 && getpgid(b) == me, "... and back to mine");
	kt_expect_err("setpgid into a group that does not exist", setpgid(b, 999999), EPERM);
	kt_expect_err("setpgid of a process that is not my child", setpgid(getppid(), 0), ESRCH);

	/* wait4 by group: 0 is my group (b), -a is a's group. */
	close(gate[1]);             /* both sleepers see EOF and exit */
	int status;
	pid_t got = waitpid(0, &status, 0);
	kt_check(got == b && WEXITSTATUS(status) == 12, "waitpid(0) collects the child in my group");
	kt_expect_err("waitpid(0) again: none left in my group", waitpid(0, &status, WNOHANG), ECHILD);
	got = waitpid(-a, &status, 0);
	kt_check(got == a && WEXITSTATUS(status) == 11, "waitpid(-pgid) collects the child in that group");
	close(gate[0]);

	/* A child that has run execve can no longer be moved. */
	pid_t c = kt_fork();
	if (c == 0) {
		char *argv[] = { "sleep", "1", NULL };   /* busybox's applet, by argv[0] */
		execv("/bin/busybox", argv);
		_exit(100);
	}
	/* Give it time to exec; sleep 1 keeps it alive long enough. */
	kt_sleep_ms(300);
	kt_expect_err("setpgid of a child after its execve", setpgid(c, c), EACCES);
	waitpid(c, &status, 0);
	kt_check_eq("the exec'd child's status", WEXITSTATUS(status), 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	pid_t pid = kt_fork();
	if (pid == 0) {
		test();
		exit(kt_status());
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}
