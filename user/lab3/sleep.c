/* sleep: timed sleeps wake neither early nor very late, and sleeping
 * processes do not hold up others.
 *
 * A sleep may never end before the requested time; it may end later, by
 * up to 100 ms here, generous because QEMU's TCG is slow. Elapsed times
 * are measured with CLOCK_MONOTONIC and only compared, never printed.
 * Finally two children sleep 150 ms and 50 ms: the short sleeper must be
 * reaped first, however the two are scheduled. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <kt.h>

#define MS		1000000LL
#define SLACK		(100 * MS)

static void check_elapsed(const char *what, long long start, long long want)
{
	long long took = kt_now_ns() - start;

	if (took < want)
		printf("%s: BAD (woke %lld us early)\n", what, (want - took) / 1000);
	else if (took >= want + SLACK)
		printf("%s: BAD (woke %lld ms late)\n", what, (took - want) / MS);
	else {
		printf("%s: ok\n", what);
		return;
	}
	++*kt_failures();
}

int main(void)
{
	struct timespec ts;
	long long t;

	/* Monotonic means never going backwards, read after read. */
	long long prev = kt_now_ns();
	int forward = 1;
	for (int i = 0; i < 1000; i++) {
		t = kt_now_ns();
		forward &= t >= prev;
		prev = t;
	}
	kt_check(forward, "CLOCK_MONOTONIC never goes backwards");

	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	kt_check(nanosleep(&ts, NULL) == 0, "nanosleep(0) returns 0");

	ts.tv_nsec = 100 * MS;
	t = kt_now_ns();
	kt_check(nanosleep(&ts, NULL) == 0, "nanosleep(100 ms) returns 0");
	check_elapsed("nanosleep(100 ms) woke on time", t, 100 * MS);

	ts.tv_nsec = 50 * MS;
	t = kt_now_ns();
	kt_check(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == 0,
		 "clock_nanosleep(CLOCK_MONOTONIC, 50 ms) returns 0");
	check_elapsed("clock_nanosleep(CLOCK_MONOTONIC, 50 ms) woke on time",
		      t, 50 * MS);

	/* An absolute deadline 80 ms from now. */
	t = kt_now_ns();
	ts.tv_sec = (t + 80 * MS) / 1000000000;
	ts.tv_nsec = (t + 80 * MS) % 1000000000;
	kt_check(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == 0,
		 "clock_nanosleep(TIMER_ABSTIME, now + 80 ms) returns 0");
	check_elapsed("clock_nanosleep(TIMER_ABSTIME, now + 80 ms) woke on time",
		      t, 80 * MS);

	/* A deadline in the past returns at once. */
	t = kt_now_ns();
	ts.tv_sec = 0;
	ts.tv_nsec = 1;
	kt_check(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == 0 &&
		 kt_now_ns() - t < SLACK,
		 "clock_nanosleep(TIMER_ABSTIME, a past deadline) returns at once");

	/* 2024-01-01 and 2100-01-01, in seconds since the epoch. */
	clock_gettime(CLOCK_REALTIME, &ts);
	kt_check(ts.tv_sec >= 1704067200 && ts.tv_sec < 4102444800,
		 "CLOCK_REALTIME is between 2024 and 2100");

	static const long naps[2] = { 150, 50 };
	pid_t pids[2];
	for (int i = 0; i < 2; i++) {
		pids[i] = kt_fork();
		if (pids[i] == 0) {
			kt_sleep_ms(naps[i]);
			_exit(i);
		}
	}
	for (int n = 0; n < 2; n++) {
		int status;
		pid_t pid = wait4(-1, &status, 0, NULL);
		int i = pid == pids[0] ? 0 : pid == pids[1] ? 1 : -1;

		if (i < 0) {
			printf("wait4(-1) returned an unknown pid\n");
			++*kt_failures();
			continue;
		}
		printf("%s to finish: child %d (%ld ms)\n", n ? "second" : "first",
		       i, naps[i]);
		if (i != 1 - n)
			++*kt_failures();
	}
	return kt_status();
}
