/* time_clocks: every Linux clock id through clock_gettime and
 * clock_getres, gettimeofday and time agreeing with CLOCK_REALTIME, the
 * clocks moving forward and at the right pace across sleeps (relative and
 * TIMER_ABSTIME), the CPU-time clocks (also another process's, through
 * clock_getcpuclockid), and the errors of reading and setting clocks.
 *
 * Times differ from run to run, so only relations are printed ("elapsed
 * within [0.19, 2] s: yes"). Setting the clock, and sleeps until a time
 * of CLOCK_REALTIME following it, are tried only in the kernel (the
 * host's clock is not ours to move): silently, a failure shows as BAD. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <kt.h>

#define NS 1000000000LL

static const struct { int id; const char *name; } clocks[] = {
	{ CLOCK_REALTIME, "REALTIME" }, { CLOCK_MONOTONIC, "MONOTONIC" },
	{ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID" }, { CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID" },
	{ CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" }, { CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
	{ CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" }, { CLOCK_BOOTTIME, "BOOTTIME" },
	{ CLOCK_TAI, "TAI" },
};
#define NCLOCKS (int)(sizeof(clocks) / sizeof(clocks[0]))

static long long read_ns(int clock)
{
	struct timespec ts;
	if (clock_gettime(clock, &ts) != 0)
		return -1;
	return ts.tv_sec * NS + ts.tv_nsec;
}

static void yes(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "yes" : "no");
	if (!ok)
		++*kt_failures();
}

static void every_clock(void)
{
	for (int i = 0; i < NCLOCKS; i++) {
		struct timespec ts, res;
		char what[64];
		snprintf(what, sizeof(what), "clock_gettime(%s)", clocks[i].name);
		kt_check(clock_gettime(clocks[i].id, &ts) == 0 && ts.tv_nsec >= 0 && ts.tv_nsec < NS, what);
		snprintf(what, sizeof(what), "clock_getres(%s)", clocks[i].name);
		kt_check(clock_getres(clocks[i].id, &res) == 0, what);
		int coarse = clocks[i].id == CLOCK_REALTIME_COARSE || clocks[i].id == CLOCK_MONOTONIC_COARSE;
		long long r = res.tv_sec * NS + res.tv_nsec;
		snprintf(what, sizeof(what), "  resolution %s", coarse ? "1-10 ms (the tick)" : "1 ns");
		yes(what, coarse ? r >= 1000000 && r <= 10000000 : r == 1);
	}
	kt_check(clock_getres(CLOCK_MONOTONIC, NULL) == 0, "clock_getres with no buffer");
	int bad[] = { 10, 12, 16, 100, -1, 0x7fffffff };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct timespec ts;
		char what[64];
		snprintf(what, sizeof(what), "clock_gettime(%d)", bad[i]);
		kt_expect_err(what, syscall(SYS_clock_gettime, bad[i], &ts), EINVAL);
		snprintf(what, sizeof(what), "clock_getres(%d)", bad[i]);
		kt_expect_err(what, syscall(SYS_clock_getres, bad[i], &ts), EINVAL);
	}
	kt_expect_err("clock_gettime to a bad pointer", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8), EFAULT);
	kt_expect_err("gettimeofday to a bad pointer", syscall(SYS_gettimeofday, (void *)8, NULL), EFAULT);
}

/* Each answer between two readings of the clock it should agree with: a
 * preemption between the calls only widens the bracket. */
static void agreement(void)
{
	struct timeval tv;
	struct timezone tz = { 99, 99 };
	long long r0 = read_ns(CLOCK_REALTIME);
	kt_check(syscall(SYS_gettimeofday, &tv, &tz) == 0, "gettimeofday");
	long long r1 = read_ns(CLOCK_REALTIME), us = tv.tv_sec * 1000000LL + tv.tv_usec;
	yes("gettimeofday lies between two CLOCK_REALTIME readings", r0 / 1000 <= us && us <= r1 / 1000);
	yes("gettimeofday's time zone is UTC (0, 0)", tz.tz_minuteswest == 0 && tz.tz_dsttime == 0);
	yes("gettimeofday with no arguments", syscall(SYS_gettimeofday, NULL, NULL) == 0);
	r0 = read_ns(CLOCK_REALTIME);
	time_t t = time(NULL), stored = 0;
	long stored_ret = syscall(SYS_time, &stored);
	r1 = read_ns(CLOCK_REALTIME);
	yes("time() lies between two CLOCK_REALTIME readings", r0 / NS <= t && t <= r1 / NS);
	yes("time(&t) stores its result", stored_ret == stored && stored >= t && stored <= r1 / NS);
	yes("the real time is after 2024", r0 / NS > 1704067200LL);
	r0 = read_ns(CLOCK_REALTIME);
	long long tai = read_ns(CLOCK_TAI);
	r1 = read_ns(CLOCK_REALTIME);
	yes("TAI is REALTIME plus 0 to 40 s", tai >= r0 && tai - r1 < 40 * NS);
	long long mono = read_ns(CLOCK_MONOTONIC), boot = read_ns(CLOCK_BOOTTIME);
	yes("BOOTTIME is at least MONOTONIC", boot >= mono);
	/* A coarse clock may lag by a tick (Linux's: 4 ms), never lead. */
	long long m0 = read_ns(CLOCK_MONOTONIC), coarse = read_ns(CLOCK_MONOTONIC_COARSE);
	long long m1 = read_ns(CLOCK_MONOTONIC);
	yes("MONOTONIC_COARSE between MONOTONIC 10 ms earlier and MONOTONIC after", coarse >= m0 - 10000000 && coarse <= m1);
	r0 = read_ns(CLOCK_REALTIME), coarse = read_ns(CLOCK_REALTIME_COARSE), r1 = read_ns(CLOCK_REALTIME);
	yes("REALTIME_COARSE between REALTIME 10 ms earlier and REALTIME after", coarse >= r0 - 10000000 && coarse <= r1);
}

static void monotonic(void)
{
	static const int ids[] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, CLOCK_MONOTONIC_COARSE,
				   CLOCK_PROCESS_CPUTIME_ID };
	for (unsigned k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
		long long last = read_ns(ids[k]);
		int back = 0;
		for (int i = 0; i < 2000; i++) {
			long long t = read_ns(ids[k]);
			back |= t < last;
			last = t;
		}
		char what[64];
		snprintf(what, sizeof(what), "clock %d never goes back in 2000 reads", ids[k]);
		yes(what, !back);
	}
}

static void sleeps(void)
{
	long long m0 = read_ns(CLOCK_MONOTONIC), r0 = read_ns(CLOCK_REALTIME);
	kt_sleep_ms(200);
	long long m = read_ns(CLOCK_MONOTONIC) - m0, r = read_ns(CLOCK_REALTIME) - r0;
	yes("nanosleep 200 ms: MONOTONIC elapsed within [0.19, 2] s", m >= 190000000 && m < 2000000000);
	yes("nanosleep 200 ms: REALTIME elapsed within 50 ms of MONOTONIC", llabs(r - m) < 50000000);

	static const int ids[] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME, CLOCK_TAI };
	for (unsigned k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
		struct timespec until;
		clock_gettime(ids[k], &until);
		long long start = read_ns(ids[k]), deadline = until.tv_sec * NS + until.tv_nsec + 150000000;
		until.tv_sec = deadline / NS;
		until.tv_nsec = deadline % NS;
		int err = clock_nanosleep(ids[k], TIMER_ABSTIME, &until, NULL);
		long long woke = read_ns(ids[k]);
		char what[96];
		snprintf(what, sizeof(what), "clock_nanosleep(%d, TIMER_ABSTIME, now + 150 ms) woke after the deadline", ids[k]);
		yes(what, err == 0 && woke >= deadline && woke - start < 2000000000);
	}
	struct timespec past = { 1, 0 };
	yes("clock_nanosleep to a time long past returns at once",
	    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL) == 0);
	struct timespec short_sleep = { 0, 1000000 };
	kt_expect_err("clock_nanosleep(MONOTONIC_RAW)",
		      syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &short_sleep, NULL), EOPNOTSUPP);
	kt_expect_err("clock_nanosleep(MONOTONIC_COARSE)",
		      syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_COARSE, 0, &short_sleep, NULL), EOPNOTSUPP);
	kt_expect_err("clock_nanosleep(THREAD_CPUTIME_ID)",
		      syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &short_sleep, NULL), EOPNOTSUPP);
	kt_expect_err("clock_nanosleep(12)", syscall(SYS_clock_nanosleep, 12, 0, &short_sleep, NULL), EINVAL);
	struct timespec bad = { 0, NS };
	kt_expect_err("clock_nanosleep with tv_nsec 1e9",
		      syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
}

static void spin_cpu_ms(long ms)
{
	long long end = read_ns(CLOCK_PROCESS_CPUTIME_ID) + ms * 1000000LL;
	volatile unsigned x = 0;
	while (read_ns(CLOCK_PROCESS_CPUTIME_ID) < end)
		for (int i = 0; i < 20000; i++)
			x += i;
}

static void cpu_clocks(void)
{
	long long c0 = read_ns(CLOCK_PROCESS_CPUTIME_ID), t0 = read_ns(CLOCK_THREAD_CPUTIME_ID);
	long long m0 = read_ns(CLOCK_MONOTONIC);
	kt_sleep_ms(100);
	long long slept = read_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
	yes("a 100 ms sleep costs under 50 ms of CPU time", slept >= 0 && slept < 50000000);
	spin_cpu_ms(100);
	long long c = read_ns(CLOCK_PROCESS_CPUTIME_ID) - c0, t = read_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
	long long m = read_ns(CLOCK_MONOTONIC) - m0;
	yes("spinning: the CPU clock went no faster than the wall clock", c <= m + 1000000);
	yes("THREAD_CPUTIME_ID within 5 ms of PROCESS_CPUTIME_ID (one thread)", llabs(c - t) < 5000000);

	clockid_t mine, childs;
	yes("clock_getcpuclockid(0)", clock_getcpuclockid(0, &mine) == 0);
	long long via_id = read_ns(mine), direct = read_ns(CLOCK_PROCESS_CPUTIME_ID);
	yes("  reads what PROCESS_CPUTIME_ID reads", via_id > 0 && direct >= via_id && direct - via_id < 5000000);
	int pipefd[2], hold[2];
	if (pipe(pipefd) != 0 || pipe(hold) != 0)
		return;
	pid_t pid = kt_fork();
	if (pid == 0) {
		spin_cpu_ms(100);
		char c = 'x';
		write(pipefd[1], &c, 1);
		close(hold[1]);
		read(hold[0], &c, 1);   /* until the parent is done with its clock */
		_exit(0);
	}
	char ch;
	read(pipefd[0], &ch, 1);
	yes("clock_getcpuclockid(child)", clock_getcpuclockid(pid, &childs) == 0);
	long long child_time = read_ns(childs);
	yes("  the child's CPU clock shows its 100 ms of spinning (0.1 to 2 s)", child_time >= 100000000 && child_time < 2000000000);
	struct timespec ts = { 0, 0 };
	kt_expect_err("clock_settime(the child's CPU clock)", syscall(SYS_clock_settime, childs, &ts), EPERM);
	close(hold[1]);
	waitpid(pid, NULL, 0);
	kt_expect_err("clock_gettime(a reaped child's CPU clock)", syscall(SYS_clock_gettime, childs, &ts), EINVAL);
	clockid_t gone;
	printf("clock_getcpuclockid(no such process): %s\n",
	       kt_errname(clock_getcpuclockid(999999, &gone)));
}

static void setting_errors(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	kt_expect_err("clock_settime(MONOTONIC)", syscall(SYS_clock_settime, CLOCK_MONOTONIC, &now), EINVAL);
	kt_expect_err("clock_settime(BOOTTIME)", syscall(SYS_clock_settime, CLOCK_BOOTTIME, &now), EINVAL);
	kt_expect_err("clock_settime(PROCESS_CPUTIME_ID)", syscall(SYS_clock_settime, CLOCK_PROCESS_CPUTIME_ID, &now), EINVAL);
	kt_expect_err("clock_settime(TAI)", syscall(SYS_clock_settime, CLOCK_TAI, &now), EINVAL);
	kt_expect_err("clock_settime(12)", syscall(SYS_clock_settime, 12, &now), EINVAL);
	struct timespec bad = { now.tv_sec, NS };
	kt_expect_err("clock_settime(REALTIME, tv_nsec 1e9)", syscall(SYS_clock_settime, CLOCK_REALTIME, &bad), EINVAL);
	struct timespec negative = { -1, 0 };
	kt_expect_err("clock_settime(REALTIME, -1 s)", syscall(SYS_clock_settime, CLOCK_REALTIME, &negative), EINVAL);
	kt_expect_err("clock_settime(REALTIME, bad pointer)", syscall(SYS_clock_settime, CLOCK_REALTIME, (void *)8), EFAULT);
	struct timeval tv = { now.tv_sec, 1000000 };
	kt_expect_err("settimeofday(tv_usec 1e6)", syscall(SYS_settimeofday, &tv, NULL), EINVAL);
	kt_expect_err("settimeofday(bad pointer)", syscall(SYS_settimeofday, (void *)8, NULL), EFAULT);
}

/* Only in the kernel: move the clock an hour on and back. */
static void setting_in_kernel(void)
{
	if (kt_on_host())
		return;
	long long before = read_ns(CLOCK_REALTIME), mono = read_ns(CLOCK_MONOTONIC);
	struct timespec later = { before / NS + 3600, before % NS };
	int bad = clock_settime(CLOCK_REALTIME, &later) != 0;
	long long after = read_ns(CLOCK_REALTIME);
	bad |= after - before < 3600 * NS || after - before > 3601 * NS;
	bad |= read_ns(CLOCK_MONOTONIC) - mono > NS;        /* MONOTONIC did not jump */
	struct timeval back = { (after - 3600 * NS) / NS, (after - 3600 * NS) % NS / 1000 };
	bad |= settimeofday(&back, NULL) != 0;
	bad |= llabs(read_ns(CLOCK_REALTIME) - after + 3600 * NS) > NS;
	if (bad) {
		printf("setting the clock in the kernel: BAD\n");
		++*kt_failures();
	}
}

static void shift_clock(long long ns)
{
	long long at = read_ns(CLOCK_REALTIME) + ns;
	struct timespec t = { at / NS, at % NS };
	clock_settime(CLOCK_REALTIME, &t);
}

/* A child sleeping until `due` on CLOCK_REALTIME: exits 0 if it woke with
 * the clock past it. */
static pid_t wall_sleeper(long long due)
{
	pid_t child = fork();
	if (child == 0) {
		struct timespec until = { due / NS, due % NS };
		int err = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL);
		_exit(err == 0 && read_ns(CLOCK_REALTIME) >= due ? 0 : 1);
	}
	return child;
}

/* Whether the child exited 0 within `seconds` (killed if not). */
static int exited_within(pid_t child, long long seconds)
{
	long long until = read_ns(CLOCK_MONOTONIC) + seconds * NS;
	int status;
	while (waitpid(child, &status, WNOHANG) == 0) {
		if (read_ns(CLOCK_MONOTONIC) > until) {
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			return 0;
		}
		usleep(20000);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Only in the kernel: a sleep until a time of CLOCK_REALTIME ends when
 * the clock passes that time, however it gets there (clock_nanosleep(2)):
 * the clock set a minute on wakes a sleeper due in 30 s at once; set 10 s
 * back, it keeps one due in 1 s asleep past that second, until the clock
 * is set on again. */
static void wall_sleeps_follow_the_clock(void)
{
	if (kt_on_host())
		return;
	pid_t child = wall_sleeper(read_ns(CLOCK_REALTIME) + 30 * NS);
	usleep(200000);
	shift_clock(60 * NS);
	int bad = !exited_within(child, 5);
	shift_clock(-60 * NS);

	child = wall_sleeper(read_ns(CLOCK_REALTIME) + NS);
	usleep(200000);
	shift_clock(-10 * NS);
	usleep(1300000);
	bad |= waitpid(child, NULL, WNOHANG) != 0;          /* still asleep */
	shift_clock(10 * NS);
	bad |= !exited_within(child, 5);
	if (bad) {
		printf("a sleep until a time of CLOCK_REALTIME follows the clock: BAD\n");
		++*kt_failures();
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	every_clock();
	agreement();
	monotonic();
	sleeps();
	cpu_clocks();
	setting_errors();
	setting_in_kernel();
	wall_sleeps_follow_the_clock();
	return kt_status();
}
