/* The tick counter, advanced by whichever timer interrupt drives it. */
#include <kernel/types.h>
#include <kernel/timer.h>

static uint64_t ticks;

void timer_tick(void)
{
	__atomic_fetch_add(&ticks, 1, __ATOMIC_RELAXED);
}

uint64_t timer_ticks(void)
{
	return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}
