/* Spinlocks (see kernel/spinlock.h). Interrupts are disabled before the
 * lock is taken, and restored only after it is released. The checks of
 * kernel/lockdep.h run before spinning, so a deadlock is reported
 * instead of hanging. */
#include <kernel/spinlock.h>
#include <kernel/compiler.h>
#include <x86/cpu.h>

void __spin_lock_init(struct spinlock *lk, const char *name, struct lock_class_key *key)
{
	lk->locked = 0;
	lk->name = name;
#ifdef CONFIG_LOCKDEP
	lockdep_init_map(&lk->dep, name, key);
#else
	(void)key;
#endif
}

uint64_t spin_lock_irqsave(struct spinlock *lk)
{
	uint64_t flags = irq_save();
#ifdef CONFIG_LOCKDEP
	lockdep_before(&lk->dep, LOCK_SPIN, LOCKDEP_CALLER);
#endif
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE))
		while (lk->locked)
			cpu_relax();
#ifdef CONFIG_LOCKDEP
	lockdep_acquired(&lk->dep, LOCK_SPIN, LOCKDEP_CALLER);
#endif
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *lk, uint64_t flags)
{
#ifdef CONFIG_LOCKDEP
	lockdep_release(&lk->dep, LOCK_SPIN, LOCKDEP_CALLER);
#endif
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	irq_restore(flags);
}

void spin_assert_held(struct spinlock *lk)
{
#ifdef CONFIG_LOCKDEP
	lockdep_assert_held(&lk->dep, LOCK_SPIN, LOCKDEP_CALLER);
#else
	(void)lk;
#endif
}
