/* tsig_target: which thread takes a signal sent to the process (Lab 6
 * exercise 4). Three threads and the main thread, all blocking SIGUSR1
 * but one, which sleeps in sigsuspend with it unblocked: kill(getpid())
 * must wake that one and run the handler there, whichever it is. The
 * main thread, when it does not block the signal, is preferred. When all
 * block it, it stays pending for the process (every thread's sigpending
 * shows it) until one takes it with sigwaitinfo. A fatal signal blocked
 * by the main thread ends the process through a thread that does not
 * block it, and once the main thread has ended, the process's signals
 * go to the thread left. The handler prints nothing: it records the
 * thread's index. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_tsig.h>

#define NTHREADS 3

static volatile int taken_by = -1, taken_twice = -1;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	if (taken_by < 0)
		taken_by = kt_me;
	else
		taken_twice = kt_me;
}

static struct worker {
	int index;
	pthread_t th;
	struct kt_chan go, done;
} workers[NTHREADS + 1];

/* Commands: 'w' wait in sigsuspend with SIGUSR1 unblocked; 'k' send
 * SIGUSR1 to the process after a pause; 's' sigwaitinfo for SIGUSR2;
 * 'q' quit. Each answers on done when finished ('r' first for 'w': about
 * to sleep). */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	kt_me = w->index;
	for (;;) {
		char cmd = kt_recv(&w->go);
		if (cmd == 'q')
			return NULL;
		if (cmd == 'w') {
			sigset_t m = kt_mask_without(SIGUSR1);
			kt_send(&w->done, 'r');
			sigsuspend(&m);
		} else if (cmd == 'k') {
			kt_sleep_ms(200);
			kill(getpid(), SIGUSR1);
		} else if (cmd == 's') {
			sigset_t s;
			siginfo_t si;
			sigemptyset(&s);
			sigaddset(&s, SIGUSR2);
			int sig = sigwaitinfo(&s, &si);
			printf("thread %d: sigwaitinfo took %s, si_code SI_USER %s\n", kt_me,
			       sig == SIGUSR2 ? "SIGUSR2" : "something else", si.si_code == SI_USER ? "yes" : "no");
		}
		kt_send(&w->done, 'd');
	}
}

/* Thread k alone does not block SIGUSR1, asleep in sigsuspend. */
static void only_one_unblocks(int k)
{
	taken_by = -1;
	kt_send(&workers[k].go, 'w');
	kt_recv(&workers[k].done);
	kt_sleep_ms(200);           /* asleep in sigsuspend by now */
	kill(getpid(), SIGUSR1);
	kt_recv(&workers[k].done);
	printf("kill(getpid(), SIGUSR1), only thread %d unblocks it: taken by thread %d\n", k, taken_by);
}

/* The main thread and thread 2 both unblock it: the main thread, the
 * one kill named, takes it; thread 2 then gets its own with pthread_kill. */
static void main_preferred(void)
{
	taken_by = taken_twice = -1;
	kt_send(&workers[2].go, 'w');
	kt_recv(&workers[2].done);
	kt_send(&workers[1].go, 'k');
	sigset_t m = kt_mask_without(SIGUSR1);
	sigsuspend(&m);
	kt_recv(&workers[1].done);
	printf("main and thread 2 unblock it: taken by thread %d\n", taken_by);
	pthread_kill(workers[2].th, SIGUSR1);
	kt_recv(&workers[2].done);
	printf("then pthread_kill to thread 2: taken by thread %d\n", taken_twice);
}

/* Everyone blocks SIGUSR2: it waits for the process, seen by all. */
static void all_block(void)
{
	taken_by = -1;
	kill(getpid(), SIGUSR2);
	kt_sleep_ms(100);
	printf("all block SIGUSR2: handler ran: %s\n", taken_by < 0 ? "no" : "yes");
	printf("pending in the main thread: %s\n", kt_pending(SIGUSR2) ? "yes" : "no");
	kt_send(&workers[3].go, 's');
	kt_recv(&workers[3].done);
	printf("pending after sigwaitinfo: %s\n", kt_pending(SIGUSR2) ? "yes" : "no");
}

static void *sleeper(void *arg)
{
	struct kt_chan *ready = arg;
	sigset_t none;
	sigemptyset(&none);
	kt_send(ready, 'r');
	sigsuspend(&none);
	return NULL;
}

/* SIGTERM (default action) to a process whose main thread blocks it and
 * whose other thread sleeps unblocking it: the process ends. */
static void fatal_through_a_thread(void)
{
	struct kt_chan ready, never;
	kt_chan_init(&ready);
	kt_chan_init(&never);
	pid_t pid = kt_fork();
	if (pid == 0) {
		pthread_t th;
		pthread_create(&th, NULL, sleeper, &ready);     /* starts unblocked... */
		kt_block(SIGTERM, 1);                           /* ...the main thread blocks it */
		kt_recv(&never);
		_exit(0);
	}
	kt_recv(&ready);
	kt_sleep_ms(200);
	kill(pid, SIGTERM);
	int status;
	waitpid(pid, &status, 0);
	printf("SIGTERM, blocked by the main thread only: killed by SIGTERM: %s\n",
	       WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? "yes" : "no");
}

static volatile int orphan_took;

static void on_usr1_then_exit(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	orphan_took = 1;
}

static void *survivor(void *arg)
{
	struct kt_chan *ready = arg;
	sigset_t none;
	sigemptyset(&none);
	kt_send(ready, 'r');
	while (!orphan_took)
		sigsuspend(&none);
	exit(7);
}

/* The main thread has ended (pthread_exit): the process lives on in its
 * other thread, which takes the signals sent to the process's pid. */
static void main_thread_gone(void)
{
	struct kt_chan ready;
	kt_chan_init(&ready);
	pid_t pid = kt_fork();
	if (pid == 0) {
		kt_catch(SIGUSR1, on_usr1_then_exit);
		kt_block(SIGUSR1, 1);   /* the thread unblocks it in sigsuspend */
		pthread_t th;
		pthread_create(&th, NULL, survivor, &ready);
		pthread_exit(NULL);
	}
	kt_recv(&ready);
	kt_sleep_ms(200);           /* the main thread has exited by now */
	kill(pid, SIGUSR1);
	int status;
	waitpid(pid, &status, 0);
	printf("main thread exited, SIGUSR1 to the pid: the other thread took it and exited %d\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void run(void)
{
	fatal_through_a_thread();
	main_thread_gone();
	kt_catch(SIGUSR1, on_usr1);
	kt_catch(SIGUSR2, on_usr1);
	kt_block(SIGUSR1, 1);
	kt_block(SIGUSR2, 1);
	for (int i = 1; i <= NTHREADS; i++) {
		workers[i].index = i;
		kt_chan_init(&workers[i].go);
		kt_chan_init(&workers[i].done);
		pthread_create(&workers[i].th, NULL, worker_main, &workers[i]);
	}
	for (int k = 1; k <= NTHREADS; k++)
		only_one_unblocks(k);
	only_one_unblocks(2);       /* again, after others took one */
	main_preferred();
	all_block();
	for (int i = 1; i <= NTHREADS; i++) {
		kt_send(&workers[i].go, 'q');
		pthread_join(workers[i].th, NULL);
	}
	printf("main thread still blocks SIGUSR1: %s\n", kt_blocked(SIGUSR1) ? "yes" : "no");
	fflush(stdout);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return kt_run_in_session(run);
}
