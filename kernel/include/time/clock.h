/* The kernel's clocks. CLOCK_MONOTONIC counts from boot, read from the
 * TSC; CLOCK_REALTIME is the CMOS clock's time at boot plus that. */
#pragma once
#include <kernel/types.h>

#define NSEC_PER_SEC 1000000000ull

void clock_init(void);
uint64_t clock_now_ns(void);            /* CLOCK_MONOTONIC, in ns */
uint64_t clock_realtime_ns(void);       /* CLOCK_REALTIME, ns since 1970 */
void clock_set_realtime(uint64_t ns);   /* settimeofday, clock_settime */

/* CLOCK_REALTIME and CLOCK_TAI (one clock here): the clocks that
 * settimeofday and clock_settime move, and absolute timers on them with it. */
bool clock_is_wall(int clock);
/* CLOCK_REALTIME - CLOCK_MONOTONIC now: what a setting of the wall clock
 * changes, so a timer on it moves by the change. */
int64_t clock_wall_offset(void);

/* The CLOCK_MONOTONIC time at which a timer set to ns first expires:
 * relative (ns from now), or absolute on its clock (a wall clock's time
 * converted at the current setting: timerfd and POSIX timers follow later
 * settings themselves). A time already past gives the monotonic time it
 * was, so missed periods count from it, and at least 1. 0: disarmed. */
uint64_t clock_first_expiry(bool wall, uint64_t ns, bool absolute);

/* What the vDSO needs to compute the same times in user mode. */
struct clock_params {
	uint64_t tsc_at_boot;           /* CLOCK_MONOTONIC's zero */
	uint64_t ns_per_cycle_2_32;     /* 0 until clock_init */
	int64_t realtime_offset_ns;     /* CLOCK_REALTIME - CLOCK_MONOTONIC */
};
struct clock_params clock_params(void);

/* time/time_syscalls.c: clock_nanosleep's sleepers until a time of the
 * wall clock wake to convert it again when the clock is set. */
void clock_nanosleep_clock_was_set(void);

/* time/vdso.c: the vvar page follows a change of the clock. */
void vdso_clock_changed(void);

/* arch/x86_64/rtc.c: the CMOS clock, as seconds since 1970 (UTC). */
int64_t rtc_read_epoch(void);

struct __kernel_timespec;
/* Reads a duration or time from user memory into ns: -EFAULT, or -EINVAL
 * unless 0 <= tv_nsec < 1e9 and tv_sec >= 0 (huge values saturate). */
long timespec_from_user(const struct __kernel_timespec *u, uint64_t *ns);

/* time/cpu_clocks.c: the CPU-time clocks (PROCESS_CPUTIME_ID,
 * THREAD_CPUTIME_ID and clock_getcpuclockid's negative ids). */
bool cpu_clock_valid(int clock);
long cpu_clock_read(int clock, uint64_t *ns);       /* 0 or -EINVAL */
uint64_t cpu_clock_resolution(int clock);
