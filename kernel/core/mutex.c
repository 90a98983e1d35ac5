/* Sleeping locks (kernel/mutex.h), built on a wait queue. */
#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <proc/task.h>

void __mutex_init(struct mutex *m, const char *name, struct lock_class_key *key)
{
	m->owner = NULL;
	wait_queue_init(&m->waiters);
	lockdep_init_map(&m->dep, name, key);
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
	lockdep_before(&m->dep, LOCK_MUTEX, LOCKDEP_CALLER);
	if (m->owner == current)
		panic("mutex_lock: %s already holds this mutex", current->name);
	if (!mutex_try(m)) {
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
	lockdep_acquired(&m->dep, LOCK_MUTEX, LOCKDEP_CALLER);
}

bool mutex_trylock(struct mutex *m)
{
	if (!mutex_try(m))
		return false;
	lockdep_acquired(&m->dep, LOCK_MUTEX, LOCKDEP_CALLER);
	return true;
}

void mutex_unlock(struct mutex *m)
{
	lockdep_release(&m->dep, LOCK_MUTEX, LOCKDEP_CALLER);
	if (m->owner != current)
		panic("mutex_unlock: %s does not hold this mutex", current->name);
	__atomic_store_n(&m->owner, NULL, __ATOMIC_RELEASE);
	wake_up_one(&m->waiters);
}

bool mutex_held(struct mutex *m)
{
	return m->owner == current;
}

void mutex_assert_held(struct mutex *m)
{
	lockdep_assert_held(&m->dep, LOCK_MUTEX, LOCKDEP_CALLER);
}
