/* tsig_stop: job control of a multi-threaded process. A child of four
 * threads, each counting in memory it shares with its parent; the
 * parent stops it with SIGSTOP, with SIGTSTP (default action), and with
 * SIGSTOP sent by tgkill to one of its threads: wait4(WUNTRACED) reports
 * each stop once, and no thread counts on while it is stopped. SIGCONT
 * makes every thread count again (WCONTINUED reports it once). SIGKILL
 * ends it while stopped. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_tsig.h>

#define NTHREADS 4

static volatile unsigned long *counts;
static int tid_fd[2];

static void *count(void *arg)
{
	int me = (int)(long)arg;
	if (me == 2) {
		pid_t tid = kt_gettid();
		if (write(tid_fd[1], &tid, sizeof(tid)) != sizeof(tid))
			_exit(97);
	}
	for (;;) {
		counts[me]++;
		kt_sleep_ms(1);
	}
	return NULL;
}

static void snapshot(unsigned long *s)
{
	for (int i = 0; i < NTHREADS; i++)
		s[i] = counts[i];
}

/* Whether every thread counts: each count moves within 5 s. */
static int all_counting(void)
{
	unsigned long s[NTHREADS];
	snapshot(s);
	for (int tries = 0; tries < 500; tries++) {
		int all = 1;
		for (int i = 0; i < NTHREADS; i++)
			all &= counts[i] != s[i];
		if (all)
			return 1;
		kt_sleep_ms(10);
	}
	for (int i = 0; i < NTHREADS; i++)     /* only a broken kernel prints these */
		printf("  thread %d counted from %lu to %lu\n", i, s[i], counts[i]);
	return 0;
}

static const char *status_text(int st)
{
	static char buf[64];
	if (WIFSTOPPED(st))
		snprintf(buf, sizeof(buf), "stopped by %s", WSTOPSIG(st) == SIGSTOP ? "SIGSTOP"
			 : WSTOPSIG(st) == SIGTSTP ? "SIGTSTP" : "another");
	else if (WIFCONTINUED(st))
		snprintf(buf, sizeof(buf), "continued");
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by %s", WTERMSIG(st) == SIGKILL ? "SIGKILL" : "another");
	else
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(st));
	return buf;
}

static void stop_and_go(pid_t pid, const char *how, int sig, pid_t tid)
{
	if (tid)
		syscall(SYS_tgkill, pid, tid, sig);
	else
		kill(pid, sig);
	int st = 0;
	pid_t got = waitpid(pid, &st, WUNTRACED);
	printf("%s: wait4(WUNTRACED): %s\n", how, got == pid ? status_text(st) : "nothing");
	unsigned long a[NTHREADS], b[NTHREADS];
	snapshot(a);
	kt_sleep_ms(300);
	snapshot(b);
	int still = 1;
	for (int i = 0; i < NTHREADS; i++)
		still &= a[i] == b[i];
	printf("  no thread counts while stopped: %s\n", still ? "yes" : "no");
	got = waitpid(pid, &st, WUNTRACED | WNOHANG);
	printf("  the stop is reported once: %s\n", got == 0 ? "yes" : "no");
	kill(pid, SIGCONT);
	got = waitpid(pid, &st, WCONTINUED);
	printf("  SIGCONT: wait4(WCONTINUED): %s\n", got == pid ? status_text(st) : "nothing");
	printf("  every thread counts again: %s\n", all_counting() ? "yes" : "no");
	got = waitpid(pid, &st, WCONTINUED | WNOHANG);
	printf("  the continue is reported once: %s\n", got == 0 ? "yes" : "no");
}

static void run(void)
{
	counts = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED || pipe(tid_fd) != 0)
		exit(1);
	counts[0] = 0;              /* the page exists before fork (Kestrel shares only pages that do) */
	pid_t pid = kt_fork();
	if (pid == 0) {
		setpgid(0, 0);          /* a group that is not orphaned: SIGTSTP stops it */
		for (long i = 1; i < NTHREADS; i++) {
			pthread_t th;
			pthread_create(&th, NULL, count, (void *)i);
		}
		count(0);
	}
	pid_t tid = 0;
	if (read(tid_fd[0], &tid, sizeof(tid)) != sizeof(tid))
		exit(1);
	printf("every thread counts: %s\n", all_counting() ? "yes" : "no");
	stop_and_go(pid, "SIGSTOP to the process", SIGSTOP, 0);
	stop_and_go(pid, "SIGTSTP to the process", SIGTSTP, 0);
	stop_and_go(pid, "SIGSTOP to its third thread (tgkill)", SIGSTOP, tid);

	kill(pid, SIGSTOP);
	int st;
	waitpid(pid, &st, WUNTRACED);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	printf("SIGKILL while stopped: %s\n", status_text(st));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return kt_run_in_session(run);
}
