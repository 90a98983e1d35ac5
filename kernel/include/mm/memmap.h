/* The physical memory map the boot loader hands over (PVH start_info's
 * E820-style table), copied at boot so it outlives low memory's early map. */
#pragma once
#include <stdint.h>
#include <x86/pvh.h>

/* E820 range types (E820_RAM, 1, is in x86/pvh.h). */
#define E820_RESERVED 2
#define E820_ACPI    3      /* ACPI tables: readable, reclaimable later */
#define E820_NVS     4
#define E820_UNUSABLE 5
#define MEMMAP_MAX   64

struct mem_range {
	uint64_t start, end;    /* [start, end) physical */
	uint32_t type;          /* E820_RAM, ... */
};

extern struct mem_range memmap[MEMMAP_MAX];
extern int memmap_count;

/* Copies and prints the map; returns bytes of usable RAM. */
uint64_t memmap_read(const struct hvm_start_info *si);
/* The end of the highest range of the given type. */
uint64_t memmap_end(uint32_t type);
