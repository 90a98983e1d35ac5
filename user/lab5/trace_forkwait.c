/* trace_forkwait: a parent that forks a child, the child writes a line
 * and exits with 7, the parent waits for it and reports its status. Run
 * under trace (in the kernel) and under strace -f (on Linux): the traces
 * show fork/wait4, the child's exit and the SIGCHLD its parent takes. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

int main(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		write(1, "child\n", 6);
		_exit(7);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid)
		return 2;
	char line[32];
	int n = snprintf(line, sizeof(line), "child exited with %d\n", WEXITSTATUS(status));
	write(1, line, n);
	return 0;
}
