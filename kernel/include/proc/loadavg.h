/* The load average (proc/loadavg.c): how many tasks wanted a CPU, averaged
 * over 1, 5 and 15 minutes, as sysinfo and uptime report it. */
#pragma once
#include <kernel/types.h>

#define FSHIFT  11                  /* the averages' fixed point: 11 bits of fraction */
#define FIXED_1 (1 << FSHIFT)

/* The boot CPU's timer tick: samples the count every 5 s. */
void loadavg_tick(void);
/* The 1, 5 and 15 minute averages, in FIXED_1 units. */
void loadavg_get(unsigned long loads[3]);
/* One step of an average: load decays by exp (a fraction of FIXED_1),
 * and active tasks now count for the rest (Linux's calc_load). */
unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active);
