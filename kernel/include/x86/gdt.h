/* Segment selectors. In long mode segmentation is mostly off, but the CPU
 * still needs code segments for ring 0 / ring 3 and a TSS for interrupt
 * stacks. Order matters: syscall/sysret (Lab 3) derive selectors from it. */
#pragma once

#define GDT_KERNEL_CODE  0x08
#define GDT_KERNEL_DATA  0x10
#define GDT_USER_DATA    0x18   /* ring 3 selectors are used as 0x1b / 0x23 */
#define GDT_USER_CODE    0x20
#define GDT_TSS          0x28   /* 16-byte descriptor: occupies two slots */

/* The double-fault handler runs on its own stack (IST 1), so a kernel stack
 * overflow still produces a report instead of a triple fault. */
#define IST_DOUBLE_FAULT 1

#ifndef __ASSEMBLER__
void gdt_init(void);
#endif
