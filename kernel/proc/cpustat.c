/* Per-CPU time accounting: the CPU-wide view of proc/cputime.c.
 *
 * cputime.c already notes every change of mode of a task (entering the
 * kernel, returning to user mode, a switch). Each change also ends the
 * CPU's current stretch, whose length goes to the mode it was in: user
 * (nice if the task's nice value is above 0, as Linux counts it), system,
 * or idle (the CPU's idle task runs). Exact, like the per-task times, and
 * independent of late timer ticks under QEMU.
 *
 * Only the CPU itself writes its record; a reader on another CPU retries
 * while a change is half done (a sequence count: odd while writing). */
#include <kernel/types.h>
#include <proc/cpustat.h>
#include <time/clock.h>
#include <x86/cpu.h>
#include <x86/percpu.h>

struct cpustat {
	uint64_t ns[NR_CPUSTAT];
	uint64_t since;             /* CLOCK_MONOTONIC at the last change */
	enum cpustat_mode mode;     /* what the CPU does since then */
	unsigned seq;
};

/* Until its first switch a CPU runs kernel code (boot): system time. */
static struct cpustat stats[MAX_CPUS] = { [0 ... MAX_CPUS - 1] = { .mode = CPUSTAT_SYSTEM } };

void cpustat_enter(enum cpustat_mode mode)
{
	uint64_t flags = irq_save();
	struct cpustat *s = &stats[this_cpu()->id];
	uint64_t now = clock_now_ns();
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (now > s->since)
		s->ns[s->mode] += now - s->since;
	s->since = now;
	s->mode = mode;
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELEASE);
	irq_restore(flags);
}

void cpustat_read(int cpu, uint64_t ns[NR_CPUSTAT])
{
	const struct cpustat *s = &stats[cpu];
	unsigned seq;
	do {
		while ((seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE)) & 1)
			cpu_relax();
		for (int i = 0; i < NR_CPUSTAT; i++)
			ns[i] = __atomic_load_n(&s->ns[i], __ATOMIC_RELAXED);
		uint64_t since = __atomic_load_n(&s->since, __ATOMIC_RELAXED);
		enum cpustat_mode mode = __atomic_load_n(&s->mode, __ATOMIC_RELAXED);
		uint64_t now = clock_now_ns();
		if (cpus[cpu].online && now > since)
			ns[mode] += now - since;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (__atomic_load_n(&s->seq, __ATOMIC_RELAXED) != seq);
}
