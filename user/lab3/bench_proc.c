/* bench_proc: process figures for `make bench` (not a test: times vary).
 *
 *   getpid round trip      the cheapest system call: entry, table, return
 *   fork+exit+wait         a copy-on-write process created, ended, reaped
 *   sched_yield ping-pong  two processes taking turns on one CPU: the cost
 *                          of a context switch (the bench boots one CPU;
 *                          on the host, both are pinned to CPU 0)
 *
 * Each prints "bench: <what>: <number> <unit> (...)" for scripts/bench.py. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void bench_getpid(void)
{
	const int n = 20000;
	double t0 = now_ns();
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
	printf("bench: getpid round trip: %.0f ns (%d calls)\n", (now_ns() - t0) / n, n);
}

static void bench_fork(void)
{
	const int n = 100;
	double t0 = now_ns();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, NULL, 0) != pid) {
			printf("bench: fork failed\n");
			exit(1);
		}
	}
	printf("bench: fork+exit+wait: %.0f us (%d rounds)\n", (now_ns() - t0) / n / 1000, n);
}

static void bench_yield(void)
{
	const int n = 2000;
	if (getpid() != 1) {            /* on the host: both on one CPU */
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	fflush(stdout);
	double t0 = now_ns();
	pid_t pid = fork();
	for (int i = 0; i < n; i++)
		sched_yield();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	printf("bench: sched_yield ping-pong: %.2f us per switch (%d yields each)\n",
	       (now_ns() - t0) / (2.0 * n) / 1000, n);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	bench_getpid();
	bench_fork();
	bench_yield();
	return 0;
}
