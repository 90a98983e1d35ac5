/* The register state saved on every interrupt, exception and system call.
 * arch/x86_64/entry.S and syscall.S build it; its layout must match the
 * pushes there. For a user task, the frame at the top of its kernel stack
 * is its user-mode state: fork copies it, exit never returns through it. */
#pragma once

#ifndef __ASSEMBLER__
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

#endif

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
/* The local APIC's own interrupts (arch/x86_64/lapic.c, smp.c). */
#define VEC_LAPIC_TIMER  48
#define VEC_RESCHEDULE   49   /* IPI: "you have a task to run" */
#define VEC_TLB_FLUSH    50   /* IPI: "drop stale translations" */
#define VEC_STOP         51   /* IPI: "halt" (another CPU panicked) */
/* Vectors for devices' message-signalled interrupts (x86/msi.h). */
#define VEC_DEVICE_FIRST 52
#define VEC_DEVICE_LAST  63
#define NUM_VECTORS      64   /* stubs 0..63 in entry.S, plus: */
#define VEC_SPURIOUS     255
/* Not a vector: the mark syscall.S leaves in a system call's frame. */
#define VEC_SYSCALL      0x100

#ifdef __ASSEMBLER__
/* The general registers in struct trap_frame order (entry.S, syscall.S):
 * pushed last-field-first, popped first-field-first. */
.macro SAVE_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro RESTORE_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm
#else
void trap_dispatch(struct trap_frame *tf);
/* Frames of user mode have RPL 3 in the saved CS. */
static inline int trap_from_user(const struct trap_frame *tf) { return (tf->cs & 3) == 3; }
const char *trap_name(uint64_t vector);
void trap_print_frame(const struct trap_frame *tf);

/* Interrupt handlers registered by drivers (timer, serial). */
typedef void (*irq_handler_t)(struct trap_frame *tf);
void irq_register(int irq, irq_handler_t handler);
/* Handlers for the APIC vectors (VEC_*), acknowledged by the handler. */
void vector_register(int vector, irq_handler_t handler);
#endif
