/* signals_basic: generating and queueing signals, without handlers:
 * kill (sig 0, bad signals, a process group), default actions ending a
 * child (SIGTERM, SIGKILL, abort), a blocked signal kept pending and
 * acting once unblocked, SIGCHLD as a pending signal with its siginfo,
 * sigtimedwait and sigpending, and children reaped automatically when
 * SIGCHLD is ignored.
 *
 * Everything runs in a child with a session of its own, so it behaves
 * the same as the kernel's first process and on Linux. Children wait
 * for their fate in short sleeps, which a fatal signal cuts short. No
 * pids or times are printed, only relations. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>

/* "what: exit N" or "what: killed by signal N". */
static void show_status(const char *what, int status)
{
	if (WIFEXITED(status))
		printf("%s: exit %d\n", what, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", what, WTERMSIG(status));
	else
		printf("%s: status %#x\n", what, status);
}

static void mask(int how, int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, NULL);
}

static void idle_forever(void)
{
	for (;;)
		kt_sleep_ms(20);
}

/* A child that runs setup, says it is ready on a pipe, then runs wait
 * (NULL: idles). */
static pid_t child_ready(void (*setup)(void), void (*wait)(void))
{
	int p[2];
	if (pipe(p) < 0) {
		perror("pipe");
		exit(2);
	}
	pid_t pid = kt_fork();
	if (pid == 0) {
		close(p[0]);
		if (setup)
			setup();
		write(p[1], "r", 1);
		if (wait)
			wait();
		idle_forever();
	}
	char c;
	close(p[1]);
	read(p[0], &c, 1);
	close(p[0]);
	return pid;
}

/* Takes SIGCHLD (blocked) from the pending set, waiting up to 10 s. */
static int take_sigchld(siginfo_t *si)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	struct timespec ts = { 10, 0 };
	return sigtimedwait(&s, si, &ts);
}

static void drain_sigchld(void)
{
	sigset_t s;
	siginfo_t si;
	struct timespec zero = { 0, 0 };
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	while (sigtimedwait(&s, &si, &zero) > 0)
		;
}

static void kill_checks(void)
{
	kt_check(kill(getpid(), 0) == 0, "kill(me, 0): I exist");
	kt_expect_err("kill(me, 65)", kill(getpid(), 65), EINVAL);
	kt_expect_err("kill(me, -1)", kill(getpid(), -1), EINVAL);
	pid_t pid = kt_fork();
	if (pid == 0)
		_exit(0);
	int status;
	waitpid(pid, &status, 0);
	kt_expect_err("kill(a collected child, 0)", kill(pid, 0), ESRCH);
	kt_expect_err("kill(a collected child, 65): no target, no check", kill(pid, 65), ESRCH);
}

static void block_sigterm(void)
{
	mask(SIG_BLOCK, SIGTERM);
}

static void default_actions(void)
{
	int status;
	pid_t pid = child_ready(NULL, NULL);
	kt_check(kill(pid, SIGTERM) == 0, "kill(child, SIGTERM)");
	kt_check(waitpid(pid, &status, 0) == pid, "waitpid collects it");
	show_status("child sent SIGTERM", status);

	pid = child_ready(NULL, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	show_status("child sent SIGKILL", status);

	/* SIGTERM blocked: SIGKILL still works. */
	pid = child_ready(block_sigterm, NULL);
	kill(pid, SIGTERM);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	show_status("child blocking SIGTERM, sent SIGTERM then SIGKILL", status);

	/* SIGCHLD and SIGWINCH by default are ignored; SIGUSR1 is not. */
	pid = child_ready(NULL, NULL);
	kill(pid, SIGCHLD);
	kill(pid, SIGWINCH);
	kill(pid, SIGCONT);
	kill(pid, SIGUSR1);
	waitpid(pid, &status, 0);
	show_status("child sent SIGCHLD, SIGWINCH, SIGCONT, then SIGUSR1", status);
}

/* A child blocks SIGTERM, is sent it, sees it pending, unblocks it, dies. */
static void blocked_then_unblocked(void)
{
	int go[2], ready[2];
	if (pipe(go) < 0 || pipe(ready) < 0) {
		perror("pipe");
		exit(2);
	}
	pid_t pid = kt_fork();
	if (pid == 0) {
		char c;
		mask(SIG_BLOCK, SIGTERM);
		write(ready[1], "r", 1);
		read(go[0], &c, 1);
		sigset_t pend;
		sigpending(&pend);
		kt_check(sigismember(&pend, SIGTERM), "child: SIGTERM pending while blocked");
		kt_check(!sigismember(&pend, SIGUSR2), "child: SIGUSR2 not pending");
		fflush(stdout);
		mask(SIG_UNBLOCK, SIGTERM);
		printf("child: still alive after unblocking SIGTERM: BAD\n");
		_exit(3);
	}
	char c;
	read(ready[0], &c, 1);
	kill(pid, SIGTERM);
	write(go[1], "g", 1);
	int status;
	waitpid(pid, &status, 0);
	show_status("child unblocking a pending SIGTERM", status);
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
}

static void sigchld_pending(void)
{
	mask(SIG_BLOCK, SIGCHLD);
	pid_t pid = kt_fork();
	if (pid == 0)
		_exit(7);
	sigset_t pend;
	int tries = 0;
	do {
		kt_sleep_ms(10);
		sigpending(&pend);
	} while (!sigismember(&pend, SIGCHLD) && ++tries < 1000);
	kt_check(sigismember(&pend, SIGCHLD), "SIGCHLD pending (blocked) once the child exits");
	kt_check(kill(pid, 0) == 0, "kill(zombie child, 0): it still exists");
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	int sig = take_sigchld(&si);
	kt_check_eq("sigtimedwait returns", sig, SIGCHLD);
	kt_check_eq("si_signo", si.si_signo, SIGCHLD);
	kt_check_eq("si_code is CLD_EXITED", si.si_code, CLD_EXITED);
	kt_check_eq("si_status is the exit code", si.si_status, 7);
	kt_check(si.si_pid == pid, "si_pid is the child's pid");
	kt_check_eq("si_uid", si.si_uid, getuid());
	sigpending(&pend);
	kt_check(!sigismember(&pend, SIGCHLD), "SIGCHLD no longer pending");
	int status;
	kt_check(waitpid(pid, &status, 0) == pid, "waitpid still collects the child");
	show_status("the child", status);

	/* A child killed: CLD_KILLED with the signal. */
	pid = child_ready(NULL, NULL);
	kill(pid, SIGKILL);
	sig = take_sigchld(&si);
	kt_check_eq("killed child: sigtimedwait returns", sig, SIGCHLD);
	kt_check_eq("killed child: si_code is CLD_KILLED", si.si_code, CLD_KILLED);
	kt_check_eq("killed child: si_status is the signal", si.si_status, SIGKILL);
	kt_check(si.si_pid == pid, "killed child: si_pid is its pid");
	waitpid(pid, &status, 0);
	drain_sigchld();
	mask(SIG_UNBLOCK, SIGCHLD);
}

/* Sleeps in sigtimedwait for SIGUSR2 (not blocked) rather than idling. */
static void wait_for_sigusr2(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	struct timespec ts = { 10, 0 };
	sigtimedwait(&s, NULL, &ts);
	_exit(1);
}

static void sigtimedwait_calls(void)
{
	sigset_t s;
	siginfo_t si;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	mask(SIG_BLOCK, SIGUSR2);
	struct timespec short_wait = { 0, 50 * 1000 * 1000 }, zero = { 0, 0 }, bad = { 0, 2000000000 };
	kt_expect_err("sigtimedwait, nothing comes in 50 ms", sigtimedwait(&s, &si, &short_wait), EAGAIN);
	kt_expect_err("sigtimedwait, zero timeout", sigtimedwait(&s, &si, &zero), EAGAIN);
	kt_expect_err("sigtimedwait, tv_nsec 2e9", sigtimedwait(&s, &si, &bad), EINVAL);
	kt_expect_err("rt_sigtimedwait, sigsetsize 4", syscall(SYS_rt_sigtimedwait, &s, &si, &zero, 4), EINVAL);
	kt_expect_err("rt_sigtimedwait, bad set", syscall(SYS_rt_sigtimedwait, (void *)8, &si, &zero, 8), EFAULT);

	/* kill to myself: SI_USER; raise (tkill): SI_TKILL. */
	kill(getpid(), SIGUSR2);
	memset(&si, 0, sizeof(si));
	kt_check_eq("kill(me, SIGUSR2) blocked, then sigtimedwait", sigtimedwait(&s, &si, &zero), SIGUSR2);
	kt_check_eq("si_code is SI_USER", si.si_code, SI_USER);
	kt_check(si.si_pid == getpid(), "si_pid is mine");
	raise(SIGUSR2);
	raise(SIGUSR2);         /* a standard signal does not queue twice */
	kt_check_eq("raise(SIGUSR2) twice, then sigtimedwait", sigwaitinfo(&s, &si), SIGUSR2);
	kt_check_eq("si_code is SI_TKILL", si.si_code, SI_TKILL);
	kt_expect_err("a second sigtimedwait: only one was pending", sigtimedwait(&s, &si, &zero), EAGAIN);
	kt_expect_err("tgkill with another tgid", syscall(SYS_tgkill, getpid() + 1000000, gettid(), SIGUSR2), ESRCH);
	kt_expect_err("tgkill with tid 0", syscall(SYS_tgkill, getpid(), 0, SIGUSR2), EINVAL);
	kt_check(syscall(SYS_tgkill, getpid(), gettid(), 0) == 0, "tgkill(me, 0)");
	kt_expect_err("rt_sigpending, sigsetsize 16", syscall(SYS_rt_sigpending, &s, 16), EINVAL);

	/* Waited for but not blocked, with its default action: it is not
	 * taken, it ends the waiting process (why programs block first). */
	mask(SIG_UNBLOCK, SIGUSR2);
	pid_t pid = child_ready(NULL, wait_for_sigusr2);
	kill(pid, SIGUSR2);
	int status;
	waitpid(pid, &status, 0);
	show_status("child in sigtimedwait for an unblocked SIGUSR2, sent it", status);

	/* Ignoring a pending signal discards it. */
	mask(SIG_BLOCK, SIGUSR2);
	kill(getpid(), SIGUSR2);
	signal(SIGUSR2, SIG_IGN);
	sigset_t pend;
	sigpending(&pend);
	kt_check(!sigismember(&pend, SIGUSR2), "SIG_IGN discards a pending SIGUSR2");
	signal(SIGUSR2, SIG_DFL);
	mask(SIG_UNBLOCK, SIGUSR2);
}

static void auto_reap(void)
{
	int status;
	signal(SIGCHLD, SIG_IGN);
	pid_t pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(50);
		_exit(5);
	}
	kt_expect_err("SIGCHLD ignored: waitpid(child)", waitpid(pid, &status, 0), ECHILD);
	kt_expect_err("... and waitpid(-1)", waitpid(-1, &status, 0), ECHILD);
	kt_expect_err("... and kill(child, 0)", kill(pid, 0), ESRCH);
	signal(SIGCHLD, SIG_DFL);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	mask(SIG_BLOCK, SIGCHLD);
	pid = kt_fork();
	if (pid == 0)
		_exit(6);
	kt_expect_err("SA_NOCLDWAIT: waitpid(-1)", waitpid(-1, &status, 0), ECHILD);
	siginfo_t si;
	kt_check_eq("SA_NOCLDWAIT: SIGCHLD still sent", take_sigchld(&si), SIGCHLD);
	kt_check_eq("... with the exit code", si.si_status, 6);
	mask(SIG_UNBLOCK, SIGCHLD);
	sa.sa_flags = 0;
	sigaction(SIGCHLD, &sa, NULL);

	pid = kt_fork();
	if (pid == 0)
		_exit(4);
	kt_check(waitpid(pid, &status, 0) == pid, "SIGCHLD back to SIG_DFL: waitpid collects the child");
	show_status("the child", status);
}

static void process_group(void)
{
	pid_t leader = child_ready(NULL, NULL);
	setpgid(leader, leader);
	pid_t member = child_ready(NULL, NULL);
	kt_check(setpgid(member, leader) == 0, "a second child joins the first's group");
	kt_check(kill(-leader, 0) == 0, "kill(-group, 0)");

	/* The leader sends SIGTERM to its own group: kill(0, ...). */
	int go[2];
	if (pipe(go) < 0) {
		perror("pipe");
		exit(2);
	}
	pid_t sender = kt_fork();
	if (sender == 0) {
		char c;
		read(go[0], &c, 1);
		kill(0, SIGTERM);
		kt_sleep_ms(5000);
		_exit(9);
	}
	setpgid(sender, leader);
	write(go[1], "g", 1);
	int status;
	waitpid(sender, &status, 0);
	show_status("the child calling kill(0, SIGTERM)", status);
	waitpid(leader, &status, 0);
	show_status("the group's leader", status);
	waitpid(member, &status, 0);
	show_status("the group's other member", status);
	kt_expect_err("kill(-group, 0) once they are gone", kill(-leader, 0), ESRCH);
	kt_check(kill(0, 0) == 0, "kill(0, 0): my own group");
	close(go[0]);
	close(go[1]);
}

static void raise_and_abort(void)
{
	signal(SIGUSR1, SIG_IGN);
	kt_check(raise(SIGUSR1) == 0, "raise(SIGUSR1) ignored: still here");
	signal(SIGUSR1, SIG_DFL);

	pid_t pid = kt_fork();
	if (pid == 0) {
		struct rlimit none = { 0, 0 };
		setrlimit(RLIMIT_CORE, &none);     /* no core file on the host */
		abort();
	}
	int status;
	waitpid(pid, &status, 0);
	show_status("child calling abort()", status);

	pid = kt_fork();
	if (pid == 0) {
		raise(SIGTERM);
		_exit(1);
	}
	waitpid(pid, &status, 0);
	show_status("child calling raise(SIGTERM)", status);
}

static void test(void)
{
	setsid();
	kill_checks();
	default_actions();
	blocked_then_unblocked();
	sigchld_pending();
	sigtimedwait_calls();
	auto_reap();
	process_group();
	raise_and_abort();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	pid_t pid = kt_fork();
	if (pid == 0) {
		test();
		exit(kt_status());
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}
