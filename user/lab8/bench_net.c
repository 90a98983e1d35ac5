/* bench_net: socket figures for `make bench` (not a test: times vary).
 *
 *   TCP loopback bandwidth     32 MiB one way between two processes over
 *                              127.0.0.1, in 64 KiB writes and reads, timed
 *                              to the last byte's arrival
 *   TCP loopback EOF after     the last byte's arrival to the EOF of the
 *     the last byte            writer's close (its exit), read by the reader
 *   TCP loopback round trip    1 byte there and back (TCP_NODELAY on
 *                              both ends), each timed: the median
 *   AF_UNIX stream bandwidth   the same over a socketpair (and its EOF)
 *   AF_UNIX stream round trip  the same over a socketpair
 *
 * Each prints "bench: <what>: <number> <unit> (...)" for scripts/bench.py.
 * The bench boots one CPU; on the host, both processes are pinned to CPU 0. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

enum { CHUNK = 64 * 1024, MIB = 32, ROUNDS = 2000, WARM_UP = 20 };

/* Two connected TCP sockets on 127.0.0.1: the listener's port from
 * bind(0), the connect completed by the stack before accept. */
static void tcp_pair(int fds[2])
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof addr;
	int one = 1;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&addr, sizeof addr) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&addr, &len))
		bench_die("listen");
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&addr, sizeof addr))
		bench_die("connect");
	fds[1] = accept(l, NULL, NULL);
	if (fds[1] < 0)
		bench_die("accept");
	close(l);
	for (int i = 0; i < 2; i++)
		if (setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one))
			bench_die("TCP_NODELAY");
}

static void unix_pair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
		bench_die("socketpair");
}

/* MIB MiB from a child writing fds[1] to this process reading fds[0]. */
static void bandwidth(const char *what, int fds[2])
{
	static char buf[CHUNK];
	memset(buf, 'k', sizeof buf);
	double t0 = bench_now_ns();
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (long left = MIB * 1024l * 1024; left > 0;) {
			long put = write(fds[1], buf, CHUNK);
			if (put <= 0)
				_exit(1);
			left -= put;
		}
		_exit(0);
	}
	close(fds[1]);
	long total = 0, got;
	double t1 = t0;
	while ((got = read(fds[0], buf, CHUNK)) > 0) {
		total += got;
		t1 = bench_now_ns();
	}
	double eof = bench_now_ns();
	bench_wait_for(pid);
	if (total != MIB * 1024l * 1024)
		bench_die("short transfer");
	printf("bench: %s bandwidth: %.1f MB/s (%d MiB one way between two processes, 64 KiB writes)\n",
	       what, MIB / ((t1 - t0) / 1e9), MIB);
	printf("bench: %s EOF after the last byte: %.1f us (the writer's close as it exits)\n",
	       what, (eof - t1) / 1e3);
	close(fds[0]);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* A child echoes each byte back on fds[1]; each round trip is timed. */
static void round_trip(const char *what, int fds[2])
{
	static double took[ROUNDS];
	char c = 'k';
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (int i = 0; i < WARM_UP + ROUNDS; i++)
			if (read(fds[1], &c, 1) != 1 || write(fds[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	for (int i = 0; i < WARM_UP + ROUNDS; i++) {
		double t0 = bench_now_ns();
		if (write(fds[0], &c, 1) != 1 || read(fds[0], &c, 1) != 1)
			bench_die("round trip");
		if (i >= WARM_UP)
			took[i - WARM_UP] = bench_now_ns() - t0;
	}
	bench_wait_for(pid);
	qsort(took, ROUNDS, sizeof took[0], by_value);
	printf("bench: %s round trip: %.1f us (median of %d, 1 byte each way between two processes)\n",
	       what, took[ROUNDS / 2] / 1000, ROUNDS);
	close(fds[0]);
}

int main(void)
{
	int fds[2];
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (getpid() != 1) {            /* on the host: both on one CPU */
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	tcp_pair(fds);
	bandwidth("TCP loopback", fds);
	tcp_pair(fds);
	round_trip("TCP loopback", fds);
	unix_pair(fds);
	bandwidth("AF_UNIX stream", fds);
	unix_pair(fds);
	round_trip("AF_UNIX stream", fds);
	return 0;
}
