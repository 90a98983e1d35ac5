/* The kernel's virtual address space. Shared by C, assembly and the linker
 * script. See the diagram in the handout (Lab 2).
 *
 *   0000000000000000 - 00007fffffffffff   user space (128 TiB, Lab 3 on)
 *   ffff888000000000 - ...                direct map: all of physical memory,
 *                                         virtual = physical + DIRECT_MAP_BASE
 *   ffffc90000000000 - ffffc900ffffffff   kernel stacks, each with a guard gap
 *   ffffc90100000000 - ffffc910ffffffff   device registers the direct map cannot
 *                                         reach (kmap_mmio: 64-bit BARs placed high)
 *   ffffffff80000000 - ...                the kernel image, loaded at physical
 *                                         1 MiB: virtual = physical + KERNEL_VIRT_BASE
 *
 * The bases are Linux's, so addresses in a fault report look familiar. */
#pragma once

#define KERNEL_PHYS_BASE  0x100000
#define KERNEL_VIRT_BASE  0xffffffff80000000
#define DIRECT_MAP_BASE   0xffff888000000000
#define KSTACK_AREA_BASE  0xffffc90000000000
#define KSTACK_AREA_SIZE  0x100000000           /* 4 GiB of address space */
#define USER_TOP          0x0000800000000000    /* first non-canonical address */
#define KERNEL_HALF       0xffff800000000000    /* first kernel-half address */

#ifdef __ASSEMBLER__
#define PAGE_SIZE         4096
#else
#define PAGE_SIZE         4096ul     /* unsigned long: shifts by order stay 64-bit */
#endif
#define PAGE_SHIFT        12
#define BOOT_STACK_SIZE   16384

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The direct map. Early boot (arch/x86_64/boot.S) maps only physical
 * 0..1 GiB, here and at KERNEL_VIRT_BASE; paging_init() extends the direct
 * map to every byte of RAM. */
static inline void *phys_to_virt(uint64_t pa) { return (void *)(pa + DIRECT_MAP_BASE); }
static inline uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;
	/* Kernel-image addresses are valid too: they have their own offset. */
	return v >= KERNEL_VIRT_BASE ? v - KERNEL_VIRT_BASE : v - DIRECT_MAP_BASE;
}

/* Valid only for the early map (physical addresses below 1 GiB). */
static inline void *early_phys_to_virt(uint64_t pa) { return (void *)(pa + KERNEL_VIRT_BASE); }
#endif
