/* sig_bench: the signal figure for `make bench` (not a test: times vary).
 *
 *   signal delivery round trip   kill() of itself, the handler entered
 *                                on a frame the kernel built, and
 *                                rt_sigreturn back: one system call in,
 *                                a handler, one system call out
 *
 * Prints "bench: <what>: <number> <unit> (...)" for scripts/bench.py. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"

static volatile long caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	const int n = 20000;
	pid_t me = getpid();
	for (int i = 0; i < 100; i++)       /* warm up: the stack's pages, the caches */
		kill(me, SIGUSR1);
	double t0 = bench_now_ns();
	for (int i = 0; i < n; i++)
		kill(me, SIGUSR1);
	double ns = (bench_now_ns() - t0) / n;
	if (caught != n + 100) {
		fprintf(stderr, "sig_bench: %ld signals caught, %d sent\n", caught, n + 100);
		return 1;
	}
	printf("bench: signal delivery round trip: %.2f us (%d rounds: kill of itself, handler, rt_sigreturn)\n",
	       ns / 1000, n);
	return 0;
}
