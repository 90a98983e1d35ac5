/* Segment selectors. In long mode segmentation is mostly off, but the CPU
 * still needs code segments for ring 0 / ring 3 and a TSS for interrupt
 * stacks. Order matters: syscall/sysret derive selectors from it (STAR:
 * kernel CS, kernel SS = CS + 8; user SS = base + 8, user CS = base + 16,
 * with base = GDT_KERNEL_DATA). */
#pragma once

#define GDT_KERNEL_CODE  0x08
#define GDT_KERNEL_DATA  0x10
#define GDT_USER_DATA    0x18   /* ring 3 selectors are used as 0x1b / 0x23 */
#define GDT_USER_CODE    0x20
#define GDT_TSS          0x28   /* 16-byte descriptor: occupies two slots */
#define GDT_ENTRIES      7

#define USER_CS          (GDT_USER_CODE | 3)
#define USER_DS          (GDT_USER_DATA | 3)

/* The double-fault handler runs on its own stack (IST 1), so a kernel stack
 * overflow still produces a report instead of a triple fault. */
#define IST_DOUBLE_FAULT 1

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <kernel/compiler.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];        /* rsp[0]: the stack for entering ring 0 from ring 3 */
	uint64_t reserved1;
	uint64_t ist[7];        /* "interrupt stack table": stacks chosen per IDT gate */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

struct cpu;
/* Loads this CPU's own GDT and TSS (each CPU needs its own TSS: it holds
 * the stack the CPU switches to when an interrupt arrives in user mode). */
void gdt_init(struct cpu *c);
#endif
