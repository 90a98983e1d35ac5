/* Where each CPU's time went (proc/cpustat.c): user, nice, system and
 * idle nanoseconds since boot, for /proc/stat's cpu lines (top, vmstat). */
#pragma once
#include <kernel/types.h>

enum cpustat_mode { CPUSTAT_USER, CPUSTAT_NICE, CPUSTAT_SYSTEM, CPUSTAT_IDLE, NR_CPUSTAT };

/* The CPU running this starts spending its time in mode (the stretch
 * since the last change goes to the mode before). */
void cpustat_enter(enum cpustat_mode mode);
/* CPU cpu's totals in ns, with the stretch it is in now. */
void cpustat_read(int cpu, uint64_t ns[NR_CPUSTAT]);
