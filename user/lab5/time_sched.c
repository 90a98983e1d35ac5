/* time_sched: the scheduling calls' values and errors, as Linux gives
 * them: priority ranges of every policy, policies and priorities set and
 * read back (in children, which end with them), nice values through
 * getpriority/setpriority/nice (the raw call's 20 - nice), inheritance
 * across fork, SCHED_RESET_ON_FORK, CPU affinity masks, and
 * sched_rr_get_interval. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>

/* musl's sched_setscheduler and sched_setparam are stubs that say ENOSYS
 * (it leaves scheduling policies to threads): the raw calls. */
static int set_scheduler(int policy, int prio)
{
	struct sched_param p = { .sched_priority = prio };
	return syscall(SYS_sched_setscheduler, 0, policy, &p);
}

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

static void yes(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "yes" : "no");
	if (!ok)
		++*kt_failures();
}

/* Runs fn in a child (so the caller keeps its own settings). */
static void in_child(void (*fn)(void))
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		fn();
		fflush(stdout);
		_exit(kt_status());
	}
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		++*kt_failures();
}

static void ranges(void)
{
	int policies[] = { SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE };
	for (unsigned i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
		printf("policy %d: priorities %ld..%ld\n", policies[i],
		       syscall(SYS_sched_get_priority_min, policies[i]), syscall(SYS_sched_get_priority_max, policies[i]));
	kt_expect_err("sched_get_priority_max(4)", syscall(SYS_sched_get_priority_max, 4), EINVAL);
	kt_expect_err("sched_get_priority_min(-1)", syscall(SYS_sched_get_priority_min, -1), EINVAL);
}

static void show(const char *when)
{
	struct sched_param p = { .sched_priority = -1 };
	long policy = syscall(SYS_sched_getscheduler, 0);
	syscall(SYS_sched_getparam, 0, &p);
	printf("%s: policy %ld, priority %d\n", when, policy, p.sched_priority);
}

static void set_policies(void)
{
	show("at start");
	kt_check(set_scheduler(SCHED_BATCH, 0) == 0, "SCHED_BATCH");
	show("batch");
	kt_check(set_scheduler(SCHED_FIFO, 10) == 0, "SCHED_FIFO, priority 10");
	show("fifo");
	struct sched_param twenty = { .sched_priority = 20 };
	kt_check(syscall(SYS_sched_setparam, 0, &twenty) == 0, "sched_setparam 20");
	show("fifo, setparam");
	struct timespec ts;
	kt_check(sched_rr_get_interval(0, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec == 0, "SCHED_FIFO's interval is 0");
	kt_check(set_scheduler(SCHED_RR, 10) == 0, "SCHED_RR, priority 10");
	show("rr");
	kt_check(sched_rr_get_interval(0, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec == 100000000,
		 "SCHED_RR's interval is 100 ms");
	kt_check(set_scheduler(SCHED_OTHER | SCHED_RESET_ON_FORK, 0) == 0, "SCHED_OTHER | SCHED_RESET_ON_FORK");
	show("reset on fork");
	kt_check(set_scheduler(SCHED_IDLE, 0) == 0, "SCHED_IDLE");
	show("idle");
	kt_check(set_scheduler(SCHED_OTHER, 0) == 0, "back to SCHED_OTHER");
	show("other");
}

static void policy_errors(void)
{
	struct sched_param zero = { .sched_priority = 0 }, five = { .sched_priority = 5 }, big = { .sched_priority = 100 }, negative = { .sched_priority = -1 };
	kt_expect_err("SCHED_FIFO with priority 0", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &zero), EINVAL);
	kt_expect_err("SCHED_RR with priority 100", syscall(SYS_sched_setscheduler, 0, SCHED_RR, &big), EINVAL);
	kt_expect_err("SCHED_FIFO with priority -1", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &negative), EINVAL);
	kt_expect_err("SCHED_OTHER with priority 5", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &five), EINVAL);
	kt_expect_err("policy 4", syscall(SYS_sched_setscheduler, 0, 4, &zero), EINVAL);
	kt_expect_err("policy -1", syscall(SYS_sched_setscheduler, 0, -1, &zero), EINVAL);
	kt_expect_err("SCHED_DEADLINE through sched_setscheduler", syscall(SYS_sched_setscheduler, 0, SCHED_DEADLINE, &zero), EINVAL);
	kt_expect_err("sched_setscheduler(pid -1)", syscall(SYS_sched_setscheduler, -1, SCHED_OTHER, &zero), EINVAL);
	kt_expect_err("sched_setscheduler(NULL param)", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL);
	kt_expect_err("sched_setscheduler(bad param)", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, (void *)8), EFAULT);
	kt_expect_err("sched_setscheduler(no such pid)", syscall(SYS_sched_setscheduler, 999999, SCHED_OTHER, &zero), ESRCH);
	kt_expect_err("sched_setparam(priority 5 for SCHED_OTHER)", syscall(SYS_sched_setparam, 0, &five), EINVAL);
	kt_expect_err("sched_getscheduler(-1)", syscall(SYS_sched_getscheduler, -1), EINVAL);
	kt_expect_err("sched_getscheduler(no such pid)", syscall(SYS_sched_getscheduler, 999999), ESRCH);
	kt_expect_err("sched_getparam(NULL)", syscall(SYS_sched_getparam, 0, NULL), EINVAL);
	kt_expect_err("sched_getparam(bad pointer)", syscall(SYS_sched_getparam, 0, (void *)8), EFAULT);
	kt_expect_err("sched_getparam(no such pid)", syscall(SYS_sched_getparam, 999999, &zero), ESRCH);
	struct timespec ts;
	kt_expect_err("sched_rr_get_interval(-1)", syscall(SYS_sched_rr_get_interval, -1, &ts), EINVAL);
	kt_expect_err("sched_rr_get_interval(no such pid)", syscall(SYS_sched_rr_get_interval, 999999, &ts), ESRCH);
	kt_expect_err("sched_rr_get_interval(bad pointer)", syscall(SYS_sched_rr_get_interval, 0, (void *)8), EFAULT);
	yes("SCHED_OTHER has an interval too", sched_rr_get_interval(0, &ts) == 0 && ts.tv_sec == 0);
}

static void child_shows(void) { show("  the fork child"); }

static void inheritance(void)
{
	set_scheduler(SCHED_RR, 10);
	setpriority(PRIO_PROCESS, 0, 4);
	in_child(child_shows);
	printf("  the fork child's nice: ");
	fflush(stdout);
	pid_t pid = kt_fork();
	if (pid == 0) {
		printf("%d\n", getpriority(PRIO_PROCESS, 0));
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	set_scheduler(SCHED_RR | SCHED_RESET_ON_FORK, 10);
	setpriority(PRIO_PROCESS, 0, -5);
	show("with SCHED_RESET_ON_FORK");
	in_child(child_shows);
	pid = kt_fork();
	if (pid == 0) {
		printf("  the fork child's nice after a reset: %d\n", getpriority(PRIO_PROCESS, 0));
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

static void nice_values(void)
{
	printf("getpriority: %d\n", getpriority(PRIO_PROCESS, 0));
	printf("raw getpriority (20 - nice): %ld\n", syscall(SYS_getpriority, PRIO_PROCESS, 0));
	kt_check(setpriority(PRIO_PROCESS, 0, 5) == 0, "setpriority 5");
	printf("getpriority: %d, raw %ld\n", getpriority(PRIO_PROCESS, 0), syscall(SYS_getpriority, PRIO_PROCESS, 0));
	errno = 0;
	printf("nice(3): %d\n", nice(3));
	printf("getpriority(PRIO_PROCESS, own pid): %d\n", getpriority(PRIO_PROCESS, getpid()));
	printf("getpriority(PRIO_PGRP, 0) at most 8: %s\n", getpriority(PRIO_PGRP, 0) <= 8 ? "yes" : "no");
	kt_check(setpriority(PRIO_PROCESS, 0, 100) == 0, "setpriority 100");
	printf("clamped to: %d\n", getpriority(PRIO_PROCESS, 0));
	kt_check(setpriority(PRIO_PROCESS, 0, -100) == 0, "setpriority -100 (root)");
	printf("clamped to: %d, raw %ld\n", getpriority(PRIO_PROCESS, 0), syscall(SYS_getpriority, PRIO_PROCESS, 0));
	kt_expect_err("getpriority(3, 0)", syscall(SYS_getpriority, 3, 0), EINVAL);
	kt_expect_err("getpriority(-1, 0)", syscall(SYS_getpriority, -1, 0), EINVAL);
	kt_expect_err("setpriority(3, 0, 0)", syscall(SYS_setpriority, 3, 0, 0), EINVAL);
	kt_expect_err("getpriority(no such pid)", syscall(SYS_getpriority, PRIO_PROCESS, 999999), ESRCH);
	kt_expect_err("setpriority(no such pid)", syscall(SYS_setpriority, PRIO_PROCESS, 999999, 0), ESRCH);
	kt_expect_err("getpriority(no such group)", syscall(SYS_getpriority, PRIO_PGRP, 999999), ESRCH);
	setpriority(PRIO_PROCESS, 0, 0);
}

static void affinity(void)
{
	cpu_set_t set;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	CPU_ZERO(&set);
	long n = syscall(SYS_sched_getaffinity, 0, sizeof(set), &set);
	yes("sched_getaffinity returns the mask's size: whole longs, within the buffer",
	    n > 0 && n % 8 == 0 && n <= (long)sizeof(set));
	yes("every online CPU is in the mask", CPU_COUNT(&set) == online);
	yes("sched_getaffinity(own pid) agrees", sched_getaffinity(getpid(), sizeof(set), &set) == 0 && CPU_COUNT(&set) == online);
	kt_expect_err("sched_getaffinity, 4 bytes", syscall(SYS_sched_getaffinity, 0, 4, &set), EINVAL);
	kt_expect_err("sched_getaffinity, 12 bytes", syscall(SYS_sched_getaffinity, 0, 12, &set), EINVAL);
	kt_expect_err("sched_getaffinity, 0 bytes", syscall(SYS_sched_getaffinity, 0, 0, &set), EINVAL);
	kt_expect_err("sched_getaffinity(no such pid)", syscall(SYS_sched_getaffinity, 999999, sizeof(set), &set), ESRCH);
	kt_expect_err("sched_getaffinity(bad pointer)", syscall(SYS_sched_getaffinity, 0, sizeof(set), (void *)8), EFAULT);

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	kt_check(sched_setaffinity(0, sizeof(set), &set) == 0, "sched_setaffinity to CPU 0");
	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof(set), &set);
	yes("  only CPU 0 in the mask now", CPU_COUNT(&set) == 1 && CPU_ISSET(0, &set));
	CPU_ZERO(&set);
	kt_expect_err("sched_setaffinity to no CPU", syscall(SYS_sched_setaffinity, 0, sizeof(set), &set), EINVAL);
	CPU_SET(1000, &set);
	kt_expect_err("sched_setaffinity to CPU 1000 only", syscall(SYS_sched_setaffinity, 0, sizeof(set), &set), EINVAL);
	kt_expect_err("sched_setaffinity(no such pid)", syscall(SYS_sched_setaffinity, 999999, sizeof(set), &set), ESRCH);
	kt_expect_err("sched_setaffinity(bad pointer)", syscall(SYS_sched_setaffinity, 0, sizeof(set), (void *)8), EFAULT);
	for (int i = 0; i < online; i++)
		CPU_SET(i, &set);
	kt_check(sched_setaffinity(0, sizeof(set), &set) == 0, "sched_setaffinity to every CPU");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	ranges();
	in_child(set_policies);
	policy_errors();
	in_child(inheritance);
	in_child(nice_values);
	in_child(affinity);
	return kt_status();
}
