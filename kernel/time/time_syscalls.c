/* clock_gettime, clock_getres, time, nanosleep, clock_nanosleep. (Setting
 * the time and gettimeofday: time/wallclock.c.) */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <proc/task.h>
#include <kernel/wait.h>
#include <syscall/syscalls.h>
#include <time/clock.h>
#include <proc/futex.h>
#include <x86/apic.h>
#include <x86/uaccess.h>

/* The clocks. REALTIME and TAI are one (no leap-second offset is ever
 * set, as on a Linux without NTP); the coarse ones read the TSC as the
 * others do (finer than Linux's, never coarser); BOOTTIME is MONOTONIC, as
 * nothing suspends. CPU-time clocks: time/cpu_clocks.c. 0 or -EINVAL. */
static long read_clock(int clock, uint64_t *ns)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		*ns = clock_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = clock_now_ns();
		return 0;
	default:
		return cpu_clock_read(clock, ns);
	}
}

static long put_timespec(struct __kernel_timespec *u, uint64_t ns)
{
	struct __kernel_timespec ts = { .tv_sec = ns / NSEC_PER_SEC, .tv_nsec = ns % NSEC_PER_SEC };
	return copy_to_user(u, &ts, sizeof(ts));
}

long timespec_from_user(const struct __kernel_timespec *u, uint64_t *ns)
{
	struct __kernel_timespec ts;
	if (copy_from_user(&ts, u, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NSEC_PER_SEC)
		return -EINVAL;
	uint64_t max_sec = UINT64_MAX / NSEC_PER_SEC - 1;
	*ns = (uint64_t)ts.tv_sec > max_sec ? UINT64_MAX / 2 : ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

long sys_clock_gettime(int clock, struct __kernel_timespec *tp)
{
	uint64_t ns;
	long err = read_clock(clock, &ns);
	return err ? err : put_timespec(tp, ns);
}

/* time(2): whole seconds of CLOCK_REALTIME, also stored at tloc if given. */
long sys_time(int64_t *tloc)
{
	int64_t t = clock_realtime_ns() / NSEC_PER_SEC;
	if (tloc && copy_to_user(tloc, &t, sizeof(t)))
		return -EFAULT;
	return t;
}

long sys_clock_getres(int clock, struct __kernel_timespec *tp)
{
	uint64_t ns;
	long err = read_clock(clock, &ns);
	if (err)
		return err;
	/* Linux's coarse clocks move with the tick, the others with the TSC. */
	uint64_t res = 1;
	if (clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE)
		res = NSEC_PER_SEC / LAPIC_TIMER_HZ;
	else if (cpu_clock_valid(clock))
		res = cpu_clock_resolution(clock);
	return tp ? put_timespec(tp, res) : 0;
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
	return a + b < a ? WAIT_FOREVER - 1 : a + b;
}

/* Sleeps until deadline. A signal acted on ends the sleep, and the time
 * left goes to rem (if given) as Linux's do_nanosleep writes it; if no
 * handler runs (a stop, then SIGCONT), the sleep goes on to the same
 * deadline through restart_syscall; a handler makes it EINTR. */
static long sleep_interruptibly(uint64_t deadline, struct __kernel_timespec *rem)
{
	if (sleep_until(deadline) == 0)
		return 0;
	uint64_t now = clock_now_ns();
	if (rem && put_timespec(rem, deadline > now ? deadline - now : 0))
		return -EFAULT;
	current->restart_deadline = deadline;
	current->restart_rem = (uint64_t)rem;
	current->restart_futex = NULL;
	return -ERESTART_RESTARTBLOCK;
}

long sys_nanosleep(const struct __kernel_timespec *req, struct __kernel_timespec *rem)
{
	uint64_t ns;
	long err = timespec_from_user(req, &ns);
	if (err)
		return err;
	return sleep_interruptibly(add_saturating(clock_now_ns(), ns), rem);
}

/* Sleepers until a time of the wall clock (CLOCK_REALTIME or TAI with
 * TIMER_ABSTIME). Linux's sleep ends when the wall clock passes the time,
 * so a sleeper converts it to a monotonic deadline again each time the
 * clock is set (clock_set_realtime counts the settings and wakes them). */
static struct wait_queue wall_sleepers = WAIT_QUEUE_INIT(wall_sleepers, "wall-clock-sleepers");
static uint64_t wall_clock_settings;

void clock_nanosleep_clock_was_set(void)
{
	__atomic_add_fetch(&wall_clock_settings, 1, __ATOMIC_SEQ_CST);
	wake_up_all(&wall_sleepers);
}

static long sleep_until_wall_time(uint64_t wall)
{
	for (;;) {
		uint64_t settings = __atomic_load_n(&wall_clock_settings, __ATOMIC_SEQ_CST);
		uint64_t now = clock_realtime_ns();
		if (now >= wall)
			return 0;
		long slept = wait_event_interruptible(&wall_sleepers,
			__atomic_load_n(&wall_clock_settings, __ATOMIC_SEQ_CST) != settings,
			add_saturating(clock_now_ns(), wall - now));
		if (slept == -ERESTARTSYS)
			return slept;
	}
}

long sys_clock_nanosleep(int clock, int flags, const struct __kernel_timespec *req,
			 struct __kernel_timespec *rem)
{
	/* Linux sleeps on these; the other clocks are EOPNOTSUPP (Kestrel's
	 * CPU-time and alarm clocks too), ids that are no clock EINVAL. */
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME && clock != CLOCK_TAI)
		return clock >= 0 && clock <= CLOCK_TAI && clock != CLOCK_SGI_CYCLE ? -EOPNOTSUPP : -EINVAL;
	uint64_t now = 0;
	read_clock(clock, &now);      /* cannot fail: the clock was checked */
	uint64_t ns;
	long err = timespec_from_user(req, &ns);
	if (err)
		return err;
	/* Sleeps are measured on the monotonic clock; a time of the wall
	 * clock is converted, again whenever the clock is set. */
	uint64_t mono = clock_now_ns();
	if (flags & TIMER_ABSTIME) {
		long slept = clock_is_wall(clock) ? sleep_until_wall_time(ns) : sleep_until(ns > now ? mono + (ns - now) : mono);
		/* Nothing left to tell: made again as it was, unless a handler runs. */
		return slept == 0 ? 0 : -ERESTARTNOHAND;
	}
	return sleep_interruptibly(add_saturating(mono, ns), rem);
}

/* The call restart_interrupted_call makes in place of a sleep a stop cut
 * short: the rest of the same sleep. */
long sys_restart_syscall(void)
{
	uint64_t deadline = current->restart_deadline;
	if (!deadline)
		return -EINTR;          /* nothing to resume, as Linux's do_no_restart_syscall */
	current->restart_deadline = 0;
	if (current->restart_futex)
		return futex_wait_restart(deadline);
	return sleep_interruptibly(deadline, (struct __kernel_timespec *)current->restart_rem);
}
