/* time_usage: CPU time really accounted. getrusage and times show the
 * time a process spent spinning as user time (system time small), a
 * child's times in wait4's rusage and, once it is waited for, in
 * RUSAGE_CHILDREN and tms_cutime (with the grandchildren it waited for),
 * context switches after sleeps, page faults after touching new memory,
 * and ru_maxrss (the process's and the largest child's). Only relations are printed: times vary. The upper bounds are
 * loose: a spin checks its CPU clock between chunks of work, and on a
 * busy host a chunk can take long (in QEMU, the TSC runs on while the
 * virtual CPU waits for the host). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <kt.h>

static long long cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Spins in user mode until ms of CPU time went by. */
static void spin_cpu_ms(long ms)
{
	long long end = cpu_ns() + ms * 1000000LL;
	volatile unsigned x = 0;
	while (cpu_ns() < end)
		for (int i = 0; i < 50000; i++)
			x += i;
}

static double secs(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static void yes(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "yes" : "no");
	if (!ok)
		++*kt_failures();
}

static struct rusage usage(int who)
{
	struct rusage ru;
	if (getrusage(who, &ru) != 0)
		printf("getrusage(%d): %s\n", who, kt_errname(errno));
	return ru;
}

static void self(void)
{
	struct rusage a = usage(RUSAGE_SELF);
	spin_cpu_ms(300);
	struct rusage b = usage(RUSAGE_SELF);
	double u = secs(b.ru_utime) - secs(a.ru_utime), s = secs(b.ru_stime) - secs(a.ru_stime);
	yes("spinning 0.3 s of CPU: utime + stime grew by 0.28 to 1.5 s", u + s >= 0.28 && u + s < 1.5);
	yes("  utime grew by at least 0.2 s", u >= 0.2);
	yes("  stime grew by less than 0.1 s", s < 0.1);
	struct rusage th = usage(RUSAGE_THREAD), after = usage(RUSAGE_SELF);
	double t = secs(th.ru_utime) + secs(th.ru_stime);
	yes("RUSAGE_THREAD between two RUSAGE_SELF readings (one thread)",
	    t >= secs(b.ru_utime) + secs(b.ru_stime) - 0.001 && t <= secs(after.ru_utime) + secs(after.ru_stime) + 0.001);

	struct rusage c = usage(RUSAGE_SELF);
	kt_sleep_ms(50);
	kt_sleep_ms(50);
	struct rusage d = usage(RUSAGE_SELF);
	yes("two sleeps: at least two voluntary context switches", d.ru_nvcsw - c.ru_nvcsw >= 2);
	char *p = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 64; i++)
		p[i * 4096] = 1;
	struct rusage e = usage(RUSAGE_SELF);
	yes("touching 64 new pages: at least 64 minor faults", e.ru_minflt - d.ru_minflt >= 64);
	munmap(p, 64 * 4096);
	size_t big = 16 << 20;
	char *q = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (size_t i = 0; i < big; i += 4096)
		q[i] = 1;
	struct rusage f = usage(RUSAGE_SELF);
	/* At least 15 MiB: Linux's RSS counters are per-CPU and read
	 * approximately, a few hundred KiB short at times. */
	yes("touching 16 MiB: ru_maxrss at least 15 MiB (in KiB)", f.ru_maxrss >= 15 * 1024);
	munmap(q, big);
	struct rusage g = usage(RUSAGE_SELF);
	yes("  and it stays the maximum after munmap", g.ru_maxrss >= f.ru_maxrss);
	kt_expect_err("getrusage(RUSAGE_BOTH, -2)", syscall(SYS_getrusage, -2, &e), EINVAL);
	kt_expect_err("getrusage(5)", syscall(SYS_getrusage, 5, &e), EINVAL);
	kt_expect_err("getrusage to a bad pointer", syscall(SYS_getrusage, RUSAGE_SELF, (void *)8), EFAULT);
}

/* A child that spins child_ms and first waits for a grandchild that spins
 * grandchild_ms. */
static pid_t spinning_child(long child_ms, long grandchild_ms)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		if (grandchild_ms) {
			pid_t g = kt_fork();
			if (g == 0) {
				spin_cpu_ms(grandchild_ms);
				_exit(0);
			}
			waitpid(g, NULL, 0);
		}
		if (grandchild_ms) {    /* and holds 24 MiB, for ru_maxrss */
			size_t big = 24 << 20;
			char *p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			for (size_t i = 0; i < big; i += 4096)
				p[i] = 1;
		}
		spin_cpu_ms(child_ms);
		_exit(0);
	}
	return pid;
}

static void children(void)
{
	struct rusage before = usage(RUSAGE_CHILDREN);
	pid_t pid = spinning_child(200, 200);
	siginfo_t si;
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);     /* it ended, not yet waited for */
	struct rusage pending = usage(RUSAGE_CHILDREN);
	yes("a child that ended but is not waited for: not in RUSAGE_CHILDREN",
	    secs(pending.ru_utime) == secs(before.ru_utime));
	struct rusage ru;
	int status;
	yes("wait4 reaps it", wait4(pid, &status, 0, &ru) == pid && WIFEXITED(status));
	double w = secs(ru.ru_utime) + secs(ru.ru_stime);
	yes("  wait4's rusage: the child's 0.2 s and its child's 0.2 s (0.38 to 2 s)", w >= 0.38 && w < 2);
	yes("  wait4's ru_maxrss: the child's 24 MiB (at least 23, in KiB)", ru.ru_maxrss >= 23 * 1024);
	struct rusage after = usage(RUSAGE_CHILDREN);
	double c = secs(after.ru_utime) + secs(after.ru_stime) - secs(before.ru_utime) - secs(before.ru_stime);
	yes("  RUSAGE_CHILDREN grew by as much", c >= w - 0.001 && c <= w + 0.001);
	yes("  RUSAGE_CHILDREN's ru_maxrss is the largest child's: at least 23 MiB", after.ru_maxrss >= 23 * 1024);
}

static void times_call(void)
{
	long hz = sysconf(_SC_CLK_TCK);
	printf("sysconf(_SC_CLK_TCK): %ld\n", hz);
	struct tms a, b;
	clock_t t0 = times(&a);
	yes("times() returns a tick count, not an error", t0 != (clock_t)-1);
	spin_cpu_ms(300);
	pid_t pid = spinning_child(200, 0);
	waitpid(pid, NULL, 0);
	kt_sleep_ms(200);
	clock_t t1 = times(&b);
	long real = t1 - t0, user = b.tms_utime - a.tms_utime, sys = b.tms_stime - a.tms_stime;
	long cuser = b.tms_cutime - a.tms_cutime, csys = b.tms_cstime - a.tms_cstime;
	yes("times: elapsed ticks at least 0.7 s worth", real >= 7 * hz / 10 && real < 30 * hz);
	yes("times: user + system ticks of the 0.3 s spin (25 to 150)", user + sys >= 25 && user + sys <= 150);
	yes("times: the child's 0.2 s in cutime + cstime (15 to 100)", cuser + csys >= 15 && cuser + csys <= 100);
	yes("times(NULL) works too", syscall(SYS_times, NULL) != -1);
	kt_expect_err("times to a bad pointer", syscall(SYS_times, (void *)8), EFAULT);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	self();
	children();
	times_call();
	return kt_status();
}
