/* Spinlocks (see kernel/spinlock.h). Interrupts are disabled before the
 * lock is taken, and restored only after it is released. The checks of
 * kernel/lockdep.h run before spinning, so a deadlock is reported
 * instead of hanging. */
#include <kernel/spinlock.h>
#include <kernel/compiler.h>
#include <x86/cpu.h>
#include <x86/tlb.h>

void __spin_lock_init(struct spinlock *lk, const char *name, struct lock_class_key *key)
{
	lk->locked = 0;
	lk->name = name;
	lockdep_init_map(&lk->dep, name, key);
}

uint64_t spin_lock_irqsave(struct spinlock *lk)
{
	uint64_t flags = irq_save();
	lockdep_before(&lk->dep, LOCK_SPIN, LOCKDEP_CALLER);
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE))
		while (lk->locked) {
			/* Interrupts are off: a shootdown the holder may be
			 * waiting for is answered here (x86/tlb.h). */
			if (smp_requests_live)
				smp_answer_requests();
			cpu_relax();
		}
	lockdep_acquired(&lk->dep, LOCK_SPIN, LOCKDEP_CALLER);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *lk, uint64_t flags)
{
	lockdep_release(&lk->dep, LOCK_SPIN, LOCKDEP_CALLER);
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	irq_restore(flags);
}

void spin_assert_held(struct spinlock *lk)
{
	lockdep_assert_held(&lk->dep, LOCK_SPIN, LOCKDEP_CALLER);
}
