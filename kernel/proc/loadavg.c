/* The load average, as Linux computes it (kernel/sched/loadavg.c).
 *
 * Every 5 seconds the boot CPU counts the tasks running or waiting to run
 * and folds the count into three exponentially decaying averages: each
 * keeps e^(-5/60), e^(-5/300) or e^(-5/900) of its old value and takes the
 * rest from the count. All in fixed point (11 bits of fraction), so no
 * floating point in the kernel. As in Linux, tasks waiting for the disk
 * count too (Linux's uninterruptible sleepers: here, those in bio_wait). */
#include <kernel/types.h>
#include <block/block.h>
#include <proc/loadavg.h>
#include <proc/sched.h>
#include <time/clock.h>

#define LOAD_FREQ_NS (5 * NSEC_PER_SEC)
/* FIXED_1 / e^(5s/1min), / e^(5s/5min), / e^(5s/15min). */
#define EXP_1  1884
#define EXP_5  2014
#define EXP_15 2037

static unsigned long avenrun[3];
static uint64_t next_sample_ns = LOAD_FREQ_NS;

unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
	// LAB 5 BEGIN(exercise 5): decay load by exp and add active's share (round up while rising)
	unsigned long newload = load * exp + active * (FIXED_1 - exp);
	if (active >= load)
		newload += FIXED_1 - 1;
	return newload / FIXED_1;
	// LAB 5 STUB: return load;
	// LAB 5 END
}

void loadavg_tick(void)
{
	uint64_t now = clock_now_ns();
	if (now < next_sample_ns)
		return;
	next_sample_ns = now + LOAD_FREQ_NS;
	unsigned long active = (unsigned long)(sched_nr_active() + block_nr_waiting()) * FIXED_1;
	avenrun[0] = calc_load(avenrun[0], EXP_1, active);
	avenrun[1] = calc_load(avenrun[1], EXP_5, active);
	avenrun[2] = calc_load(avenrun[2], EXP_15, active);
}

void loadavg_get(unsigned long loads[3])
{
	for (int i = 0; i < 3; i++)
		loads[i] = __atomic_load_n(&avenrun[i], __ATOMIC_RELAXED);
}
