/* tsig_kill: signals that end a whole multi-threaded process. SIGKILL
 * to a process of four threads (asleep in a pipe read, in nanosleep, in
 * sigsuspend, and computing): the parent's wait4 says "killed by
 * SIGKILL", and none of its threads is left (kill(tid, 0): ESRCH). A
 * fault in one thread (a write through NULL, a division by zero) ends
 * the process with that signal; with a handler installed, the handler
 * runs in the faulting thread. The threads tell their tids to the parent
 * through a pipe. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_tsig.h>

#define NTHREADS 3

static int tids_fd[2];
static struct kt_chan never;
static volatile int fault_how;

static void tell_tid(void)
{
	pid_t tid = kt_gettid();
	if (write(tids_fd[1], &tid, sizeof(tid)) != sizeof(tid))
		_exit(97);
}

static volatile int zero, one = 1;

static void *thread_main(void *arg)
{
	kt_me = (int)(long)arg;
	tell_tid();
	if (kt_me == 1)
		kt_recv(&never);
	else if (kt_me == 2)
		for (;;)
			kt_sleep_ms(1000);
	else if (fault_how == 1) {
		kt_sleep_ms(200);
		*(volatile int *)(long)zero = 1;
	} else if (fault_how == 2) {
		kt_sleep_ms(200);
		printf("%d\n", one / zero);
	} else {
		sigset_t none;
		sigemptyset(&none);
		sigsuspend(&none);
	}
	return NULL;
}

/* A child of NTHREADS + 1 threads; its tids in tids[]. */
static pid_t start_child(int how, pid_t *tids)
{
	fault_how = how;
	pid_t pid = kt_fork();
	if (pid == 0) {
		for (long i = 1; i <= NTHREADS; i++) {
			pthread_t th;
			pthread_create(&th, NULL, thread_main, (void *)i);
		}
		tell_tid();
		for (;;)                /* the main thread computes */
			zero = zero;
	}
	for (int i = 0; i <= NTHREADS; i++)
		if (read(tids_fd[0], &tids[i], sizeof(pid_t)) != sizeof(pid_t))
			_exit(96);
	return pid;
}

static void all_gone(pid_t *tids)
{
	int gone = 1;
	for (int i = 0; i <= NTHREADS; i++)
		gone &= kill(tids[i], 0) == -1 && errno == ESRCH;
	printf("  none of its threads is left: %s\n", gone ? "yes" : "no");
}

static void killed(const char *what, int how, int sig)
{
	pid_t tids[NTHREADS + 1];
	pid_t pid = start_child(how, tids);
	if (sig) {
		kt_sleep_ms(100);
		kill(pid, sig);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("%s: killed by %s\n", what, !WIFSIGNALED(status) ? "nothing"
	       : WTERMSIG(status) == SIGKILL ? "SIGKILL" : WTERMSIG(status) == SIGSEGV ? "SIGSEGV"
	       : WTERMSIG(status) == SIGFPE ? "SIGFPE" : WTERMSIG(status) == SIGTERM ? "SIGTERM" : "another");
	all_gone(tids);
}

static volatile int handled_by = -1;
static sigjmp_buf *jumps[NTHREADS + 1];

static void on_fpe(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	handled_by = kt_me;
	printf("  SIGFPE handler: in thread %d, si_code FPE_INTDIV: %s\n", kt_me,
	       si->si_code == FPE_INTDIV ? "yes" : "no");
	siglongjmp(*jumps[kt_me], 1);
}

static void *divides(void *arg)
{
	sigjmp_buf jb;
	kt_me = (int)(long)arg;
	jumps[kt_me] = &jb;
	if (sigsetjmp(jb, 1) == 0)
		printf("%d\n", one / zero);
	return NULL;
}

static void run(void)
{
	if (pipe(tids_fd) != 0)
		exit(1);
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });  /* no core files on the host */
	kt_chan_init(&never);
	killed("SIGKILL to a process of 4 threads", 0, SIGKILL);
	killed("SIGTERM (default action) to it", 0, SIGTERM);
	killed("a thread writes through NULL", 1, 0);
	killed("a thread divides by zero", 2, 0);

	kt_catch(SIGFPE, on_fpe);
	for (long i = 1; i <= 2; i++) {
		pthread_t th;
		pthread_create(&th, NULL, divides, (void *)i);
		pthread_join(th, NULL);
	}
	printf("the process lives on after its threads' handled faults: yes\n");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return kt_run_in_session(run);
}
