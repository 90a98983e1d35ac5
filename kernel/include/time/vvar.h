/* The vvar page: what the kernel publishes for the vDSO (kernel/vdso/)
 * to read the clocks in user mode. Shared by both sides: the kernel
 * writes it (time/vdso.c), every process maps it read-only one page
 * below its vDSO.
 *
 * The seqcount protocol (Linux's vdso_data->seq): the writer makes seq
 * odd, changes the fields, and makes it even again; a reader takes seq,
 * reads the fields, and tries again if seq was odd or has changed since.
 * So a reader never uses a half-written set, and never blocks the
 * writer. */
#pragma once
#include <stdint.h>

#define VVAR_ADDR  0x00007ffff7fff000ull    /* MMAP_BASE: above every mmap, below the stack's room */
#define VDSO_ADDR  (VVAR_ADDR + 4096)       /* the vDSO's first page (AT_SYSINFO_EHDR) */
#define VDSO_MAX_PAGES 2

struct vvar_data {
	uint32_t seq;                   /* odd while the kernel writes */
	uint32_t tsc_usable;            /* 0: the vDSO asks the kernel instead */
	uint64_t tsc_at_boot;           /* CLOCK_MONOTONIC's zero, in TSC cycles */
	uint64_t ns_per_cycle_2_32;     /* ns = cycles * this >> 32 (time/clock.c) */
	int64_t realtime_offset_ns;     /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t coarse_res_ns;         /* the coarse clocks' resolution: a tick */
	uint32_t getcpu_rdtscp;         /* rdtscp's TSC_AUX holds the CPU number */
};
