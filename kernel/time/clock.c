/* CLOCK_MONOTONIC and CLOCK_REALTIME (time/clock.h).
 *
 * The TSC counts CPU cycles at a constant rate (QEMU's TCG derives it
 * from the host clock), and all CPUs read the same count, so it measures
 * time from anywhere in the kernel with no lock. Its rate was measured
 * against the PIT: with the APIC timer's (lapic.c), or else on its own
 * (kernel/core/timer.c). */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/timer.h>
#include <time/clock.h>
#include <x86/cpu.h>

static uint64_t tsc_at_boot;
static uint64_t cycles_per_us;
static int64_t realtime_at_boot;        /* seconds since 1970 */

void clock_init(void)
{
	cycles_per_us = tsc_per_us();
	tsc_at_boot = rdtsc();
	realtime_at_boot = rtc_read_epoch();
	printk("clock: TSC at %lu MHz; CMOS clock says %ld s since 1970\n", cycles_per_us, realtime_at_boot);
}

uint64_t clock_now_ns(void)
{
	if (!cycles_per_us)
		return 0;
	return (rdtsc() - tsc_at_boot) * 1000 / cycles_per_us;
}

uint64_t clock_realtime_ns(void)
{
	return realtime_at_boot * NSEC_PER_SEC + clock_now_ns();
}
