/* tsig_sigwait: the classic pattern of threaded servers. The main thread
 * blocks SIGUSR1, SIGHUP, SIGALRM and SIGTERM before it starts any
 * thread, so every thread blocks them; one dedicated thread takes them
 * with sigwait, in order, while workers compute: kill() from another
 * process, alarm(), and raise() (which is thread-directed, so raised in
 * a worker it waits for that worker: sigwait in the dedicated thread
 * never sees it; the worker finds it pending and takes it itself with
 * sigwaitinfo). SIGTERM ends the waiter's loop; no handler is installed
 * at all, so a signal that reached a thread not blocking it would kill
 * the process. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_tsig.h>

#define NWORKERS 3

static struct kt_chan took, next_step;
static volatile int stop_workers;
static volatile unsigned long work[NWORKERS + 1];

static const char *name(int sig)
{
	switch (sig) {
	case SIGUSR1: return "SIGUSR1";
	case SIGHUP: return "SIGHUP";
	case SIGALRM: return "SIGALRM";
	case SIGTERM: return "SIGTERM";
	}
	return "other";
}

static void *waiter(void *arg)
{
	sigset_t *set = arg;
	kt_me = NWORKERS + 1;
	for (;;) {
		int sig = 0;
		if (sigwait(set, &sig) != 0)
			return NULL;
		printf("waiter: sigwait took %s\n", name(sig));
		kt_send(&took, 'd');
		if (sig == SIGTERM)
			return NULL;
	}
}

static void *worker(void *arg)
{
	kt_me = (int)(long)arg;
	while (!stop_workers) {
		work[kt_me]++;
		kt_sleep_ms(1);
		if (kt_me == 1 && work[kt_me] == 10) {
			raise(SIGUSR1);     /* tgkill to itself */
			kt_send(&next_step, 'r');
		}
	}
	if (kt_me == 1) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		struct timespec zero = { 0, 0 };
		siginfo_t si;
		int sig = sigtimedwait(&s, &si, &zero);
		printf("worker 1: its raise()d %s was waiting for it\n", name(sig));
	}
	return NULL;
}

static void run(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* The other process that sends them, started before any thread
	 * (no fork while threads write memory): it sends each signal it
	 * reads from the pipe. */
	struct kt_chan orders;
	kt_chan_init(&orders);
	pid_t sender = kt_fork();
	if (sender == 0) {
		char sig;
		while ((sig = kt_recv(&orders)) != 0)
			kill(getppid(), sig);
		_exit(0);
	}
	kt_chan_init(&took);
	kt_chan_init(&next_step);
	pthread_t w, workers[NWORKERS + 1];
	pthread_create(&w, NULL, waiter, &set);
	for (long i = 1; i <= NWORKERS; i++)
		pthread_create(&workers[i], NULL, worker, (void *)i);

	/* Signals from another process, one at a time. */
	int sigs[] = { SIGUSR1, SIGHUP, SIGUSR1 };
	for (int i = 0; i < 3; i++) {
		kt_send(&orders, (char)sigs[i]);
		kt_recv(&took);
	}
	kt_send(&orders, 0);
	waitpid(sender, NULL, 0);
	alarm(1);
	kt_recv(&took);
	kt_recv(&next_step);        /* worker 1 raised SIGUSR1: the waiter must not take it */
	kt_sleep_ms(200);
	printf("main: pending in the main thread: SIGUSR1 %s\n", kt_pending(SIGUSR1) ? "yes" : "no");
	kill(getpid(), SIGTERM);
	kt_recv(&took);
	pthread_join(w, NULL);
	stop_workers = 1;
	for (int i = 1; i <= NWORKERS; i++)
		pthread_join(workers[i], NULL);
	int all = 1;
	for (int i = 1; i <= NWORKERS; i++)
		all &= work[i] > 0;
	printf("main: every worker worked meanwhile: %s\n", all ? "yes" : "no");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return kt_run_in_session(run);
}
