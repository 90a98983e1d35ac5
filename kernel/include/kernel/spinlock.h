/* Spinlocks that also disable interrupts on the local CPU while held, so an
 * interrupt handler taking the same lock can never deadlock against us.
 * With lock checking on (kernel/lockdep.h) each knows the CPU holding it
 * and where it was taken. */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include <kernel/lockdep.h>

struct spinlock {
	volatile uint32_t locked;
	const char *name;
	struct lockdep_map dep;         /* lock checking (empty without it) */
};

/* For static locks only: each is a lock class of its own. */
#define SPINLOCK_INIT(n) { .locked = 0, .name = (n) LOCKDEP_MAP_INIT(n) }

/* For locks in memory allocated at run time: the locks initialised by
 * one call site form one lock class. */
#ifdef CONFIG_LOCKDEP
#define spin_lock_init(lk, n) do {                                              \
	static struct lock_class_key __key = { .file = __FILE__, .line = __LINE__ }; \
	__spin_lock_init((lk), (n), &__key);                                    \
} while (0)
#else
#define spin_lock_init(lk, n) __spin_lock_init((lk), (n), NULL)
#endif
void __spin_lock_init(struct spinlock *lk, const char *name, struct lock_class_key *key);

/* Returns the interrupt flag to hand back to spin_unlock_irqrestore. */
uint64_t spin_lock_irqsave(struct spinlock *lk);
void spin_unlock_irqrestore(struct spinlock *lk, uint64_t flags);
