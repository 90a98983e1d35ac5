/* sig_handler: signals delivered to handlers and returned from, with
 * their siginfo checked field by field: kill, sigqueue (a value),
 * tgkill, SIGCHLD from a child that exits and one that is killed; the
 * mask while a handler runs and after it returns; SA_RESETHAND,
 * SA_NODEFER, nested handlers (a second signal during the first), the
 * stack's alignment at handler entry, SSE registers and the rounding
 * mode kept across a handler that changes them, sigsuspend, and a
 * handler without SA_RESTORER (SIGSEGV: no way back).
 *
 * Runs in a child with a session of its own (kt_run_in_session): the
 * kernel's first process is spared signals it does not catch. */
#define _GNU_SOURCE
#include <fenv.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>

#define CHECK(what, ok) kt_check(ok, what)

static volatile sig_atomic_t hits;
static siginfo_t last;
static sigset_t mask_in_handler, uc_mask;

static void on_info(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	hits++;
	last = *si;
	(void)sig;
	sigprocmask(SIG_SETMASK, NULL, &mask_in_handler);
	uc_mask = uc->uc_sigmask;
}

static void catch(int sig, void (*fn)(int, siginfo_t *, void *), int flags, int also_blocked)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (also_blocked)
		sigaddset(&sa.sa_mask, also_blocked);
	sigaction(sig, &sa, NULL);
}

static void round_trips(void)
{
	catch(SIGUSR1, on_info, 0, SIGUSR2);
	hits = 0;
	kill(getpid(), SIGUSR1);
	kt_check_eq("kill: the handler ran once", hits, 1);
	kt_check_eq("kill: si_signo", last.si_signo, SIGUSR1);
	kt_check_eq("kill: si_code SI_USER", last.si_code, SI_USER);
	kt_check_eq("kill: si_errno", last.si_errno, 0);
	CHECK("kill: si_pid is the sender", last.si_pid == getpid());
	CHECK("kill: si_uid is the sender's", last.si_uid == getuid());
	CHECK("in the handler: the signal is blocked", sigismember(&mask_in_handler, SIGUSR1));
	CHECK("in the handler: sa_mask is blocked", sigismember(&mask_in_handler, SIGUSR2));
	CHECK("uc_sigmask is the mask before", !sigismember(&uc_mask, SIGUSR1) && !sigismember(&uc_mask, SIGUSR2));
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK("after the handler: the mask is back", !sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2));

	union sigval v = { .sival_int = 4242 };
	sigqueue(getpid(), SIGUSR1, v);
	kt_check_eq("sigqueue: si_code SI_QUEUE", last.si_code, SI_QUEUE);
	kt_check_eq("sigqueue: si_value", last.si_value.sival_int, 4242);
	CHECK("sigqueue: si_pid is the sender", last.si_pid == getpid());

	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
	kt_check_eq("tgkill: si_code SI_TKILL", last.si_code, SI_TKILL);
	CHECK("tgkill: si_pid is the sender", last.si_pid == getpid());

	raise(SIGUSR1);
	kt_check_eq("raise: the handler ran", hits, 4);
}

static void sigchld_info(void)
{
	catch(SIGCHLD, on_info, SA_RESTART, 0);
	hits = 0;
	pid_t pid = kt_fork();
	if (pid == 0)
		_exit(7);
	int status;
	waitpid(pid, &status, 0);
	kt_check_eq("SIGCHLD (exit): one delivery", hits, 1);
	kt_check_eq("SIGCHLD (exit): si_code CLD_EXITED", last.si_code, CLD_EXITED);
	CHECK("SIGCHLD (exit): si_pid is the child", last.si_pid == pid);
	kt_check_eq("SIGCHLD (exit): si_status", last.si_status, 7);

	pid = kt_fork();
	if (pid == 0)
		for (;;)
			pause();
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	kt_check_eq("SIGCHLD (killed): si_code CLD_KILLED", last.si_code, CLD_KILLED);
	kt_check_eq("SIGCHLD (killed): si_status", last.si_status, SIGTERM);
	CHECK("SIGCHLD (killed): si_pid is the child", last.si_pid == pid);
	signal(SIGCHLD, SIG_DFL);
}

static volatile int depth, max_depth;

static void on_nodefer(int sig)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (depth < 3)
		raise(sig);             /* SA_NODEFER: delivered inside this handler */
	depth--;
}

/* SA_RESETHAND: the action is SIG_DFL again as the handler starts; the
 * signal is still blocked in it (no SA_NODEFER), so its raise waits. */
static void on_reset(int sig)
{
	struct sigaction now;
	sigaction(sig, NULL, &now);
	if (now.sa_handler != SIG_DFL)
		_exit(3);
	raise(sig);
}

static void reset_and_nodefer(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_nodefer;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	kt_check_eq("SA_NODEFER: the handler nests 3 deep", max_depth, 3);

	sa.sa_handler = on_reset;
	sa.sa_flags = SA_RESETHAND;
	pid_t pid = kt_fork();
	if (pid == 0) {
		sigaction(SIGUSR2, &sa, NULL);
		raise(SIGUSR2);         /* caught once; the handler's own raise kills */
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK("SA_RESETHAND: the action was SIG_DFL in the handler, and the next SIGUSR2 killed",
	      WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR2);
}

static char order[16];
static volatile int norder;

static void on_second(int sig)
{
	(void)sig;
	order[norder++] = '2';
}

static void on_first(int sig)
{
	(void)sig;
	order[norder++] = '1';
	raise(SIGUSR2);             /* not blocked: runs before this handler goes on */
	order[norder++] = '1';
}

static void nested(void)
{
	signal(SIGUSR1, on_first);
	signal(SIGUSR2, on_second);
	norder = 0;
	raise(SIGUSR1);
	order[norder] = 0;
	printf("nested handlers ran in the order %s\n", order);

	/* Both pending at once: the lower number's handler is entered
	 * first, then the other's on top of it, which thus runs first. */
	sigset_t both, old;
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	sigprocmask(SIG_BLOCK, &both, &old);
	norder = 0;
	signal(SIGUSR1, on_second);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR2);
	sigprocmask(SIG_SETMASK, &old, NULL);
	order[norder] = 0;
	printf("two pending signals: %d handlers ran\n", norder);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

/* A handler in assembly, to see %rsp exactly as the kernel set it. */
uint64_t entry_rsp;
void align_probe(int);
__asm__(".globl align_probe\n"
	"align_probe:\n"
	"	movq %rsp, entry_rsp(%rip)\n"
	"	ret\n");

static void alignment(void)
{
	signal(SIGUSR1, align_probe);
	for (int i = 0; i < 4; i++) {
		char pad[16 * 4 + 8];
		volatile char *p = pad + i;     /* moves nothing, but keeps the stack varied */
		*p = 0;
		raise(SIGUSR1);
	}
	kt_check_eq("at handler entry, (%rsp + 8) is a multiple of 16", (entry_rsp + 8) % 16, 0);
	signal(SIGUSR1, SIG_DFL);
}

static void clobber_sse(int sig)
{
	(void)sig;
	fesetround(FE_UPWARD);
	__asm__ __volatile__("pcmpeqd %%xmm8, %%xmm8\n\txorpd %%xmm9, %%xmm9" ::: "xmm8", "xmm9");
}

static void sse_kept(void)
{
	signal(SIGUSR1, clobber_sse);
	fesetround(FE_TOWARDZERO);
	double a = 1.25, b = -7.5, ra, rb;
	long pid = getpid();
	/* The values sit in xmm8 and xmm9 across the kill system call, during
	 * which the handler runs. */
	__asm__ __volatile__("movsd %[a], %%xmm8\n\t"
			     "movsd %[b], %%xmm9\n\t"
			     "syscall\n\t"
			     "movsd %%xmm8, %[ra]\n\t"
			     "movsd %%xmm9, %[rb]"
			     : [ra] "=m"(ra), [rb] "=m"(rb)
			     : [a] "m"(a), [b] "m"(b), "a"((long)SYS_kill), "D"(pid), "S"((long)SIGUSR1)
			     : "rcx", "r11", "memory", "xmm8", "xmm9");
	CHECK("SSE registers are kept across a handler that changes them", ra == a && rb == b);
	CHECK("the rounding mode (MXCSR, x87) is kept", fegetround() == FE_TOWARDZERO);
	fesetround(FE_TONEAREST);
	signal(SIGUSR1, SIG_DFL);
}

static void suspend(void)
{
	catch(SIGUSR1, on_info, 0, 0);
	sigset_t block, old, wait_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	hits = 0;
	pid_t pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(50);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigemptyset(&wait_mask);
	int r = sigsuspend(&wait_mask);
	kt_expect_err("sigsuspend", r, EINTR);
	kt_check_eq("sigsuspend: the handler ran", hits, 1);
	CHECK("sigsuspend: the handler ran with sigsuspend's mask", !sigismember(&mask_in_handler, SIGUSR2));
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK("after sigsuspend: SIGUSR1 is blocked again", sigismember(&now, SIGUSR1));
	waitpid(pid, NULL, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
}

static void no_restorer(void)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		struct rlimit none = { 0, 0 };
		setrlimit(RLIMIT_CORE, &none);
		/* The raw call: the C library would add its restorer. */
		struct { void (*handler)(int); unsigned long flags; void *restorer; uint64_t mask; } ka =
			{ on_second, 0, NULL, 0 };
		syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 8);
		raise(SIGUSR1);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK("a handler without SA_RESTORER: killed by SIGSEGV",
		 WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

static void run(void)
{
	alarm(30);                  /* a kernel whose handlers never run ends here, not in a hang */
	round_trips();
	sigchld_info();
	reset_and_nodefer();
	nested();
	alignment();
	sse_kept();
	suspend();
	no_restorer();
}

int main(void)
{
	return kt_run_in_session(run);
}
