/* CLOCK_MONOTONIC and CLOCK_REALTIME (time/clock.h).
 *
 * The TSC counts CPU cycles at a constant rate (QEMU's TCG derives it
 * from the host clock), and all CPUs read the same count, so it measures
 * time from anywhere in the kernel with no lock. Its rate was measured
 * against the PIT (tsc_calibrate.c) in kHz; cycles become nanoseconds by
 * a multiply and a shift (ns = cycles * ns_per_cycle_2_32 >> 32), exact to
 * a few parts in 10^10, where whole cycles per microsecond lost up to
 * 1/1000 (0.04% at 2.5 GHz, 0.1% at 1 GHz). */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/timer.h>
#include <time/clock.h>
#include <linux/time.h>
#include <fs/timerfd.h>
#include <time/posix_timers.h>
#include <x86/cpu.h>

static uint64_t tsc_at_boot;
static uint64_t tsc_rate_khz;
static uint64_t ns_per_cycle_2_32;     /* nanoseconds per cycle, times 2^32 */
/* CLOCK_REALTIME minus CLOCK_MONOTONIC, in ns: the CMOS clock's time at
 * boot until settimeofday or clock_settime moves it. */
static int64_t realtime_offset_ns;

void clock_init(void)
{
	tsc_rate_khz = tsc_khz();
	ns_per_cycle_2_32 = (1000000ull << 32) / tsc_rate_khz;
	tsc_at_boot = rdtsc();
	int64_t realtime_at_boot = rtc_read_epoch();
	realtime_offset_ns = realtime_at_boot * (int64_t)NSEC_PER_SEC;
	printk("clock: TSC at %lu.%03lu MHz; CMOS clock says %ld s since 1970\n",
	       tsc_rate_khz / 1000, tsc_rate_khz % 1000, realtime_at_boot);
}

uint64_t clock_now_ns(void)
{
	if (!ns_per_cycle_2_32)
		return 0;
	return ((unsigned __int128)(rdtsc() - tsc_at_boot) * ns_per_cycle_2_32) >> 32;
}

uint64_t clock_realtime_ns(void)
{
	return __atomic_load_n(&realtime_offset_ns, __ATOMIC_RELAXED) + clock_now_ns();
}

void clock_set_realtime(uint64_t ns)
{
	__atomic_store_n(&realtime_offset_ns, (int64_t)(ns - clock_now_ns()), __ATOMIC_RELAXED);
	vdso_clock_changed();
	timerfd_clock_was_set();        /* timers on the wall clock follow it */
	clock_nanosleep_clock_was_set();        /* and sleeps until a time of it */
	posix_timers_clock_was_set();           /* and POSIX timers */
}

struct clock_params clock_params(void)
{
	return (struct clock_params){
		.tsc_at_boot = tsc_at_boot, .ns_per_cycle_2_32 = ns_per_cycle_2_32,
		.realtime_offset_ns = __atomic_load_n(&realtime_offset_ns, __ATOMIC_RELAXED),
	};
}

int64_t clock_wall_offset(void)
{
	return __atomic_load_n(&realtime_offset_ns, __ATOMIC_RELAXED);
}

bool clock_is_wall(int clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_TAI;
}

uint64_t clock_first_expiry(bool wall, uint64_t ns, bool absolute)
{
	if (!ns)
		return 0;
	uint64_t now = clock_now_ns();
	if (!absolute)
		return now + ns;
	if (!wall)
		return ns;
	uint64_t real = clock_realtime_ns();
	if (ns > real)
		return now + (ns - real);
	return real - ns < now ? now - (real - ns) : 1;
}
