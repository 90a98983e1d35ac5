/* Sleeping locks: for code that may wait while holding the lock (disk
 * I/O). A task that finds the mutex taken sleeps on its wait queue
 * instead of spinning. Never take one in an interrupt handler, with a
 * spinlock held or with interrupts off: lock checking (kernel/lockdep.h)
 * panics if you do. */
#pragma once
#include <kernel/types.h>
#include <kernel/lockdep.h>
#include <kernel/wait.h>

struct task;

struct mutex {
	struct task *volatile owner;    /* NULL when free */
	struct wait_queue waiters;
	struct lockdep_map dep;         /* lock checking (empty without it) */
};

/* The mutexes one call site initialises form one lock class, named
 * after the argument ("&inode->lock"). */
#ifdef CONFIG_LOCKDEP
#define mutex_init(m) do {                                                      \
	static struct lock_class_key __key = { .file = __FILE__, .line = __LINE__ }; \
	__mutex_init((m), #m, &__key);                                          \
} while (0)
/* For locks of one class that nest by a role the checker cannot see
 * (the buffer cache's: an inode's indirect block, then a bitmap block):
 * ownership is checked, order is not (Linux's novalidate class). */
#define mutex_init_unordered(m) do {                                            \
	static struct lock_class_key __key = { .file = __FILE__, .line = __LINE__,    \
					       .unordered = true };               \
	__mutex_init((m), #m, &__key);                                          \
} while (0)
#else
#define mutex_init(m) __mutex_init((m), NULL, NULL)
#define mutex_init_unordered(m) __mutex_init((m), NULL, NULL)
#endif
void __mutex_init(struct mutex *m, const char *name, struct lock_class_key *key);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
/* Takes m if it is free and returns true; never sleeps. */
bool mutex_trylock(struct mutex *m);
/* True if the current task holds m. */
bool mutex_held(struct mutex *m);
