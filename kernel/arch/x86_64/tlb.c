/* TLB shootdown and mm_cpumask (x86/tlb.h).
 *
 * The protocol. Each CPU owns one request record, which it fills before
 * asking others (a CPU sends one request at a time: the kernel does not
 * preempt itself, and interrupt handlers never send). To ask CPU j it sets
 * bit i (its own number) in j's inbox, then sends j the VEC_TLB_FLUSH
 * interrupt. CPU j takes its whole inbox with one atomic exchange and,
 * for every bit, performs that request and decrements its `pending`
 * count. The sender waits for the count to reach 0.
 *
 * The sender may wait with interrupts off (it holds mm->lock, a
 * spinlock), so the interrupt alone cannot be relied on: a CPU spinning
 * with interrupts off — in this wait, or for any spinlock — reads its
 * inbox too (smp_answer_requests). Two CPUs shooting down at each other,
 * or one waiting for a lock the other holds while it shoots down, both
 * make progress. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <mm/vm.h>
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/paging.h>
#include <x86/percpu.h>
#include <x86/tlb.h>
#include <x86/trap.h>

/* Beyond this many pages a reload of CR3 is cheaper than invlpg each. */
#define FLUSH_ALL_PAGES 32

struct flush_request {
	uint64_t start, end;
	int pending;                /* CPUs that have not answered yet */
};

static struct flush_request requests[MAX_CPUS];     /* by sender */
static uint32_t inbox[MAX_CPUS];                    /* by receiver: a bit per sender */
static struct mm *loaded_mm[MAX_CPUS];              /* whose tables each CPU has in CR3 */
volatile bool smp_requests_live;
uint64_t tlb_remote_flushes, tlb_local_flushes;

static void flush_local(uint64_t start, uint64_t end)
{
	if (end <= USER_TOP && end - start > FLUSH_ALL_PAGES * PAGE_SIZE) {
		write_cr3(read_cr3());      /* drops every non-global translation */
		return;
	}
	for (uint64_t va = start; va < end; va += PAGE_SIZE)
		invlpg(va);
}

void smp_answer_requests(void)
{
	int me = this_cpu()->id;
	uint32_t senders = __atomic_exchange_n(&inbox[me], 0, __ATOMIC_ACQUIRE);
	while (senders) {
		struct flush_request *r = &requests[__builtin_ctz(senders)];
		senders &= senders - 1;
		flush_local(r->start, r->end);
		/* Release: our flush (and every access before it) is done
		 * before the sender may go on and free the frames. */
		__atomic_sub_fetch(&r->pending, 1, __ATOMIC_RELEASE);
	}
}

void smp_flush_cpus(uint64_t cpus_mask, uint64_t start, uint64_t end)
{
	int me = this_cpu()->id;
	cpus_mask &= ~(1ull << me);
	if (!cpus_mask)
		return;
	struct flush_request *r = &requests[me];
	r->start = start;
	r->end = end;
	int n = 0;
	for (uint64_t m = cpus_mask; m; m &= m - 1)
		n++;
	__atomic_store_n(&r->pending, n, __ATOMIC_RELAXED);
	for (uint64_t m = cpus_mask; m; m &= m - 1) {
		int cpu = __builtin_ctzll(m);
		/* Release: the record is filled before the bit is seen. */
		__atomic_or_fetch(&inbox[cpu], 1u << me, __ATOMIC_RELEASE);
		lapic_send_ipi(cpus[cpu].apic_id, VEC_TLB_FLUSH);
	}
	while (__atomic_load_n(&r->pending, __ATOMIC_ACQUIRE) > 0) {
		smp_answer_requests();      /* theirs may be waiting for us */
		cpu_relax();
	}
	__atomic_add_fetch(&tlb_remote_flushes, 1, __ATOMIC_RELAXED);
}

void tlb_flush_mm_range(struct mm *mm, uint64_t start, uint64_t end)
{
	if (start >= end)
		return;
	/* Stay on this CPU between reading its number and flushing. */
	uint64_t irq = irq_save();
	struct cpu *c = this_cpu();
	if (loaded_mm[c->id] == mm)
		flush_local(start, end);
	bool remote = false;
	// LAB 6 BEGIN(exercise 6): shoot down the other CPUs that run mm
	/* The page-table writes must be visible before we read the set: a
	 * CPU that joins after this read loads CR3 after them, and so walks
	 * the new entries (mm_activate sets its bit before loading CR3). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t others = __atomic_load_n(&mm->cpumask, __ATOMIC_RELAXED) & ~(1ull << c->id);
	if (others) {
		smp_flush_cpus(others, start, end);
		remote = true;
	}
	// LAB 6 STUB: /* Only this CPU's TLB: right while mm runs on one CPU at a time. */
	// LAB 6 END
	if (!remote)
		__atomic_add_fetch(&tlb_local_flushes, 1, __ATOMIC_RELAXED);
	irq_restore(irq);
}

void tlb_flush_mm(struct mm *mm)
{
	tlb_flush_mm_range(mm, 0, USER_TOP);
}

void mm_activate(struct mm *mm)
{
	struct cpu *c = this_cpu();
	struct mm *old = loaded_mm[c->id];
	pte_t *pml4 = mm ? mm->pml4 : kernel_pml4;
	if (old == mm && pt_current() == pml4)
		return;     /* threads of one process: their TLB entries stay */
	uint64_t bit = 1ull << c->id;
	/* Join before loading CR3, leave after: between the two, the set
	 * holds every CPU that may have translations of the mm. */
	if (mm)
		__atomic_or_fetch(&mm->cpumask, bit, __ATOMIC_SEQ_CST);
	loaded_mm[c->id] = mm;
	pt_switch(pml4);
	if (old && old != mm)
		__atomic_and_fetch(&old->cpumask, ~bit, __ATOMIC_SEQ_CST);
}

static void tlb_flush_interrupt(struct trap_frame *tf)
{
	(void)tf;
	smp_answer_requests();
	lapic_eoi();
}

void tlb_init_vectors(void)
{
	vector_register(VEC_TLB_FLUSH, tlb_flush_interrupt);
}
