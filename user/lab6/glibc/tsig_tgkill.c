/* tsig_tgkill: signals to one thread. tgkill and tkill to a chosen
 * thread run the handler in that thread (it records its index), as do
 * pthread_kill and pthread_sigqueue (rt_tgsigqueueinfo, with its value);
 * a thread-directed signal blocked by its thread is pending for that
 * thread alone (its sigpending shows it, the main thread's does not)
 * and runs once the thread unblocks it; a fatal one to any thread ends
 * the whole process. The errors: EINVAL for a tid or tgid <= 0 or a bad
 * signal, ESRCH for a tid of another group or of a thread that ended,
 * EPERM for rt_tgsigqueueinfo of a kernel si_code to another thread. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_tsig.h>

#define NTHREADS 3

static volatile int taken_by = -1, value_seen = -1, code_seen;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	taken_by = kt_me;
	code_seen = si->si_code;
	if (si->si_code == SI_QUEUE)
		value_seen = si->si_value.sival_int;
}

static struct worker {
	int index;
	pid_t tid;
	pthread_t th;
	struct kt_chan go, done;
} workers[NTHREADS + 1];

/* Commands: 'p' report whether SIGUSR2 is pending here (then 'y'/'n'),
 * 'u' unblock SIGUSR2 (its handler runs), 'q' quit. Otherwise the
 * thread sleeps in read, SIGUSR1 unblocked: a handler cuts the read
 * short and it reads again. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	kt_me = w->index;
	w->tid = kt_gettid();
	kt_send(&w->done, 'r');
	for (;;) {
		char cmd = kt_recv(&w->go);
		if (cmd == 'q')
			return NULL;
		if (cmd == 'p')
			kt_send(&w->done, kt_pending(SIGUSR2) ? 'y' : 'n');
		if (cmd == 'u') {
			kt_block(SIGUSR2, 0);
			kt_block(SIGUSR2, 1);
			kt_send(&w->done, 'd');
		}
	}
}

static void wait_taken(void)
{
	for (int i = 0; i < 500 && taken_by < 0; i++)
		kt_sleep_ms(10);
}

static void to_each_thread(void)
{
	for (int k = NTHREADS; k >= 1; k--) {
		taken_by = -1;
		syscall(SYS_tgkill, getpid(), workers[k].tid, SIGUSR1);
		wait_taken();
		printf("tgkill to thread %d: taken by thread %d, si_code SI_TKILL: %s\n", k, taken_by,
		       code_seen == SI_TKILL ? "yes" : "no");
	}
	taken_by = -1;
	syscall(SYS_tkill, workers[2].tid, SIGUSR1);
	wait_taken();
	printf("tkill to thread 2: taken by thread %d\n", taken_by);
	taken_by = -1;
	pthread_kill(workers[1].th, SIGUSR1);
	wait_taken();
	printf("pthread_kill to thread 1: taken by thread %d\n", taken_by);
	taken_by = -1;
	pthread_sigqueue(workers[3].th, SIGUSR1, (union sigval){ .sival_int = 42 });
	wait_taken();
	printf("pthread_sigqueue to thread 3: taken by thread %d, si_code SI_QUEUE: %s, value %d\n", taken_by,
	       code_seen == SI_QUEUE ? "yes" : "no", value_seen);
	taken_by = -1;
	pthread_kill(pthread_self(), SIGUSR1);
	printf("pthread_kill to itself, blocked: handler ran: %s, pending: %s\n", taken_by < 0 ? "no" : "yes",
	       kt_pending(SIGUSR1) ? "yes" : "no");
	kt_block(SIGUSR1, 0);
	printf("unblocked: taken by thread %d\n", taken_by);
}

/* SIGUSR2, blocked everywhere, to thread 2 alone. */
static void pending_for_one_thread(void)
{
	taken_by = -1;
	pthread_kill(workers[2].th, SIGUSR2);
	kt_sleep_ms(50);
	printf("SIGUSR2 to blocked thread 2: pending in main: %s\n", kt_pending(SIGUSR2) ? "yes" : "no");
	for (int k = 1; k <= NTHREADS; k++) {
		kt_send(&workers[k].go, 'p');
		printf("  pending in thread %d: %s\n", k, kt_recv(&workers[k].done) == 'y' ? "yes" : "no");
	}
	kt_send(&workers[1].go, 'u');
	kt_recv(&workers[1].done);
	printf("thread 1 unblocks it: handler ran: %s\n", taken_by < 0 ? "no" : "yes");
	kt_send(&workers[2].go, 'u');
	kt_recv(&workers[2].done);
	printf("thread 2 unblocks it: taken by thread %d\n", taken_by);
}

static void report(const char *what, long ret)
{
	if (ret == 0)
		printf("%s: 0\n", what);
	else
		printf("%s: -1 %s\n", what, kt_errname(errno));
}

static void errors(pid_t other_pid, pid_t ended_tid)
{
	pid_t me = getpid();
	pid_t t1 = workers[1].tid;
	report("tgkill(pid, thread, 0)", syscall(SYS_tgkill, me, t1, 0));
	report("tgkill(pid, 0, 0)", syscall(SYS_tgkill, me, 0, 0));
	report("tgkill(pid, -1, 0)", syscall(SYS_tgkill, me, -1, 0));
	report("tgkill(0, thread, 0)", syscall(SYS_tgkill, 0, t1, 0));
	report("tgkill(-1, thread, 0)", syscall(SYS_tgkill, -1, t1, 0));
	report("tgkill(pid, thread, 65)", syscall(SYS_tgkill, me, t1, 65));
	report("tgkill(pid, thread, -1)", syscall(SYS_tgkill, me, t1, -1));
	report("tgkill(other pid, thread, 0)", syscall(SYS_tgkill, other_pid, t1, 0));
	report("tgkill(other pid, other pid, 0)", syscall(SYS_tgkill, other_pid, other_pid, 0));
	report("tgkill(other pid, ended thread, 65)", syscall(SYS_tgkill, other_pid, ended_tid, 65));
	report("tgkill(pid, ended thread, 0)", syscall(SYS_tgkill, me, ended_tid, 0));
	report("tkill(thread, 0)", syscall(SYS_tkill, t1, 0));
	report("tkill(0, 0)", syscall(SYS_tkill, 0, 0));
	report("tkill(-5, 0)", syscall(SYS_tkill, -5, 0));
	report("tkill(thread, 100)", syscall(SYS_tkill, t1, 100));
	report("tkill(ended thread, 0)", syscall(SYS_tkill, ended_tid, 0));
	report("tkill(other pid, 0)", syscall(SYS_tkill, other_pid, 0));
	report("kill(thread, 0)", kill(t1, 0));
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	report("rt_tgsigqueueinfo(pid, 0, ...)", syscall(SYS_rt_tgsigqueueinfo, me, 0, SIGUSR1, &si));
	report("rt_tgsigqueueinfo(0, thread, ...)", syscall(SYS_rt_tgsigqueueinfo, 0, t1, SIGUSR1, &si));
	report("rt_tgsigqueueinfo(other pid, thread, ...)",
	       syscall(SYS_rt_tgsigqueueinfo, other_pid, t1, SIGUSR1, &si));
	si.si_code = SI_USER;
	report("rt_tgsigqueueinfo SI_USER to another thread",
	       syscall(SYS_rt_tgsigqueueinfo, me, t1, SIGUSR1, &si));
	si.si_code = SI_TKILL;
	report("rt_tgsigqueueinfo SI_TKILL to another thread",
	       syscall(SYS_rt_tgsigqueueinfo, me, t1, SIGUSR1, &si));
	taken_by = -1;
	report("rt_tgsigqueueinfo SI_USER to itself",
	       syscall(SYS_rt_tgsigqueueinfo, me, kt_gettid(), SIGUSR1, &si));
	printf("  taken by thread %d\n", taken_by);
}

static void *ends_at_once(void *arg)
{
	*(pid_t *)arg = kt_gettid();
	return NULL;
}

static void *sleeps(void *arg)
{
	pid_t tid = kt_gettid();
	if (write(*(int *)arg, &tid, sizeof(tid)) != sizeof(tid))
		_exit(97);
	for (;;)
		pause();
}

/* tgkill(SIGTERM) to a thread that is not the main one: the default
 * action ends the whole process. */
static void fatal_to_one_thread(void)
{
	int fd[2];
	if (pipe(fd) != 0)
		_exit(99);
	pid_t pid = kt_fork();
	if (pid == 0) {
		pthread_t th;
		pthread_create(&th, NULL, sleeps, &fd[1]);
		for (;;)
			pause();
	}
	pid_t tid = 0;
	if (read(fd[0], &tid, sizeof(tid)) != sizeof(tid))
		_exit(96);
	kt_sleep_ms(100);
	report("tgkill(child, its second thread, SIGTERM)", syscall(SYS_tgkill, pid, tid, SIGTERM));
	int status;
	waitpid(pid, &status, 0);
	printf("the whole process killed by SIGTERM: %s\n",
	       WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? "yes" : "no");
}

static void run(void)
{
	fatal_to_one_thread();
	/* Another process for the errors, forked before any thread. */
	struct kt_chan ready;
	kt_chan_init(&ready);
	pid_t other = kt_fork();
	if (other == 0) {
		kt_send(&ready, 'r');
		for (;;)
			pause();
	}
	kt_recv(&ready);
	kt_catch(SIGUSR1, on_sig);
	kt_catch(SIGUSR2, on_sig);
	kt_block(SIGUSR2, 1);
	for (int i = 1; i <= NTHREADS; i++) {
		workers[i].index = i;
		kt_chan_init(&workers[i].go);
		kt_chan_init(&workers[i].done);
		pthread_create(&workers[i].th, NULL, worker_main, &workers[i]);
		kt_recv(&workers[i].done);
	}
	kt_block(SIGUSR1, 1);       /* the main thread takes none of the workers' */
	to_each_thread();           /* ends with SIGUSR1 unblocked in the main thread */
	pending_for_one_thread();

	pid_t ended_tid = 0;
	pthread_t th;
	pthread_create(&th, NULL, ends_at_once, &ended_tid);
	pthread_join(th, NULL);
	kt_sleep_ms(100);           /* join returns as the tid is cleared, a little before the end */
	errors(other, ended_tid);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	for (int i = 1; i <= NTHREADS; i++) {
		kt_send(&workers[i].go, 'q');
		pthread_join(workers[i].th, NULL);
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return kt_run_in_session(run);
}
