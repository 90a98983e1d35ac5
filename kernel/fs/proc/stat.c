/* /proc/stat: the kernel's counters since boot, as Linux 6.1's
 * fs/proc/stat.c prints them; top and vmstat compute CPU use from two
 * readings of the cpu lines.
 *
 *   cpu  user nice system idle iowait irq softirq steal guest guest_nice
 *        (all CPUs, then one cpuN line each; in USER_HZ ticks, 1/100 s)
 *   intr total, then one count per interrupt number (vector - 32)
 *   ctxt context switches; btime boot time (s since 1970); processes
 *   forks since boot; procs_running runnable tasks; procs_blocked tasks
 *   waiting for the disk (in bio_wait); softirq total and one count per
 *   kind.
 *
 * Times come from proc/cpustat.c. Kestrel has no softirqs, does not
 * tell interrupt time or disk waits apart from system and idle time, and
 * runs no guests: those columns are 0. */
#include <kernel/types.h>
#include <kernel/format.h>
#include <block/block.h>
#include <proc/cpustat.h>
#include <proc/sched.h>
#include <proc/task.h>
#include <time/clock.h>
#include <x86/irq_stats.h>
#include <x86/percpu.h>
#include <x86/trap.h>
#include "system.h"

#define NR_SOFTIRQS 10          /* Linux's kinds: HI, TIMER, NET_TX... */

static void cpu_line(struct pbuf *b, const char *name, const uint64_t ns[NR_CPUSTAT])
{
	pbuf_printf(b, "%s %lu %lu %lu %lu 0 0 0 0 0 0\n", name,
		    ns_to_clock_t(ns[CPUSTAT_USER]), ns_to_clock_t(ns[CPUSTAT_NICE]),
		    ns_to_clock_t(ns[CPUSTAT_SYSTEM]), ns_to_clock_t(ns[CPUSTAT_IDLE]));
}

static void cpu_lines(struct pbuf *b)
{
	uint64_t per[MAX_CPUS][NR_CPUSTAT], sum[NR_CPUSTAT] = { 0 };
	for (int c = 0; c < ncpus; c++) {
		cpustat_read(c, per[c]);
		for (int m = 0; m < NR_CPUSTAT; m++)
			sum[m] += per[c][m];
	}
	cpu_line(b, "cpu ", sum);
	for (int c = 0; c < ncpus; c++) {
		if (!cpus[c].online)
			continue;
		char name[16];
		ksnprintf(name, sizeof(name), "cpu%d", c);
		cpu_line(b, name, per[c]);
	}
}

static uint64_t vector_total(unsigned vector)
{
	uint64_t n = 0;
	for (int c = 0; c < ncpus; c++)
		n += irq_stats_get(c, vector);
	return n;
}

static void intr_line(struct pbuf *b)
{
	uint64_t total = vector_total(VEC_SPURIOUS);
	for (unsigned v = IRQ_BASE; v < NUM_VECTORS; v++)
		total += vector_total(v);
	pbuf_printf(b, "intr %lu", total);
	for (unsigned v = IRQ_BASE; v < NUM_VECTORS; v++)
		pbuf_printf(b, " %lu", vector_total(v));
	pbuf_printf(b, "\n");
}

int stat_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	(void)ctx;
	cpu_lines(b);
	intr_line(b);
	uint64_t switches = 0;
	for (int c = 0; c < ncpus; c++)
		switches += __atomic_load_n(&cpus[c].switches, __ATOMIC_RELAXED);
	uint64_t boot_ns = clock_realtime_ns() - clock_now_ns();
	pbuf_printf(b, "ctxt %lu\nbtime %lu\nprocesses %lu\nprocs_running %u\nprocs_blocked %u\n",
		    switches, (uint64_t)(boot_ns / NSEC_PER_SEC), pid_total_forks(), sched_nr_active(),
		    block_nr_waiting());
	pbuf_printf(b, "softirq 0");
	for (int i = 0; i < NR_SOFTIRQS; i++)
		pbuf_printf(b, " 0");
	pbuf_printf(b, "\n");
	return 0;
}
