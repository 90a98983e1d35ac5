/* Sleeping locks (kernel/mutex.h), built on a wait queue. */
#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <proc/task.h>

void mutex_init(struct mutex *m)
{
	m->owner = NULL;
	wait_queue_init(&m->waiters);
}

/* Takes the lock if free: one compare-and-swap. */
static bool mutex_try(struct mutex *m)
{
	struct task *none = NULL;
	return __atomic_compare_exchange_n(&m->owner, &none, current, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void mutex_lock(struct mutex *m)
{
	if (m->owner == current)
		panic("mutex_lock: %s already holds this mutex", current->name);
	if (mutex_try(m))
		return;
	/* Sleep until a release lets us win the race for it. */
	struct waiter w = { .exclusive = true };
	for (;;) {
		wait_prepare(&m->waiters, &w);
		if (mutex_try(m))
			break;
		schedule_until(WAIT_FOREVER);
	}
	wait_finish(&m->waiters, &w);
}

bool mutex_trylock(struct mutex *m)
{
	return mutex_try(m);
}

void mutex_unlock(struct mutex *m)
{
	if (m->owner != current)
		panic("mutex_unlock: %s does not hold this mutex", current->name);
	__atomic_store_n(&m->owner, NULL, __ATOMIC_RELEASE);
	wake_up_one(&m->waiters);
}

bool mutex_held(struct mutex *m)
{
	return m->owner == current;
}
