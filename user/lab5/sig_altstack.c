/* sig_altstack: the alternate signal stack. sigaltstack's rules (bad
 * flags, too small, reading the setting back, SS_DISABLE, EPERM while on
 * it); a stack overflow caught on the alternate stack (recursion until
 * SIGSEGV), the handler seeing SS_ONSTACK and leaving with siglongjmp; a
 * nested signal staying on the alternate stack; SS_AUTODISARM; the same
 * overflow without an alternate stack, where the frame cannot be
 * written: killed by SIGSEGV. The setting is inherited by fork.
 *
 * Runs in a child with a session of its own (kt_run_in_session). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>

#define CHECK(what, ok) kt_check(ok, what)
#define ALT_SIZE (64 * 1024)

static char *alt;
static sigjmp_buf back;
static volatile int on_alt, flags_seen, eperm_seen, nested_on_alt, segv_code_ok;

static int on(const void *p)
{
	return (const char *)p >= alt && (const char *)p < alt + ALT_SIZE;
}

static void on_usr2(int sig)
{
	char here;
	(void)sig;
	nested_on_alt = on(&here);
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	char here;
	(void)uc;
	on_alt = on(&here);
	segv_code_ok = sig == SIGSEGV && si->si_signo == SIGSEGV;
	stack_t now;
	sigaltstack(NULL, &now);
	flags_seen = now.ss_flags;
	stack_t other = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 };
	eperm_seen = sigaltstack(&other, NULL) == -1 && errno == EPERM;
	raise(SIGUSR2);             /* SA_ONSTACK too: stays on the alternate stack */
	siglongjmp(back, 1);
}

static volatile long sink;

/* Deeper until the stack runs out (n never reaches LONG_MAX first). */
static long recurse(long n)
{
	volatile char frame[512];
	frame[0] = (char)n;
	sink += frame[0];
	if (n == __LONG_MAX__)
		return 0;
	return recurse(n + 1) + frame[0];
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void rules(void)
{
	stack_t old;
	sigaltstack(NULL, &old);
	kt_check_eq("at first: SS_DISABLE", old.ss_flags, SS_DISABLE);
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 12345 };
	kt_expect_err("bad ss_flags", sigaltstack(&ss, NULL), EINVAL);
	ss.ss_flags = 0;
	ss.ss_size = MINSIGSTKSZ - 1;
	kt_expect_err("smaller than MINSIGSTKSZ", sigaltstack(&ss, NULL), ENOMEM);
	ss.ss_size = ALT_SIZE;
	kt_check_eq("set", sigaltstack(&ss, NULL), 0);
	sigaltstack(NULL, &old);
	CHECK("read back: the same stack, flags 0", old.ss_sp == alt && old.ss_size == ALT_SIZE && old.ss_flags == 0);
	ss.ss_flags = SS_DISABLE;
	kt_check_eq("SS_DISABLE", sigaltstack(&ss, &old), 0);
	CHECK("the old setting comes back", old.ss_sp == alt && old.ss_size == ALT_SIZE);
	sigaltstack(NULL, &old);
	kt_check_eq("now: SS_DISABLE", old.ss_flags, SS_DISABLE);
	kt_check_eq("now: size 0", old.ss_size, 0);
	ss.ss_flags = SS_ONSTACK;   /* Linux takes it as 0 (musl's wrapper refuses it) */
	kt_check_eq("SS_ONSTACK as a request", syscall(SYS_sigaltstack, &ss, NULL), 0);
}

static void overflow(void)
{
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 };
	sigaltstack(&ss, NULL);
	handle(SIGSEGV, on_segv, SA_ONSTACK);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR2, &sa, NULL);
	pid_t pid = kt_fork();
	if (pid == 0) {
		/* In a child: the overflow uses up the stack. */
		struct rlimit small = { 1 << 20, 1 << 20 };
		setrlimit(RLIMIT_STACK, &small);    /* Linux's main stack grows to this */
		if (sigsetjmp(back, 1) == 0) {
			recurse(0);
			_exit(10);
		}
		CHECK("the overflow's SIGSEGV ran on the alternate stack", on_alt);
		CHECK("its siginfo says SIGSEGV", segv_code_ok);
		kt_check_eq("sigaltstack in the handler: SS_ONSTACK", flags_seen, SS_ONSTACK);
		CHECK("changing it there: EPERM", eperm_seen);
		CHECK("a signal nested in the handler stays on the alternate stack", nested_on_alt);
		char here;
		CHECK("after siglongjmp: back on the main stack", !on(&here));
		stack_t now;
		sigaltstack(NULL, &now);
		kt_check_eq("and sigaltstack says so", now.ss_flags, 0);
		exit(kt_status());
	}
	int status;
	waitpid(pid, &status, 0);
	kt_check_eq("the child's checks", WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status), 0);
}

static volatile int autodisarm_flags = -1;

static void on_usr1_autodisarm(int sig)
{
	stack_t now;
	(void)sig;
	sigaltstack(NULL, &now);
	autodisarm_flags = now.ss_flags;
}

static void autodisarm(void)
{
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = SS_AUTODISARM };
	kt_check_eq("SS_AUTODISARM", sigaltstack(&ss, NULL), 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1_autodisarm;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	kt_check_eq("in the handler: disarmed (SS_DISABLE)", autodisarm_flags, SS_DISABLE);
	stack_t now;
	sigaltstack(NULL, &now);
	CHECK("after it returns: armed again", now.ss_sp == alt && (unsigned)now.ss_flags == SS_AUTODISARM);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	signal(SIGUSR1, SIG_DFL);
}

static void no_room(void)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		struct rlimit none = { 0, 0 }, small = { 1 << 20, 1 << 20 };
		setrlimit(RLIMIT_CORE, &none);
		setrlimit(RLIMIT_STACK, &small);
		stack_t ss = { .ss_flags = SS_DISABLE };
		sigaltstack(&ss, NULL);
		handle(SIGSEGV, on_segv, 0);        /* on the overflowed stack: no room */
		recurse(0);
		_exit(10);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK("no alternate stack: the frame cannot be written, killed by SIGSEGV",
	      WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

static void inherited(void)
{
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 };
	sigaltstack(&ss, NULL);
	pid_t pid = kt_fork();
	if (pid == 0) {
		stack_t now;
		sigaltstack(NULL, &now);
		_exit(now.ss_sp == alt && now.ss_size == ALT_SIZE ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK("fork: the child has the same alternate stack", WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void run(void)
{
	alt = malloc(ALT_SIZE);
	rules();
	overflow();
	autodisarm();
	no_room();
	inherited();
}

int main(void)
{
	return kt_run_in_session(run);
}
