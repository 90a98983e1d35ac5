/* The PVH boot protocol's start-of-day structure. A PVH loader (QEMU's
 * -kernel, Xen, Firecracker) enters the kernel in 32-bit protected mode with
 * paging off and %ebx holding the physical address of this structure.
 * Layout from Xen's public header arch-x86/hvm/start_info.h. */
#pragma once
#include <stdint.h>

#define PVH_START_MAGIC 0x336ec578

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;     /* NUL-terminated kernel command line */
	uint64_t rsdp_paddr;
	/* version >= 1 */
	uint64_t memmap_paddr;      /* array of struct hvm_memmap_entry */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;              /* E820 type: 1 = usable RAM */
	uint32_t reserved;
};

#define E820_RAM 1

/* The structure this kernel was booted with (core/main.c). */
extern const struct hvm_start_info *boot_start_info;
