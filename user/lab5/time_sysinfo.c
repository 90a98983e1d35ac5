/* time_sysinfo: sysinfo's fields, sane and consistent with each other
 * and with the clocks: uptime is CLOCK_BOOTTIME rounded up, memory within
 * the total, no more free swap or high memory than there is, and the
 * 1-minute load average rising above 0 while two processes spin (the
 * kernel samples every 5 s). Values differ between machines: only
 * relations are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <kt.h>

static void yes(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "yes" : "no");
	if (!ok)
		++*kt_failures();
}

static void fields(void)
{
	struct sysinfo si;
	struct timespec boot;
	kt_check(sysinfo(&si) == 0, "sysinfo");
	clock_gettime(CLOCK_BOOTTIME, &boot);
	long up = boot.tv_sec + (boot.tv_nsec > 0);
	yes("uptime is CLOCK_BOOTTIME in seconds, rounded up (within 1 s)", (long)si.uptime >= up - 1 && (long)si.uptime <= up + 1);
	unsigned long long unit = si.mem_unit;
	yes("mem_unit is a power of two", unit >= 1 && (unit & (unit - 1)) == 0);
	yes("totalram is at least 16 MiB", si.totalram * unit >= 16ull << 20);
	yes("freeram, sharedram and bufferram within totalram",
	    si.freeram <= si.totalram && si.sharedram <= si.totalram && si.bufferram <= si.totalram);
	yes("freeswap within totalswap", si.freeswap <= si.totalswap);
	yes("freehigh within totalhigh", si.freehigh <= si.totalhigh);
	yes("procs is at least 1", si.procs >= 1);
	yes("the load averages are below 1000", si.loads[0] < 1000ul << SI_LOAD_SHIFT &&
	    si.loads[1] < 1000ul << SI_LOAD_SHIFT && si.loads[2] < 1000ul << SI_LOAD_SHIFT);
	kt_expect_err("sysinfo to a bad pointer", syscall(SYS_sysinfo, (void *)8), EFAULT);
}

static void procs_count(void)
{
	struct sysinfo a, b;
	sysinfo(&a);
	pid_t kids[5];
	for (int i = 0; i < 5; i++)
		if ((kids[i] = kt_fork()) == 0) {
			sleep(30);
			_exit(0);
		}
	sysinfo(&b);
	/* Other processes come and go on the host; 5 more is the rule here. */
	yes("5 more processes: procs grew", b.procs > a.procs || kt_on_host());
	for (int i = 0; i < 5; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
}

/* Two processes (this one and a child) spin until the 1-minute average
 * is above 0, for at most 12 s: the first 5-second sample must see them. */
static void load_average(void)
{
	pid_t child = kt_fork();
	if (child == 0) {
		volatile unsigned x = 0;
		for (;;)
			x++;
	}
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct sysinfo si;
	int rose = 0;
	do {
		volatile unsigned x = 0;
		for (int i = 0; i < 1000000; i++)
			x++;
		sysinfo(&si);
		rose = si.loads[0] > 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (!rose && now.tv_sec - start.tv_sec < 12);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	yes("the 1-minute load average rose above 0 while two processes spun", rose);
	yes("  and stays below 2.1 (two tasks for a few seconds, or the host's own)",
	    si.loads[0] < (21ul << SI_LOAD_SHIFT) / 10 || kt_on_host());
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	fields();
	procs_count();
	load_average();
	return kt_status();
}
