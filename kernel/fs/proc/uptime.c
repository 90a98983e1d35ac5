/* /proc/uptime: seconds since boot, and the seconds all CPUs together
 * spent idle (so the second figure can pass the first on several CPUs),
 * each with two decimals, as Linux's fs/proc/uptime.c. */
#include <kernel/types.h>
#include <proc/cpustat.h>
#include <time/clock.h>
#include <x86/percpu.h>
#include "system.h"

int uptime_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	(void)ctx;
	uint64_t now = clock_now_ns(), idle = 0;
	for (int c = 0; c < ncpus; c++) {
		uint64_t ns[NR_CPUSTAT];
		cpustat_read(c, ns);
		idle += ns[CPUSTAT_IDLE];
	}
	uint64_t up_cs = now / 10000000, idle_cs = idle / 10000000;
	pbuf_printf(b, "%lu.%02lu %lu.%02lu\n", up_cs / 100, up_cs % 100, idle_cs / 100, idle_cs % 100);
	return 0;
}
