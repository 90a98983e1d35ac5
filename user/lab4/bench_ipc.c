/* bench_ipc: process and pipe figures for `make bench` (not a test: times
 * vary).
 *
 *   fork+exec+wait       a child that execs this program again (argument
 *                        "exit": it exits at once), waited for
 *   pipe ping-pong       one byte there and back between two processes
 *                        over two pipes: two wakeups per round trip
 *   pipe bandwidth       64 MiB through a pipe in 4 KiB writes and reads
 *
 * Each prints "bench: <what>: <number> <unit> (...)" for scripts/bench.py.
 * The bench boots one CPU; on the host, both processes are pinned to CPU 0. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

static void bench_exec(const char *self)
{
	const int n = 50;
	double t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execl(self, self, "exit", (char *)NULL);
			_exit(127);
		}
		bench_wait_for(pid);
	}
	printf("bench: fork+exec+wait: %.0f us (%d rounds, a small static program)\n",
	       (bench_now_ns() - t0) / n / 1000, n);
}

static void bench_ping_pong(void)
{
	const int n = 2000;
	int there[2], back[2];
	char c = 'k';
	if (pipe(there) || pipe(back))
		bench_die("pipe");
	double t0 = bench_now_ns();
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < n; i++)
			if (read(there[0], &c, 1) != 1 || write(back[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	for (int i = 0; i < n; i++)
		if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1)
			bench_die("ping-pong");
	bench_wait_for(pid);
	printf("bench: pipe ping-pong: %.2f us per round trip (%d rounds)\n",
	       (bench_now_ns() - t0) / n / 1000, n);
	close(there[0]), close(there[1]), close(back[0]), close(back[1]);
}

static void bench_bandwidth(void)
{
	enum { CHUNK = 4096, MB = 64 };
	static char buf[CHUNK];
	int p[2];
	if (pipe(p))
		bench_die("pipe");
	memset(buf, 'k', sizeof buf);
	double t0 = bench_now_ns();
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < MB * 1024 * 1024 / CHUNK; i++)
			if (write(p[1], buf, CHUNK) != CHUNK)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	long total = 0, got;
	while ((got = read(p[0], buf, CHUNK)) > 0)
		total += got;
	bench_wait_for(pid);
	if (total != MB * 1024l * 1024)
		bench_die("short pipe transfer");
	printf("bench: pipe bandwidth: %.1f MB/s (%d MiB in 4 KiB writes)\n",
	       MB / ((bench_now_ns() - t0) / 1e9), MB);
	close(p[0]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exit") == 0)
		return 0;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (getpid() != 1) {            /* on the host: both on one CPU */
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	bench_exec(argv[0]);
	bench_ping_pong();
	bench_bandwidth();
	bench_clock_marks();
	return 0;
}
