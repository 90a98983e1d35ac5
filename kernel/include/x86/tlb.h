/* TLBs and address spaces on several CPUs (arch/x86_64/tlb.c).
 *
 * Each CPU caches translations in its TLB. Changing or removing a present
 * user page-table entry must make every CPU that may hold the old one
 * forget it before the change counts as done (and before a frame that was
 * mapped there is freed): locally with invlpg, on the other CPUs by an
 * interrupt that asks them to do the same ("shootdown"). mm->cpumask says
 * which CPUs to ask: those that have the mm's page tables in CR3 now. */
#pragma once
#include <kernel/types.h>

struct mm;

/* Loads mm's page tables on this CPU (NULL: the kernel's), unless they
 * are loaded already, and keeps mm_cpumask up to date: this CPU leaves
 * the old mm's set once its CR3 no longer points there. */
void mm_activate(struct mm *mm);

/* Makes every CPU forget mm's translations of [start, end): this one,
 * and the others in mm->cpumask, waiting until they have. Call after the
 * page-table change and before freeing the frames that were mapped. Any
 * context but an interrupt handler; interrupts may be off, spinlocks held
 * (mm->lock). */
void tlb_flush_mm_range(struct mm *mm, uint64_t start, uint64_t end);
/* The whole user half (fork write-protecting the parent). */
void tlb_flush_mm(struct mm *mm);

/* Asks the CPUs in the mask (not this one) to flush [start, end) and waits
 * until all of them have; start == end asks for nothing but the interrupt
 * itself, a full memory barrier on each (membarrier). */
void smp_flush_cpus(uint64_t cpus, uint64_t start, uint64_t end);
/* Answers the requests other CPUs sent here: called by the interrupt and
 * by every loop that spins with interrupts off (spinlocks, the wait for
 * a shootdown), so that two CPUs waiting for each other never deadlock. */
void smp_answer_requests(void);
/* True once other CPUs run: spin loops call smp_answer_requests then. */
extern volatile bool smp_requests_live;

/* Statistics (make bench; the SMP tests): shootdowns that had to
 * interrupt other CPUs, and those that flushed only this one. */
extern uint64_t tlb_remote_flushes, tlb_local_flushes;
/* Registers the shootdown interrupt (smp.c, at boot). */
void tlb_init_vectors(void);
