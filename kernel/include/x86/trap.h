/* The register state saved on every interrupt and exception.
 * arch/x86_64/entry.S builds it; its layout must match the pushes there. */
#pragma once
#include <stdint.h>

struct trap_frame {
	/* Pushed by entry.S, last pushed first. */
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;      /* pushed by the per-vector stub */
	uint64_t error_code;  /* by the CPU for some exceptions, else 0 by the stub */
	/* Pushed by the CPU. */
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Vectors 0-31 are CPU exceptions; hardware interrupts are remapped above. */
#define T_DIVIDE      0
#define T_DEBUG       1
#define T_NMI         2
#define T_BREAKPOINT  3
#define T_DOUBLE_FAULT 8
#define T_PAGE_FAULT  14
#define IRQ_BASE      32
#define IRQ_TIMER     0
#define IRQ_COM1      4
#define NUM_VECTORS   48   /* exceptions + the 16 legacy IRQs */

void trap_dispatch(struct trap_frame *tf);
const char *trap_name(uint64_t vector);
void trap_print_frame(const struct trap_frame *tf);

/* Interrupt handlers registered by drivers (timer, serial). */
typedef void (*irq_handler_t)(struct trap_frame *tf);
void irq_register(int irq, irq_handler_t handler);
