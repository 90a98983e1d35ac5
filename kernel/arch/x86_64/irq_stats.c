/* Interrupt counts per CPU and vector (exceptions are not counted, so an
 * NMI's slot stays 0: Kestrel takes none). Each CPU counts only its own
 * interrupts, so no lock; readers on other CPUs see a recent count. The
 * spurious vector (255) has the slot past the others. */
#include <kernel/types.h>
#include <x86/irq_stats.h>
#include <x86/percpu.h>
#include <x86/trap.h>

#define SPURIOUS_SLOT NUM_VECTORS

static uint64_t counts[MAX_CPUS][NUM_VECTORS + 1];
static const char *names[NUM_VECTORS];

static int slot(unsigned vector)
{
	if (vector == VEC_SPURIOUS)
		return SPURIOUS_SLOT;
	return vector < NUM_VECTORS ? (int)vector : -1;
}

void irq_stats_count(unsigned vector)
{
	int i = slot(vector);
	if (i >= 0)
		__atomic_store_n(&counts[this_cpu()->id][i], counts[this_cpu()->id][i] + 1, __ATOMIC_RELAXED);
}

uint64_t irq_stats_get(int cpu, unsigned vector)
{
	int i = slot(vector);
	return i >= 0 ? __atomic_load_n(&counts[cpu][i], __ATOMIC_RELAXED) : 0;
}

void irq_stats_set_name(unsigned vector, const char *name)
{
	if (vector < NUM_VECTORS)
		names[vector] = name;
}

const char *irq_stats_name(unsigned vector)
{
	return vector < NUM_VECTORS ? names[vector] : NULL;
}
