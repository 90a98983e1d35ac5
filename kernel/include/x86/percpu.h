/* Per-CPU data. Every CPU has a struct cpu, and its %gs base points at it
 * while the CPU runs kernel code, so this_cpu() is one instruction.
 *
 * User programs may use %gs too, so the kernel swaps bases with `swapgs`
 * on every entry from and exit to user mode (entry.S, syscall.S): in the
 * kernel MSR_GS_BASE holds the struct cpu and MSR_KERNEL_GS_BASE the user
 * value. */
#pragma once

#define MAX_CPUS 16

/* Offsets the assembly uses (checked against the struct below). */
#define CPU_SELF        0
#define CPU_KERNEL_RSP  8
#define CPU_USER_RSP    16
#define CPU_TASK     24

#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#ifndef __ASSEMBLER__
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <x86/gdt.h>

struct task;

struct cpu {
	struct cpu *self;         /* %gs:0, so this_cpu() can read it */
	uint64_t kernel_rsp;      /* top of the running task's kernel stack */
	uint64_t user_rsp;        /* the user %rsp, saved by the syscall entry */
	struct task *task;        /* the task running on this CPU */

	int id;                   /* 0 .. ncpus-1; 0 is the boot CPU */
	uint32_t apic_id;
	volatile bool online;
	struct task *idle;        /* runs when nothing else can */
	volatile bool need_resched;   /* the timer says: switch at the next chance */

	/* Statistics, printed when the first process exits (proc/exit.c). */
	uint64_t switches, user_ticks;

	uint64_t gdt[GDT_ENTRIES] __aligned(16);
	struct tss tss __aligned(16);
	uint8_t double_fault_stack[8192] __aligned(16);
};

static_assert(__builtin_offsetof(struct cpu, kernel_rsp) == CPU_KERNEL_RSP, "percpu.h offsets");
static_assert(__builtin_offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "percpu.h offsets");
static_assert(__builtin_offsetof(struct cpu, task) == CPU_TASK, "percpu.h offsets");

extern struct cpu cpus[MAX_CPUS];
extern int ncpus;                 /* CPUs found in the ACPI tables (at least 1) */

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* Points %gs at c and loads its GDT and TSS: the first thing a CPU does. */
void percpu_init(struct cpu *c);
/* The stack the CPU switches to on an interrupt or syscall from user mode. */
void percpu_set_kernel_stack(uint64_t top);
#endif
