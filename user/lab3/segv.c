/* segv: a user process that faults is killed with a signal, and the rest
 * of the system carries on. The parent forks one child per bad access and
 * after each one prints how it died.
 *
 * The faults cover the kernel's page-fault paths for a user access: not
 * present (NULL, a jump to 0), present but read-only (a string literal, the
 * program's own code), and a supervisor-only page (the kernel's higher
 * half); plus a non-canonical address, which raises #GP instead of #PF and
 * is also SIGSEGV on Linux. Core dumps are turned off on the host: with a
 * piped core_pattern Linux would dump even under RLIMIT_CORE=0. */
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <kt.h>

static void null_write(void)
{
	/* Through a volatile pointer: gcc would drop a plain NULL store or
	 * turn it into ud2. */
	volatile int *volatile p = 0;

	*p = 1;
}

static void literal_write(void)
{
	const char *s = "x";

	*(volatile char *)s = 1;
}

static void jump_to_zero(void)
{
	void (*volatile fn)(void) = 0;

	fn();
}

static void code_write(void)
{
	*(volatile unsigned char *)code_write = 0xc3;
}

static void kernel_read(void)
{
	(void)*(volatile int *)0xffffffff80000000UL;
}

static void noncanonical_read(void)
{
	(void)*(volatile int *)0x8000000000000000UL;
}

static void run(const char *what, void (*fn)(void))
{
	int status = 0;
	pid_t pid = kt_fork();

	if (pid == 0) {
		fn();
		_exit(0);	/* survived: wrong */
	}
	if (pid < 0 || wait4(pid, &status, 0, NULL) != pid)
		printf("%s: fork or wait4 failed\n", what);
	else if (WIFSIGNALED(status))
		printf("%s: child killed by signal %d\n", what, WTERMSIG(status));
	else
		printf("%s: child was not killed (exit status %d)\n", what,
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != 11)
		++*kt_failures();
}

int main(void)
{
	if (kt_on_host())
		prctl(PR_SET_DUMPABLE, 0);
	printf("parent: forking children that fault\n");
	run("write through NULL", null_write);
	run("write to a string literal", literal_write);
	run("call address 0", jump_to_zero);
	run("write to the program's code", code_write);
	run("read a kernel address", kernel_read);
	run("read a non-canonical address", noncanonical_read);
	printf("parent: still running after %d faults\n", 6);
	return kt_status();
}
