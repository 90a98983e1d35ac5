/* Sleeping locks: for code that may wait while holding the lock (disk
 * I/O, copies from user memory). A task that finds the mutex taken sleeps
 * on its wait queue instead of spinning. Never take one in an interrupt
 * handler, or with a spinlock held. */
#pragma once
#include <kernel/types.h>
#include <proc/wait.h>

struct task;

struct mutex {
	struct task *volatile owner;    /* NULL when free */
	struct wait_queue waiters;
};

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
/* Takes m if it is free and returns true; never sleeps. */
bool mutex_trylock(struct mutex *m);
/* True if the current task holds m (for assertions). */
bool mutex_held(struct mutex *m);
