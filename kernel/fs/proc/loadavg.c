/* /proc/loadavg: the 1, 5 and 15 minute load averages (proc/loadavg.c)
 * with two decimals, runnable tasks / all tasks, and the last pid handed
 * out, as Linux's fs/proc/loadavg.c: "0.42 0.30 0.12 2/85 1234". */
#include <kernel/types.h>
#include <proc/loadavg.h>
#include <proc/sched.h>
#include <proc/task.h>
#include "system.h"

/* Linux's LOAD_INT and LOAD_FRAC, after rounding to the second decimal. */
static void print_load(struct pbuf *b, unsigned long load)
{
	load += FIXED_1 / 200;
	pbuf_printf(b, "%lu.%02lu ", load >> FSHIFT, ((load & (FIXED_1 - 1)) * 100) >> FSHIFT);
}

int loadavg_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	(void)ctx;
	unsigned long loads[3];
	loadavg_get(loads);
	for (int i = 0; i < 3; i++)
		print_load(b, loads[i]);
	pbuf_printf(b, "%u/%u %d\n", sched_nr_active(), nr_tasks(), pid_latest());
	return 0;
}
