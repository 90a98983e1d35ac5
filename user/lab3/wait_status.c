/* wait_status: how wait4 encodes a child's end in the status word.
 *
 * exit(n) gives (n & 0xff) << 8, so exit(256) reads back as 0; death by a
 * signal gives the signal number in the low 7 bits. The faults are the
 * ones a kernel turns into signals itself: a page fault (SIGSEGV), ud2
 * (SIGILL) and a divide error (SIGFPE). Bit 0x80 (core dumped) is masked
 * off: whether Linux dumps core depends on the host's core_pattern. Also
 * WNOHANG, wait4 on a pid that is not a child, and the rusage argument. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <kt.h>

static void segv(void)
{
	volatile int *volatile p = 0;	/* else gcc turns the store into ud2 */

	*p = 1;
}

static void ill(void)
{
	__builtin_trap();
}

static void fpe(void)
{
	/* Both volatile: gcc turns 1 / x into compares, no idiv. */
	volatile int num = 7, zero = 0, r;

	r = num / zero;
	(void)r;
}

/* Forks a child that runs fn (if any) and then exits with code, and prints
 * what wait4 says about it. want is the expected status (core bit off). */
static void run(const char *what, void (*fn)(void), int code, int want)
{
	int status = 0;
	pid_t pid = kt_fork();

	if (pid == 0) {
		if (fn)
			fn();
		_exit(code);
	}
	pid_t got = wait4(pid, &status, 0, NULL);
	status &= ~0x80;
	printf("%s: WIFEXITED=%d WEXITSTATUS=%d WIFSIGNALED=%d WTERMSIG=%d "
	       "status=0x%x\n", what, WIFEXITED(status), WEXITSTATUS(status),
	       WIFSIGNALED(status), WTERMSIG(status), status);
	if (pid < 0 || got != pid || status != want)
		++*kt_failures();
}

int main(void)
{
	int status;
	pid_t pid, r;
	struct rusage ru;

	/* Host only: no core dumps (and no waiting for a core handler). */
	if (kt_on_host())
		prctl(PR_SET_DUMPABLE, 0);

	run("exit(0)", NULL, 0, 0);
	run("exit(1)", NULL, 1, 0x100);
	run("exit(255)", NULL, 255, 0xff00);
	run("exit(256)", NULL, 256, 0);
	run("NULL dereference", segv, 0, 11);
	run("ud2", ill, 0, 4);
	run("divide by zero", fpe, 0, 8);

	/* WNOHANG must not block while the child sleeps. */
	pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(200);
		_exit(5);
	}
	r = wait4(pid, &status, WNOHANG, NULL);
	kt_check_eq("wait4(child, WNOHANG) while it sleeps returns 0", r, 0);
	r = wait4(pid, &status, 0, &ru);
	kt_check(r == pid, "blocking wait4(child, rusage) returns its pid");
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 5,
		 "and its exit code 5");

	r = wait4(999999, &status, 0, NULL);
	kt_expect_err("wait4(999999)", r, ECHILD);
	r = wait4(999999, &status, WNOHANG, NULL);
	kt_expect_err("wait4(999999, WNOHANG)", r, ECHILD);
	r = wait4(-1, &status, 0, NULL);
	kt_expect_err("wait4(-1) with no children", r, ECHILD);
	r = wait4(-1, &status, WNOHANG, NULL);
	kt_expect_err("wait4(-1, WNOHANG) with no children", r, ECHILD);
	return kt_status();
}
