/* orphan: when a process exits, its children are handed to init.
 *
 * The root forks A, A forks B, A exits at once with 7. B waits until its
 * parent changes (at least 100 ms, at most 3 s), then checks that its new
 * parent is the root and exits 0 (1 if not). The root must then be able to
 * reap B, a child it never forked. In the kernel the root is pid 1, init
 * itself; on the host it makes itself a "child subreaper" so that Linux
 * reparents to it instead of to the real init. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <kt.h>

static void b(pid_t root, pid_t a)
{
	/* A may be gone already: it does not wait for B to run. */
	pid_t first = getppid();
	int ok = first == a || first == root;

	kt_sleep_ms(100);
	for (int i = 0; i < 290 && getppid() == a; i++)
		kt_sleep_ms(10);
	_exit(ok && getppid() == root ? 0 : 1);
}

int main(void)
{
	pid_t root = getpid(), a, r;
	int status;

	if (kt_on_host())
		prctl(PR_SET_CHILD_SUBREAPER, 1);

	a = kt_fork();
	if (a == 0) {
		pid_t self = getpid(), pid = fork();
		if (pid == 0)
			b(root, self);
		_exit(pid > 0 ? 7 : 1);
	}

	r = wait4(a, &status, 0, NULL);
	kt_check(r == a, "wait4(A) returns A");
	printf("A: %s %d\n", WIFEXITED(status) ? "exited with" : "killed by signal",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));

	r = wait4(-1, &status, 0, NULL);
	kt_check(r > 0 && r != a, "wait4(-1) returns the orphan B");
	kt_check(r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		 "B's parent became the root");

	r = wait4(-1, &status, 0, NULL);
	kt_expect_err("wait4(-1) afterwards", r, ECHILD);
	return kt_status();
}
