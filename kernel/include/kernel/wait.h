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
 * caller checks signals itself. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/errno.h>

struct task;

struct wait_queue {
	struct spinlock lock;
	struct list_head waiters;
};

struct waiter {
	struct list_head link;
	struct task *task;
	bool exclusive;         /* wake_up_one wakes one exclusive waiter */
};

#define WAIT_FOREVER UINT64_MAX

void wait_queue_init(struct wait_queue *wq);
/* Joins wq (once) and marks the current task asleep. */
void wait_prepare(struct wait_queue *wq, struct waiter *w);
/* Marks the current task running and leaves wq. */
void wait_finish(struct wait_queue *wq, struct waiter *w);
void wake_up_all(struct wait_queue *wq);
void wake_up_one(struct wait_queue *wq);

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
