/* Shared by the bench_* programs (make bench): the clock, the two
 * "bench-clock:" lines that let scripts/bench.py compare the guest's clock
 * with the host's (the time between the lines, by each), and giving up. */
#pragma once
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

/* A bench has no figure to give once a call fails: say which, stop. */
static inline _Noreturn void bench_die(const char *what)
{
	perror(what);
	exit(1);
}

/* Waits for a child the bench forked; one that failed fails the bench. */
static inline void bench_wait_for(pid_t pid)
{
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		bench_die("child");
}

static inline double bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Call last, with stdout unbuffered: 21 lines "bench-clock: <i> <ns>"
 * with the guest's time, 100 ms apart, while the guest is otherwise idle.
 * Each reaches the host a little late, by a delay that varies up to tens
 * of milliseconds on a loaded machine; scripts/bench_linux.py takes the
 * least delayed line of each half, so the skew it finds is off by about
 * a millisecond over a second (0.1%), not by the delays. */
static inline void bench_clock_marks(void)
{
	struct timespec tenth = { 0, 100000000 };
	for (int i = 0; i <= 20; i++) {
		if (i)
			nanosleep(&tenth, NULL);
		printf("bench-clock: %d %.0f\n", i, bench_now_ns());
	}
}
