/* membarrier: a memory barrier on every CPU that runs the caller's threads
 * (or every CPU), without those threads executing one. Userspace RCU and
 * JIT compilers use it to make their fast paths barrier-free.
 *
 * A CPU that takes an interrupt has ordered its memory accesses around it
 * (an interrupt serializes the x86 CPU), so the kernel interrupts the CPUs
 * in question with the shootdown protocol's empty request (x86/tlb.h) and
 * waits for them. The expedited private commands use the mm's cpumask;
 * GLOBAL and GLOBAL_EXPEDITED interrupt every online CPU (Linux's GLOBAL
 * waits for an RCU grace period instead: the same guarantee, slower). The
 * SYNC_CORE variants get the same: the return to user mode after the
 * interrupt (iretq) serializes the instruction stream. The RSEQ variants
 * are accepted as Linux 6.1 does: with no rseq critical sections
 * (sys_rseq is ENOSYS here) there is nothing to restart. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/membarrier.h>
#include <mm/vm.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/cpu.h>
#include <x86/percpu.h>
#include <x86/tlb.h>

/* Linux 6.1's answer to MEMBARRIER_CMD_QUERY on x86_64 (CONFIG_RSEQ). */
#define MEMBARRIER_SUPPORTED                                                       \
	(MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED |                 \
	 MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED | \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED |                               \
	 MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE |                              \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE |                     \
	 MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ)

static uint64_t online_cpus(void)
{
	uint64_t mask = 0;
	for (int i = 0; i < ncpus; i++)
		if (cpus[i].online)
			mask |= 1ull << i;
	return mask;
}

/* A full barrier here and on every CPU in mask. */
static void barrier_on(uint64_t mask)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t irq = irq_save();
	smp_flush_cpus(mask, 0, 0);
	irq_restore(irq);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* The REGISTER command that a private command needs first. */
static int register_cmd_for(int cmd)
{
	switch (cmd) {
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
		return MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
		return MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE;
	default:
		return MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ;
	}
}

static long private_expedited(struct mm *mm, int cmd, unsigned flags, int cpu_id)
{
	if (!(__atomic_load_n(&mm->membarrier_registered, __ATOMIC_ACQUIRE) & register_cmd_for(cmd)))
		return -EPERM;
	uint64_t mask = __atomic_load_n(&mm->cpumask, __ATOMIC_RELAXED);
	if (flags & MEMBARRIER_CMD_FLAG_CPU) {
		/* One CPU only, if it exists and runs mm (else nothing). */
		if (cpu_id < 0 || cpu_id >= ncpus)
			return 0;
		mask &= 1ull << cpu_id;
	}
	barrier_on(mask);
	return 0;
}

long sys_membarrier(int cmd, unsigned flags, int cpu_id)
{
	struct mm *mm = current->mm;
	unsigned allowed = cmd == MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ ? MEMBARRIER_CMD_FLAG_CPU : 0;
	if (flags & ~allowed)
		return -EINVAL;
	switch (cmd) {
	case MEMBARRIER_CMD_QUERY:
		return MEMBARRIER_SUPPORTED;
	case MEMBARRIER_CMD_GLOBAL:
	case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
		barrier_on(online_cpus());
		return 0;
	case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ:
		__atomic_or_fetch(&mm->membarrier_registered, (unsigned)cmd, __ATOMIC_RELEASE);
		return 0;
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ:
		return private_expedited(mm, cmd, flags, cpu_id);
	default:
		return -EINVAL;
	}
}
