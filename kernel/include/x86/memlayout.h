/* Where the kernel lives. Shared by C, assembly and the linker script.
 *
 * The boot loader puts the kernel at physical 1 MiB. We run it from the top
 * 2 GiB of the address space (-mcmodel=kernel), so virtual = physical +
 * KERNEL_VIRT_BASE for everything in the image. Early boot maps physical
 * 0..1 GiB there (arch/x86_64/boot.S); Lab 2 replaces that with real tables. */
#pragma once

#define KERNEL_PHYS_BASE  0x100000
#define KERNEL_VIRT_BASE  0xffffffff80000000

#define BOOT_STACK_SIZE   16384

#ifndef __ASSEMBLER__
#include <stdint.h>
/* Valid only for the early map (physical addresses below 1 GiB). */
static inline void *early_phys_to_virt(uint64_t pa) { return (void *)(pa + KERNEL_VIRT_BASE); }
static inline uint64_t early_virt_to_phys(const void *va) { return (uint64_t)va - KERNEL_VIRT_BASE; }
#endif
