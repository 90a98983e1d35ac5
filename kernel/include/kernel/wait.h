/* Sleeping until something happens: the one primitive wait4, nanosleep,
 * pipes, the tty, futexes and poll all use.
 *
 * A wait queue is a list of sleeping tasks. To wait for a condition:
 *
 *     long err = wait_event(&wq, cond, deadline);
 *
 * which loops: join the queue and mark ourselves asleep, then test cond,
 * then (still false) give up the CPU. Whoever makes cond true calls
 * wake_up_all(&wq) (or wake_up_one) afterwards. Because the task is
 * marked asleep *before* it tests cond, a wake-up between the test and
 * the switch is not lost: it just marks the task running again, and
 * schedule() comes straight back. deadline is in nanoseconds of
 * CLOCK_MONOTONIC (clock_now_ns()), or WAIT_FOREVER.
 *
 * Every sleep that may last must end for a signal: wait_event_interruptible
 * (and _killable) below test wait_interrupted() in the same loop, after
 * the condition, and send_signal wakes the sleepers. One mechanism, so no
 * caller checks signals itself.
 *
 * A queue can also call functions instead of waking tasks (Linux's
 * wait_queue_entry.func): epoll stays on the queues of the files it
 * watches while nobody sleeps, and its function, run by every wake-up
 * under the queue's lock, puts the file on epoll's ready list. Such
 * waiters (wait_add_callback) sit on a list of their own, so the
 * sleeping tasks' list, and the code that wakes them, stay as they are. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/errno.h>

struct task;

struct wait_queue {
	struct spinlock lock;
	struct list_head waiters;       /* sleeping tasks (struct waiter with a task) */
	struct list_head callbacks;     /* struct waiter with a func */
};

#define WAIT_QUEUE_INIT(wq, name) {                             \
	.lock = SPINLOCK_INIT(name),                            \
	.waiters = LIST_HEAD_INIT((wq).waiters),                \
	.callbacks = LIST_HEAD_INIT((wq).callbacks),            \
}

struct waiter;
/* Called by a wake-up with the queue's lock held (interrupts off, no
 * sleeping). key: the poll events the wake-up is about (POLLIN...), or
 * 0 when the waker does not say. Returns whether the waiter took the
 * wake-up: an exclusive one that did ends the wake-up (see below). */
typedef bool (*wake_fn)(struct waiter *w, unsigned key);

struct waiter {
	struct list_head link;
	struct task *task;      /* a sleeper: the task; NULL when not queued */
	bool exclusive;         /* wake_up_one wakes one exclusive waiter */
	wake_fn func;           /* a callback waiter: called instead */
	bool queued;            /* a callback waiter is on its queue */
};

#define WAIT_FOREVER UINT64_MAX

void wait_queue_init(struct wait_queue *wq);
/* A queue whose lock is a class of its own (the call site's, kernel/
 * lockdep.h), for queues woken from a callback, with another queue's lock
 * held: epoll's. nested: queues of the class also nest in each other
 * (an epoll watching an epoll), in an order the checker cannot see. */
#ifdef CONFIG_LOCKDEP
#define wait_queue_init_class(wq, name, nested) do {                            \
	static struct lock_class_key __key = { .file = __FILE__, .line = __LINE__,    \
					       .unordered = (nested) };           \
	__wait_queue_init((wq), (name), &__key);                                \
} while (0)
#else
#define wait_queue_init_class(wq, name, nested) __wait_queue_init((wq), (name), NULL)
#endif
void __wait_queue_init(struct wait_queue *wq, const char *name, struct lock_class_key *key);
/* Joins wq (once) and marks the current task asleep. */
void wait_prepare(struct wait_queue *wq, struct waiter *w);
/* Marks the current task running and leaves wq. */
void wait_finish(struct wait_queue *wq, struct waiter *w);
void wake_up_all(struct wait_queue *wq);
void wake_up_one(struct wait_queue *wq);
/* wake_up_all saying what happened (POLLIN when data came...): a
 * callback whose interest is elsewhere ignores it. */
void wake_up_poll(struct wait_queue *wq, unsigned key);

/* Callback waiters. Every wake-up calls w->func of each non-exclusive
 * one, then of the exclusive ones in order until one returns true (as
 * Linux's wakers of files do: one exclusive entry per event). Added
 * with func and exclusive set; stays until removed. */
void wait_add_callback(struct wait_queue *wq, struct waiter *w);
/* Leaves the queue (if still on it); once this returns, w->func is not
 * running and will not run again for wq. */
void wait_remove_callback(struct wait_queue *wq, struct waiter *w);

/* Gives up the CPU until woken or until the deadline passes; returns
 * false if the deadline passed. The caller has marked itself asleep. */
bool schedule_until(uint64_t deadline_ns);

/* Sleeps until the deadline (nanosleep): 0, or -ERESTARTSYS if a signal
 * (wait_interrupted) cut the sleep short. */
long sleep_until(uint64_t deadline_ns);

/* Should a sleep of the current task end because of a signal? Every
 * sending of a signal that must be acted on wakes the thread that is to
 * act on it (all of them for an exit or a stop: proc/signal_send.c), so
 * a sleeper woken for that finds this true.
 * interruptible: any signal acted on at the next return to user mode (a
 * fatal one, a stop, or one whose handler must run);
 * killable: only a fatal one (the process is ending). */
enum wait_mode { WAIT_UNINTERRUPTIBLE, WAIT_INTERRUPTIBLE, WAIT_KILLABLE };
bool wait_interrupted(enum wait_mode mode);

#define __wait_event(wq, cond, deadline, mode) ({                       \
	struct waiter __w = { .exclusive = false };                     \
	long __ret = 0;                                                  \
	for (;;) {                                                       \
		wait_prepare((wq), &__w);                                \
		if (cond)                                                \
			break;                                           \
		if ((mode) != WAIT_UNINTERRUPTIBLE && wait_interrupted(mode)) { \
			__ret = -ERESTARTSYS;                            \
			break;                                           \
		}                                                        \
		if (!schedule_until(deadline)) {                         \
			__ret = (cond) ? 0 : -ETIMEDOUT;                 \
			break;                                           \
		}                                                        \
	}                                                                \
	wait_finish((wq), &__w);                                         \
	__ret;                                                           \
})

/* Returns 0 once cond holds, -ETIMEDOUT if the deadline passes first.
 * Only for waits that end soon whatever happens (a disk request, a
 * lock): signals do not end them. */
#define wait_event(wq, cond, deadline) __wait_event(wq, cond, deadline, WAIT_UNINTERRUPTIBLE)

/* The same, but a signal to act on ends the wait with -ERESTARTSYS: what
 * every wait for another process or for the outside world uses (pipes,
 * the tty, poll, futexes, wait4). The caller returns that code (or
 * -ERESTARTNOHAND, or what it did so far) from its system call. */
#define wait_event_interruptible(wq, cond, deadline) \
	__wait_event(wq, cond, deadline, WAIT_INTERRUPTIBLE)

/* Only a fatal signal ends the wait (Linux's TASK_KILLABLE): for waits
 * that a stop must not cut short (a vfork parent). */
#define wait_event_killable(wq, cond, deadline) __wait_event(wq, cond, deadline, WAIT_KILLABLE)

/* Timers: run a function at a deadline, from the timer interrupt. */
struct timer {
	struct list_head link;
	uint64_t deadline_ns;
	void (*fn)(struct timer *t);
	bool armed;
};
void timer_arm(struct timer *t, uint64_t deadline_ns);
void timer_cancel(struct timer *t);
/* From t's own function (which runs with the timers' lock held): arms
 * t again, for a periodic timer. */
void timer_rearm_from_fn(struct timer *t, uint64_t deadline_ns);
/* Runs the timers that are due (called on every tick). */
void timers_run(void);
