/* getrusage and times: the CPU time a process and its reaped children
 * used (proc/cputime.c keeps it), the context switches, page faults and
 * the largest resident set. What Kestrel does not count (block I/O,
 * signals and messages, which Linux mostly leaves at 0 too) reads 0. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <linux/resource.h>
#include <linux/times.h>
#include <proc/cputime.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <time/clock.h>
#include <x86/apic.h>
#include <x86/uaccess.h>

#define USER_HZ 100             /* clock_t ticks, as sysconf(_SC_CLK_TCK) says */

static struct __kernel_old_timeval to_timeval(uint64_t ns)
{
	return (struct __kernel_old_timeval){ .tv_sec = ns / NSEC_PER_SEC,
					      .tv_usec = ns % NSEC_PER_SEC / 1000 };
}

long put_rusage(void *urusage, const struct usage *u)
{
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	ru.ru_utime = to_timeval(u->time.utime);
	ru.ru_stime = to_timeval(u->time.stime);
	ru.ru_maxrss = u->maxrss_kb;
	ru.ru_minflt = u->minflt;
	ru.ru_nvcsw = u->nvcsw;
	ru.ru_nivcsw = u->nivcsw;
	return urusage && copy_to_user(urusage, &ru, sizeof(ru)) ? -EFAULT : 0;
}

/* The caller's process: all its threads. */
static struct usage own_process_usage(void)
{
	cputime_sample_rss(current);
	return process_usage(current->group_leader);
}

long sys_getrusage(int who, struct rusage *ru)
{
	struct usage u;
	switch (who) {
	case RUSAGE_SELF:
		u = own_process_usage();
		break;
	case RUSAGE_THREAD:
		cputime_sample_rss(current);
		u = task_usage(current);
		break;
	case RUSAGE_CHILDREN:
		u = current->group_leader->children_usage;
		break;
	default:
		return -EINVAL;
	}
	return put_rusage(ru, &u);
}

static __kernel_clock_t to_clock_t(uint64_t ns)
{
	return ns / (NSEC_PER_SEC / USER_HZ);
}

/* times(2) returns the ticks since some fixed moment: Linux's jiffies,
 * which start 5 minutes before 2^32 (to catch wrap-around bugs early), in
 * USER_HZ units. Only differences mean anything. */
long sys_times(struct tms *ubuf)
{
	if (ubuf) {
		struct usage self = own_process_usage();
		struct usage *kids = &current->group_leader->children_usage;
		struct tms t = {
			.tms_utime = to_clock_t(self.time.utime), .tms_stime = to_clock_t(self.time.stime),
			.tms_cutime = to_clock_t(kids->time.utime), .tms_cstime = to_clock_t(kids->time.stime),
		};
		if (copy_to_user(ubuf, &t, sizeof(t)))
			return -EFAULT;
	}
	const uint64_t initial_jiffies = (uint32_t)-(300 * LAPIC_TIMER_HZ);
	return initial_jiffies * USER_HZ / LAPIC_TIMER_HZ + to_clock_t(clock_now_ns());
}
