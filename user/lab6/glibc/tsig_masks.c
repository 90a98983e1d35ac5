/* tsig_masks: each thread has its own signal mask and alternate stack.
 * A new thread starts with its creator's mask; changing it in one
 * thread leaves the others' alone. A signal sent to the process while
 * every thread blocks it waits (all see it pending); the thread that
 * unblocks it runs the handler. The alternate stack is not inherited by
 * a new thread, and setting one in a thread leaves the main thread's. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <kt.h>
#include <kt_tsig.h>

static volatile int taken_by = -1, hits;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	taken_by = kt_me;
	hits++;
}

static struct kt_chan go, done;

static void *thread_main(void *arg)
{
	kt_me = 1;
	(void)arg;
	printf("thread: starts with the main thread's mask (SIGUSR1, SIGUSR2 blocked): %s\n",
	       kt_blocked(SIGUSR1) && kt_blocked(SIGUSR2) ? "yes" : "no");
	stack_t ss;
	sigaltstack(NULL, &ss);
	printf("thread: no alternate stack of its own: %s\n", ss.ss_flags == SS_DISABLE ? "yes" : "no");
	static char stack[65536];
	stack_t mine = { .ss_sp = stack, .ss_size = sizeof(stack), .ss_flags = 0 };
	printf("thread: sigaltstack: %d\n", sigaltstack(&mine, NULL));
	kt_block(SIGUSR2, 0);
	kt_send(&done, 'd');

	kt_recv(&go);
	printf("thread: SIGUSR1 pending here too: %s\n", kt_pending(SIGUSR1) ? "yes" : "no");
	kt_block(SIGUSR1, 0);       /* the handler runs here, now */
	printf("thread: unblocked SIGUSR1: taken by thread %d\n", taken_by);
	kt_send(&done, 'd');
	kt_recv(&go);
	return NULL;
}

static void run(void)
{
	kt_catch(SIGUSR1, on_usr1);
	kt_block(SIGUSR1, 1);
	kt_block(SIGUSR2, 1);
	kt_chan_init(&go);
	kt_chan_init(&done);
	static char stack[65536];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack), .ss_flags = 0 };
	sigaltstack(&ss, NULL);

	pthread_t th;
	pthread_create(&th, NULL, thread_main, NULL);
	kt_recv(&done);
	printf("main: still blocks SIGUSR2 after the thread unblocked it: %s\n", kt_blocked(SIGUSR2) ? "yes" : "no");
	stack_t now;
	sigaltstack(NULL, &now);
	printf("main: its alternate stack unchanged: %s\n", now.ss_sp == stack && now.ss_flags == 0 ? "yes" : "no");

	kill(getpid(), SIGUSR1);
	kt_sleep_ms(50);
	printf("main: SIGUSR1 to the process, all block it: handler ran: %s, pending: %s\n",
	       hits ? "yes" : "no", kt_pending(SIGUSR1) ? "yes" : "no");
	kt_send(&go, 'g');
	kt_recv(&done);
	printf("main: pending after the thread took it: %s, handler ran %d time(s)\n",
	       kt_pending(SIGUSR1) ? "yes" : "no", hits);

	/* The thread unblocks SIGUSR1 for good; the main thread still
	 * blocks it: the next ones go to the thread, the main thread's
	 * mask never changes. */
	for (int i = 0; i < 3; i++) {
		taken_by = -1;
		kill(getpid(), SIGUSR1);
		for (int j = 0; j < 500 && taken_by < 0; j++)
			kt_sleep_ms(10);
		printf("main: SIGUSR1 to the process: taken by thread %d\n", taken_by);
	}
	printf("main: still blocks SIGUSR1: %s\n", kt_blocked(SIGUSR1) ? "yes" : "no");
	kt_send(&go, 'q');
	pthread_join(th, NULL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return kt_run_in_session(run);
}
