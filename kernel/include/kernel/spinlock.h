/* Spinlocks that also disable interrupts on the local CPU while held, so an
 * interrupt handler taking the same lock can never deadlock against us. */
#pragma once
#include <stdint.h>
#include <stdbool.h>

struct spinlock {
	volatile uint32_t locked;
	const char *name;
};

#define SPINLOCK_INIT(n) { .locked = 0, .name = (n) }

/* Returns the interrupt flag to hand back to spin_unlock_irqrestore. */
uint64_t spin_lock_irqsave(struct spinlock *lk);
void spin_unlock_irqrestore(struct spinlock *lk, uint64_t flags);
