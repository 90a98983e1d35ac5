/* The tick counter, advanced by whichever timer interrupt drives it. */
#include <kernel/types.h>
#include <kernel/timer.h>
#include <x86/cpu.h>

static uint64_t ticks;

void timer_tick(void)
{
	__atomic_fetch_add(&ticks, 1, __ATOMIC_RELAXED);
}

uint64_t timer_ticks(void)
{
	return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}

/* The TSC's rate, measured once against the timer tick (interrupts must be
 * on): rdtsc then turns cycle counts into time for benchmarks. Under TCG
 * the TSC follows the host clock, so this is wall-clock time too. */
uint64_t tsc_per_us(void)
{
	static uint64_t rate;
	if (rate)
		return rate;
	const uint64_t span = TIMER_HZ / 10;    /* 100 ms */
	uint64_t t = timer_ticks();
	while (timer_ticks() == t)              /* start on a tick edge */
		sti_hlt();
	uint64_t start = rdtsc(), t0 = timer_ticks();
	while (timer_ticks() < t0 + span)
		sti_hlt();
	rate = (rdtsc() - start) / (span * 1000000 / TIMER_HZ);
	return rate ? rate : 1;
}
