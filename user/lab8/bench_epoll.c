/* bench_epoll: epoll figures for `make bench` (not a test: times vary).
 *
 *   epoll_ctl ADD              per fd, 1,000 eventfds added to one epoll
 *                              (the median of 5 rounds of ADD then DEL)
 *   epoll_wait, 1 of 1,000     one eventfd of 1,000 made ready (write),
 *                              epoll_wait returns it, read empties it
 *                              again: each epoll_wait timed, the median
 *   epoll_wait, 1 of 1         the same with one fd registered: a ready
 *                              list makes the two about equal
 *   poll, 1 of 1,000           the same 1,000 eventfds through poll(),
 *                              which looks at every one each call
 *
 * Each prints "bench: <what>: <number> <unit> (...)" for scripts/bench.py.
 * 1,000 eventfds and the epoll stay below the default limit of 1,024 fds. */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "bench.h"

enum { NFDS = 1000, ROUNDS = 5000, CTL_ROUNDS = 5, POLL_ROUNDS = 1000 };

static int efds[NFDS];
static double took[ROUNDS];

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *xs, int n)
{
	qsort(xs, n, sizeof xs[0], by_value);
	return xs[n / 2];
}

static void add_all(int ep, int n)
{
	for (int i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		if (epoll_ctl(ep, EPOLL_CTL_ADD, efds[i], &ev))
			bench_die("epoll_ctl ADD");
	}
}

static void bench_ctl(void)
{
	double per_fd[CTL_ROUNDS];
	int ep = epoll_create1(0);
	if (ep < 0)
		bench_die("epoll_create1");
	for (int r = 0; r < CTL_ROUNDS; r++) {
		double t0 = bench_now_ns();
		add_all(ep, NFDS);
		per_fd[r] = (bench_now_ns() - t0) / NFDS;
		for (int i = 0; i < NFDS; i++)
			if (epoll_ctl(ep, EPOLL_CTL_DEL, efds[i], NULL))
				bench_die("epoll_ctl DEL");
	}
	printf("bench: epoll_ctl ADD: %.2f us per fd (1,000 eventfds into one epoll, median of %d rounds)\n",
	       median(per_fd, CTL_ROUNDS) / 1000, CTL_ROUNDS);
	close(ep);
}

static void make_ready(int i)
{
	uint64_t one = 1;
	if (write(efds[i], &one, sizeof one) != sizeof one)
		bench_die("eventfd write");
}

static void make_idle(int i)
{
	uint64_t value;
	if (read(efds[i], &value, sizeof value) != sizeof value)
		bench_die("eventfd read");
}

/* n fds registered (level-triggered); a different one ready each round. */
static void bench_wait(int n)
{
	struct epoll_event evs[8];
	int ep = epoll_create1(0);
	if (ep < 0)
		bench_die("epoll_create1");
	add_all(ep, n);
	for (int r = 0; r < ROUNDS; r++) {
		int i = (int)((r * 7919l) % n);
		make_ready(i);
		double t0 = bench_now_ns();
		int got = epoll_wait(ep, evs, 8, -1);
		took[r] = bench_now_ns() - t0;
		if (got != 1 || evs[0].data.u32 != (unsigned)i)
			bench_die("epoll_wait returned something else");
		make_idle(i);
	}
	printf("bench: epoll_wait, 1 of %s fd%s ready: %.2f us (median of %d calls; eventfds)\n",
	       n == 1 ? "1" : "1,000", n == 1 ? "" : "s", median(took, ROUNDS) / 1000, ROUNDS);
	close(ep);
}

static void bench_poll(void)
{
	static struct pollfd fds[NFDS];
	for (int i = 0; i < NFDS; i++)
		fds[i] = (struct pollfd){ .fd = efds[i], .events = POLLIN };
	for (int r = 0; r < POLL_ROUNDS; r++) {
		int i = (int)((r * 7919l) % NFDS);
		make_ready(i);
		double t0 = bench_now_ns();
		int got = poll(fds, NFDS, -1);
		took[r] = bench_now_ns() - t0;
		if (got != 1 || !(fds[i].revents & POLLIN))
			bench_die("poll returned something else");
		make_idle(i);
	}
	printf("bench: poll, 1 of 1,000 fds ready: %.1f us (median of %d calls; eventfds)\n",
	       median(took, POLL_ROUNDS) / 1000, POLL_ROUNDS);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int i = 0; i < NFDS; i++)
		if ((efds[i] = eventfd(0, EFD_NONBLOCK)) < 0)
			bench_die("eventfd");
	bench_ctl();
	bench_wait(NFDS);
	bench_wait(1);
	bench_poll();
	return 0;
}
