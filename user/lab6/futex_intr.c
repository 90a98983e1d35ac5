/* futex_intr: signals and a FUTEX_WAIT, as Linux answers them. A
 * handled signal ends a wait without a timeout with EINTR, unless the
 * handler has SA_RESTART: then the wait goes on (the call is made again)
 * and a later wake ends it. A wait with a timeout ends with EINTR even
 * with SA_RESTART. A stop and SIGCONT do not end a wait: with a timeout
 * it goes on to the same deadline (restart_syscall). Ignored and blocked
 * signals do not end it; SIGKILL always does. The sleeper is a child;
 * the parent signals it once the kernel has it queued. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <kt_futex.h>

struct shared {
	uint32_t word;
	int handled;
	long result, err;
	long long took_ms;
};
static volatile struct shared *S;

static void on_usr1(int sig)
{
	(void)sig;
	S->handled++;
}

enum how { HANDLER, HANDLER_RESTART, IGNORED, BLOCKED, DEFAULT };

static void setup(enum how how)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = how == IGNORED ? SIG_IGN : on_usr1;
	sa.sa_flags = how == HANDLER_RESTART ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);
	if (how == BLOCKED) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
}

static pid_t sleeper(enum how how, long timeout_ms)
{
	S->word = 0;
	S->handled = 0;
	S->result = S->err = -99;
	pid_t pid = kt_fork();
	if (pid == 0) {
		setup(how);
		struct timespec ts = { timeout_ms / 1000, timeout_ms % 1000 * 1000000 };
		long long start = kt_now_ns();
		S->result = kt_futex(&S->word, FUTEX_WAIT, 0, timeout_ms ? &ts : NULL, NULL, 0);
		S->err = S->result < 0 ? errno : 0;
		S->took_ms = (kt_now_ns() - start) / 1000000;
		_exit(0);
	}
	kt_futex_need_sleepers("the sleeper", &S->word, 0, 1);
	return pid;
}

static void report(const char *what, pid_t pid)
{
	int status;
	waitpid(pid, &status, 0);
	printf("%s: %s, handler ran %d time(s)\n", what,
	       S->result == 0 ? "woken (0)" : S->result == -99 ? "no result" : kt_futex_errname(S->err), S->handled);
}

/* Signals the sleeper; then, if it must still be asleep, checks that and
 * wakes it. */
static void signal_then_wake(const char *what, enum how how, bool still_asleep)
{
	pid_t pid = sleeper(how, 0);
	kill(pid, SIGUSR1);
	if (still_asleep) {
		/* Wait until the signal was taken, then until it sleeps again. */
		for (int i = 0; i < 100 && how == HANDLER_RESTART && !S->handled; i++)
			kt_sleep_ms(10);
		if (how != HANDLER_RESTART)
			kt_sleep_ms(100);
		printf("%s: still asleep after the signal: %s\n", what,
		       kt_futex_wait_sleepers(&S->word, 0, 1) ? "ok" : "BAD");
		kt_futex(&S->word, FUTEX_WAKE, 1, NULL, NULL, 0);
	}
	report(what, pid);
}

/* Stops the sleeper and continues it. */
static void stop_cont(const char *what, long timeout_ms)
{
	pid_t pid = sleeper(DEFAULT, timeout_ms);
	int status;
	kill(pid, SIGSTOP);
	waitpid(pid, &status, WUNTRACED);
	kill(pid, SIGCONT);
	if (!timeout_ms) {
		printf("%s: asleep again after SIGCONT: %s\n", what,
		       kt_futex_wait_sleepers(&S->word, 0, 1) ? "ok" : "BAD");
		kt_futex(&S->word, FUTEX_WAKE, 1, NULL, NULL, 0);
	}
	report(what, pid);
	if (timeout_ms)
		printf("%s: ended at the first deadline: %s\n", what,
		       S->took_ms >= timeout_ms - 1 && S->took_ms < timeout_ms + 3000 ? "ok" : "BAD");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	S = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	signal_then_wake("handler, no timeout", HANDLER, false);
	signal_then_wake("handler with SA_RESTART, no timeout", HANDLER_RESTART, true);
	signal_then_wake("ignored signal", IGNORED, true);
	signal_then_wake("blocked signal", BLOCKED, true);

	pid_t pid = sleeper(HANDLER_RESTART, 5000);
	kill(pid, SIGUSR1);
	report("handler with SA_RESTART, 5 s timeout", pid);

	stop_cont("SIGSTOP and SIGCONT, no timeout", 0);
	stop_cont("SIGSTOP and SIGCONT, 300 ms timeout", 300);

	pid = sleeper(DEFAULT, 0);
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	printf("SIGKILL: the sleeper is killed: %s\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? "ok" : "BAD");
	return 0;
}
