/* Spinlocks (see kernel/spinlock.h). Interrupts are disabled before the
 * lock is taken, and restored only after it is released. */
#include <kernel/spinlock.h>
#include <x86/cpu.h>

uint64_t spin_lock_irqsave(struct spinlock *lk)
{
	uint64_t flags = irq_save();
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE))
		while (lk->locked)
			cpu_relax();
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *lk, uint64_t flags)
{
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	irq_restore(flags);
}
