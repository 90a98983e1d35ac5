/* trace_forkwait: a parent and its children, for the tracer's lines about
 * processes. The first child writes a line and exits with 7; the second
 * kills itself with SIGKILL inside kill(); the third is killed by its
 * parent while it waits in read(). The parent waits for each and reports
 * its status. Run under trace (in the kernel) and under strace -f (on
 * Linux): the traces show fork and wait4, "+++ exited with 7 +++",
 * "+++ killed by SIGKILL +++", calls that never return ("= ?"), lines
 * left unfinished by another task's, and the SIGCHLDs the parent takes. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static void report(pid_t pid)
{
	int status;
	if (waitpid(pid, &status, 0) != pid)
		exit(2);
	char line[48];
	int n = WIFEXITED(status) ? snprintf(line, sizeof(line), "child exited with %d\n", WEXITSTATUS(status))
				  : snprintf(line, sizeof(line), "child killed by signal %d\n", WTERMSIG(status));
	write(1, line, n);
}

int main(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		write(1, "child\n", 6);
		_exit(7);
	}
	report(pid);

	pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	report(pid);

	/* The child says it is about to read, then blocks in read() for
	 * good: the parent gives it a second to get there (the trace differs
	 * if it has not: no read line), then kills it. */
	int ready[2], never[2];
	pipe(ready);
	pipe(never);
	pid = fork();
	if (pid == 0) {
		char c;
		write(ready[1], "r", 1);
		read(never[0], &c, 1);
		_exit(1);
	}
	char c;
	read(ready[0], &c, 1);
	struct timespec pause = { 1, 0 };
	nanosleep(&pause, NULL);
	kill(pid, SIGKILL);
	report(pid);
	return 0;
}
