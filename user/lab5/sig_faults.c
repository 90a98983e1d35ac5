/* sig_faults: what the CPU refuses becomes a signal a handler catches,
 * with Linux's si_code, si_addr, trap number and error code: a read of
 * an unmapped address (SEGV_MAPERR), a write to a read-only page
 * (SEGV_ACCERR, fixed up by the handler with mprotect, after which the
 * write succeeds), a page of a mapped file past its end (SIGBUS,
 * BUS_ADRERR), a division by zero (FPE_INTDIV: the handler sets %rax and
 * skips the instruction), ud2 (ILL_ILLOPN), int3 (SIGTRAP), a privileged
 * instruction (SIGSEGV, SI_KERNEL). rt_sigreturn is given flags and a
 * mask user space may not choose: they do not stick, and a %rip no CPU
 * can return to is the program's SIGSEGV. A fault with
 * SIGSEGV blocked or ignored kills.
 *
 * Runs in a child with a session of its own (kt_run_in_session). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <kt.h>

#define CHECK(what, ok) kt_check(ok, what)

static sigjmp_buf back;
static volatile int *volatile unmapped = (int *)0x10;  /* hidden from the compiler */
static siginfo_t got;
static greg_t trapno, err, cr2, rip;
static volatile int jump_back;
static void (*volatile fixup)(ucontext_t *uc);
/* What the handler wrote is read only after this (the compiler cannot
 * see that a faulting instruction runs the handler). */
#define BARRIER() __asm__ __volatile__("" ::: "memory")

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	got = *si;
	trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	err = uc->uc_mcontext.gregs[REG_ERR];
	cr2 = uc->uc_mcontext.gregs[REG_CR2];
	rip = uc->uc_mcontext.gregs[REG_RIP];
	if (fixup)
		fixup(uc);
	if (jump_back)
		siglongjmp(back, 1);
}

static void catch_all(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void report(const char *what, int sig, int code)
{
	char line[96];
	BARRIER();
	snprintf(line, sizeof(line), "%s: si_signo", what);
	kt_check_eq(line, got.si_signo, sig);
	snprintf(line, sizeof(line), "%s: si_code", what);
	kt_check_eq(line, got.si_code, code);
	printf("%s: trapno %ld, error code %#lx\n", what, (long)trapno, (long)err);
}

static void unmapped_read(void)
{
	jump_back = 1;
	if (sigsetjmp(back, 1) == 0) {
		(void)*unmapped;
		printf("unmapped read: no signal\n");
	}
	report("unmapped read", SIGSEGV, SEGV_MAPERR);
	CHECK("unmapped read: si_addr is the address", got.si_addr == (void *)0x10);
	CHECK("unmapped read: cr2 is the address", cr2 == 0x10);
	jump_back = 0;
}

static char *ro_page;

static void make_writable(ucontext_t *uc)
{
	(void)uc;
	mprotect(ro_page, 4096, PROT_READ | PROT_WRITE);
}

static void readonly_write(void)
{
	ro_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page[0] = 1;
	mprotect(ro_page, 4096, PROT_READ);
	fixup = make_writable;
	BARRIER();
	*(volatile char *)(ro_page + 8) = 42;   /* faults once; made again after the fixup */
	BARRIER();
	fixup = NULL;
	report("read-only write", SIGSEGV, SEGV_ACCERR);
	CHECK("read-only write: si_addr is the address", got.si_addr == ro_page + 8);
	CHECK("after the handler's mprotect the write went through", ro_page[8] == 42);
	munmap(ro_page, 4096);
}

static void past_eof(void)
{
	int fd = open("/tmp/kt-sig-faults", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "0123456789", 10);
	char *m = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	jump_back = 1;
	if (sigsetjmp(back, 1) == 0) {
		(void)*(volatile char *)(m + 4096 + 100);
		printf("past the end: no signal\n");
	}
	jump_back = 0;
	report("past the end of a mapped file", SIGBUS, BUS_ADRERR);
	CHECK("past the end: si_addr is the address", got.si_addr == m + 4096 + 100);
	munmap(m, 2 * 4096);
	close(fd);
	unlink("/tmp/kt-sig-faults");
}

/* Instructions that trap, each between two labels. */
extern char div_insn[], div_after[], ud_insn[], ud_after[], bp_after[], hlt_insn[], hlt_after[];

__attribute__((noinline)) static long divide(long a, long b)
{
	long q;
	__asm__ __volatile__("cqo\n"
			     "div_insn:\n\t"
			     "idivq %[b]\n"
			     "div_after:"
			     : "=a"(q) : "a"(a), [b] "r"(b) : "rdx");
	return q;
}

static void set_rax_skip_div(ucontext_t *uc)
{
	uc->uc_mcontext.gregs[REG_RAX] = 42;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)div_after;
}

static void skip_ud(ucontext_t *uc)
{
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)ud_after;
}

static void skip_hlt(ucontext_t *uc)
{
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)hlt_after;
}

/* What rt_sigreturn must refuse: IOPL 3, interrupts off, SIGKILL blocked. */
static void tamper(ucontext_t *uc)
{
	uc->uc_mcontext.gregs[REG_EFL] = (uc->uc_mcontext.gregs[REG_EFL] | 0x3000) & ~0x200;
	sigfillset(&uc->uc_sigmask);
}

static void cpu_traps(void)
{
	fixup = set_rax_skip_div;
	long q = divide(7, 0);
	report("divide by zero", SIGFPE, FPE_INTDIV);
	CHECK("divide by zero: si_addr is the instruction", got.si_addr == div_insn);
	kt_check_eq("divide by zero: the handler's %rax is the result", q, 42);

	fixup = skip_ud;
	__asm__ __volatile__("ud_insn: ud2\nud_after:");
	report("ud2", SIGILL, ILL_ILLOPN);
	CHECK("ud2: si_addr is the instruction", got.si_addr == ud_insn);

	fixup = tamper;
	uint64_t flags;
	__asm__ __volatile__("int3\nbp_after:\n\tpushfq\n\tpopq %0" : "=r"(flags));
	report("int3", SIGTRAP, got.si_code);
	printf("int3: si_code %d, si_addr %s\n", got.si_code, got.si_addr ? "set" : "NULL");
	CHECK("int3: the saved %rip is after it", rip == (greg_t)bp_after);
	CHECK("after sigreturn: IOPL is still 0", (flags & 0x3000) == 0);
	CHECK("after sigreturn: interrupts are still on", (flags & 0x200) != 0);
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK("after sigreturn: the frame's mask is in place", sigismember(&now, SIGUSR1));
	CHECK("after sigreturn: but not SIGKILL or SIGSTOP", !sigismember(&now, SIGKILL) && !sigismember(&now, SIGSTOP));
	sigemptyset(&now);
	sigprocmask(SIG_SETMASK, &now, NULL);

	fixup = skip_hlt;
	__asm__ __volatile__("hlt_insn: hlt\nhlt_after:");
	report("hlt in user mode", SIGSEGV, SI_KERNEL);
	CHECK("hlt: si_addr is NULL", got.si_addr == NULL);
	CHECK("hlt: the saved %rip is the instruction", rip == (greg_t)hlt_insn);
	fixup = NULL;
}

/* A fault whose signal cannot be caught: the default action kills. */
static void fatal(const char *what, int how)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		struct rlimit none = { 0, 0 };
		setrlimit(RLIMIT_CORE, &none);
		if (how == 0) {
			sigset_t s;
			sigemptyset(&s);
			sigaddset(&s, SIGSEGV);
			sigprocmask(SIG_BLOCK, &s, NULL);
		} else {
			signal(SIGSEGV, SIG_IGN);
		}
		(void)*unmapped;
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	char line[96];
	snprintf(line, sizeof(line), "a fault with SIGSEGV %s: killed by SIGSEGV", what);
	CHECK(line, WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

/* A frame whose %rip no CPU can return to (non-canonical): Linux's iret
 * faults, and the program gets SIGSEGV, not the kernel. */
static void bad_rip(ucontext_t *uc)
{
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)0x8000000000000000ull;
}

static void noncanonical_return(void)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		struct rlimit none = { 0, 0 };
		setrlimit(RLIMIT_CORE, &none);
		fixup = bad_rip;
		signal(SIGSEGV, SIG_DFL);
		raise(SIGTRAP);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK("sigreturn to a non-canonical %rip: killed by SIGSEGV",
	      WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

static void run(void)
{
	catch_all();
	unmapped_read();
	readonly_write();
	past_eof();
	cpu_traps();
	fatal("blocked", 0);
	fatal("ignored", 1);
	noncanonical_return();
}

int main(void)
{
	return kt_run_in_session(run);
}
