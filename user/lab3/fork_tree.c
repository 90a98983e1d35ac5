/* fork_tree: a three-level process tree, with results passed up through
 * exit codes only (only the root prints, so the output does not depend on
 * scheduling).
 *
 * The root forks children 1..4; child i forks grandchildren j = 1..i, which
 * exit with 10*i + j. Each child reaps its own children with wait4(-1),
 * sums their codes and exits with the sum (at most 170). Any failed check
 * below the root turns into exit code 255. The root reaps the children by
 * pid, newest first, so zombies must wait around until asked for. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>

#define NCHILD	4
#define BAD	255

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

/* Run in every new process: it is the child of parent, single-threaded. */
static int self_ok(pid_t parent)
{
	return getppid() == parent && gettid_() == getpid() && getpid() != parent;
}

static void grandchild(pid_t parent, int i, int j)
{
	_exit(self_ok(parent) ? 10 * i + j : BAD);
}

static void child(pid_t parent, int i)
{
	pid_t me = getpid(), kids[NCHILD];
	int ok = self_ok(parent), sum = 0, status = 0;

	for (int j = 1; j <= i; j++) {
		kids[j - 1] = fork();
		if (kids[j - 1] == 0)
			grandchild(me, i, j);
		if (kids[j - 1] < 0)
			_exit(BAD);
	}
	/* Any order; each grandchild exactly once, with the code it chose. */
	for (int n = 0; n < i; n++) {
		pid_t pid = wait4(-1, &status, 0, NULL);
		int j;

		for (j = 0; j < i && kids[j] != pid; j++)
			;
		if (j == i || !WIFEXITED(status) || WEXITSTATUS(status) != 10 * i + j + 1)
			ok = 0;
		if (j < i)
			kids[j] = 0;
		sum += WIFEXITED(status) ? WEXITSTATUS(status) : BAD;
	}
	if (wait4(-1, &status, 0, NULL) != -1 || errno != ECHILD)
		ok = 0;
	_exit(ok ? sum % 256 : BAD);
}

int main(void)
{
	pid_t me = getpid(), pids[NCHILD + 1];
	int status, distinct = 1;

	kt_check(gettid_() == me, "root: gettid() == getpid()");
	for (int i = 1; i <= NCHILD; i++) {
		pids[i] = kt_fork();
		if (pids[i] == 0)
			child(me, i);
		if (pids[i] < 0) {
			printf("fork %d failed\n", i);
			return 1;
		}
		for (int k = 1; k < i; k++)
			distinct &= pids[k] != pids[i];
		distinct &= pids[i] != me && pids[i] > 0;
	}
	kt_check(distinct, "fork returned 4 distinct pids, none the root's");

	for (int i = NCHILD; i >= 1; i--) {
		int want = 10 * i * i + i * (i + 1) / 2;
		pid_t got = wait4(pids[i], &status, 0, NULL);

		if (got != pids[i])
			printf("child %d: wait4 returned the wrong pid\n", i);
		else if (!WIFEXITED(status))
			printf("child %d: did not exit normally\n", i);
		else
			printf("child %d exited with %d\n", i, WEXITSTATUS(status));
		if (got != pids[i] || !WIFEXITED(status) || WEXITSTATUS(status) != want)
			++*kt_failures();
	}
	pid_t r = wait4(-1, &status, 0, NULL);
	kt_expect_err("wait4(-1) after reaping everything", r, ECHILD);
	return kt_status();
}
