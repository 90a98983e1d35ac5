/* trace_fork: fork and wait with glibc, whose fork() is clone() with
 * CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID and the child's tid pointer:
 * for the tracer's clone line, compared with strace's. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

int main(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		printf("child\n");
		exit(5);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid)
		return 2;
	printf("child exited with %d\n", WEXITSTATUS(status));
	return 0;
}
