/* The wall clock as the old calls read and set it: gettimeofday,
 * settimeofday, clock_settime. The time zone these calls carry is a
 * leftover Linux keeps (sys_tz) and the C libraries ignore: it reads as
 * zeros here and a new one is accepted and forgotten. Setting the clock
 * needs CAP_SYS_TIME, checked after the value as Linux does. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <proc/cred.h>
#include <syscall/syscalls.h>
#include <time/clock.h>
#include <x86/uaccess.h>

#define NSEC_PER_USEC 1000

long sys_gettimeofday(struct __kernel_old_timeval *tv, struct timezone *tz)
{
	if (tv) {
		uint64_t ns = clock_realtime_ns();
		struct __kernel_old_timeval v = {
			.tv_sec = ns / NSEC_PER_SEC, .tv_usec = ns % NSEC_PER_SEC / NSEC_PER_USEC,
		};
		if (copy_to_user(tv, &v, sizeof(v)))
			return -EFAULT;
	}
	struct timezone zone = { 0, 0 };
	if (tz && copy_to_user(tz, &zone, sizeof(zone)))
		return -EFAULT;
	return 0;
}

/* Linux's timespec64_valid_settod: no negative times, and none so late
 * that the monotonic clock could overflow. */
static bool settable(int64_t sec, int64_t nsec)
{
	const int64_t max_sec = (INT64_MAX / (int64_t)NSEC_PER_SEC) - 30LL * 365 * 86400;
	return sec >= 0 && sec < max_sec && nsec >= 0 && nsec < (int64_t)NSEC_PER_SEC;
}

long sys_settimeofday(const struct __kernel_old_timeval *tv, const struct timezone *tz)
{
	struct __kernel_old_timeval v;
	struct timezone zone;
	if (tv) {
		if (copy_from_user(&v, tv, sizeof(v)))
			return -EFAULT;
		if (v.tv_usec < 0 || v.tv_usec >= 1000000)
			return -EINVAL;
	}
	if (tz && copy_from_user(&zone, tz, sizeof(zone)))
		return -EFAULT;
	if (tv) {
		if (!settable(v.tv_sec, v.tv_usec * NSEC_PER_USEC))
			return -EINVAL;
	}
	if (!capable(CAP_SYS_TIME))
		return -EPERM;
	if (tv) {
		clock_set_realtime(v.tv_sec * NSEC_PER_SEC + v.tv_usec * NSEC_PER_USEC);
	}
	return 0;
}

/* Only CLOCK_REALTIME can be set; another process's or thread's CPU
 * clock says EPERM, any other clock EINVAL (Linux's answers, in its
 * order: the clock, the copy, the value). */
long sys_clock_settime(int clock, const struct __kernel_timespec *tp)
{
	if (clock != CLOCK_REALTIME && !(clock < 0 && cpu_clock_valid(clock)))
		return -EINVAL;
	struct __kernel_timespec ts;
	if (copy_from_user(&ts, tp, sizeof(ts)))
		return -EFAULT;
	if (clock != CLOCK_REALTIME) {
		uint64_t ns;
		return cpu_clock_read(clock, &ns) ? -EINVAL : -EPERM;
	}
	if (!settable(ts.tv_sec, ts.tv_nsec))
		return -EINVAL;
	if (!capable(CAP_SYS_TIME))
		return -EPERM;
	clock_set_realtime(ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec);
	return 0;
}
