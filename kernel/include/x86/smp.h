/* Starting the other CPUs (arch/x86_64/smp.c, trampoline.S). */
#pragma once

/* The page the other CPUs start in: below 1 MiB (a STARTUP IPI names a
 * real-mode page) and outside what the boot loader left there. */
#define TRAMPOLINE_PA 0x8000

#ifndef __ASSEMBLER__
#include <kernel/types.h>

struct trampoline_params {
	uint64_t cr3, cr4, cr0, efer;
	uint64_t stack;         /* the CPU's first kernel stack (its idle task's) */
	uint64_t entry;         /* ap_entry */
	uint64_t cpu;           /* its struct cpu */
};

/* Starts every CPU the ACPI tables list; returns how many are online. */
int smp_boot(void);

/* Makes every CPU forget translations for [start, end) of the kernel half
 * (which they all share): local invlpg plus an IPI to the others, waiting
 * for them (the protocol of x86/tlb.h, which also serves user ranges). */
void tlb_shootdown(uint64_t start, uint64_t end);

/* Stops the other CPUs (panic). */
void smp_stop_others(void);

extern int cpus_online;
#endif
