/* sys_nprocs: glibc's idea of the number of CPUs. get_nprocs() (and so
 * sysconf(_SC_NPROCESSORS_ONLN), which thread pools size themselves by)
 * reads /sys/devices/system/cpu/online; get_nprocs_conf() counts the
 * cpuK directories. Both must be the CPUs QEMU was given, which are the
 * CPUs this process may run on. Then with the process bound to CPU 0
 * get_nprocs() must still count them all: it reports the machine, not
 * the affinity (only when /sys and /proc cannot be read does glibc fall
 * back to sched_getaffinity). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/sysinfo.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	printf("glibc: %s: %s\n", what, ok ? "ok" : "BAD");
	failures += !ok;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	cpu_set_t set;
	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof(set), &set);
	int n = CPU_COUNT(&set);
	check(get_nprocs() == n, "get_nprocs() is the number of CPUs");
	check(get_nprocs_conf() == n, "get_nprocs_conf() too");
	check(sysconf(_SC_NPROCESSORS_ONLN) == n && sysconf(_SC_NPROCESSORS_CONF) == n,
	      "sysconf(_SC_NPROCESSORS_ONLN/CONF) too");
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	check(sched_setaffinity(0, sizeof(set), &set) == 0 && get_nprocs() == n,
	      "bound to CPU 0, get_nprocs() still counts every CPU");
	return failures ? 1 : 0;
}
