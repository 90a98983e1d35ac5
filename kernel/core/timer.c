/* The tick counter, advanced by whichever timer interrupt drives it. */
#include <kernel/types.h>
#include <kernel/timer.h>
#include <x86/cpu.h>
#include <kernel/printk.h>
#include <x86/apic.h>
#include <x86/percpu.h>
#include <proc/sched.h>

static uint64_t ticks;

void timer_tick(struct trap_frame *tf)
{
	__atomic_fetch_add(&ticks, 1, __ATOMIC_RELAXED);
	/* Until the APIC timers run (or if they cannot), this tick drives
	 * the scheduler too. */
	if (!lapic_active() && this_cpu()->task)
		sched_tick(tf);
}

uint64_t timer_ticks(void)
{
	return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}

/* The TSC's rate, measured once against the timer tick (interrupts must be
 * on): rdtsc then turns cycle counts into time for benchmarks. Under TCG
 * the TSC follows the host clock, so this is wall-clock time too. */
static uint64_t rate;

void tsc_set_rate(uint64_t cycles_per_us)
{
	rate = cycles_per_us ? cycles_per_us : 1;
}

bool timer_wait_for_tick(void)
{
	/* About 2 s (2^32 cycles at a few GHz): the timer does not tick at
	 * all when Lab 1's exercise is blank. */
	uint64_t t = timer_ticks(), give_up = rdtsc() + (1ull << 32);
	while (timer_ticks() == t) {
		if (rdtsc() > give_up)
			return false;
		sti_hlt();
	}
	return true;
}

uint64_t tsc_per_us(void)
{
	if (rate)
		return rate;
	const uint64_t span = TIMER_HZ / 10;    /* 100 ms */
	if (!timer_wait_for_tick()) {
		printk("timer: no tick to measure the TSC against; assuming 1000 MHz\n");
		return rate = 1000;
	}
	uint64_t start = rdtsc(), t0 = timer_ticks();
	while (timer_ticks() < t0 + span)
		sti_hlt();
	rate = (rdtsc() - start) / (span * 1000000 / TIMER_HZ);
	return rate ? rate : 1;
}
