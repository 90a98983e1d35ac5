/* Sleeping until something happens: the one primitive wait4, nanosleep,
 * and later pipes, futexes and poll all use.
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
 * CLOCK_MONOTONIC (clock_now_ns()), or WAIT_FOREVER. */
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

/* Sleeps until the deadline (nanosleep), or until a fatal signal ends
 * the process. */
void sleep_until(uint64_t deadline_ns);

/* Returns 0 once cond holds, -ETIMEDOUT if the deadline passes first. */
#define wait_event(wq, cond, deadline) ({                               \
	struct waiter __w = { .exclusive = false };                     \
	long __ret = 0;                                                  \
	for (;;) {                                                       \
		wait_prepare((wq), &__w);                                \
		if (cond)                                                \
			break;                                           \
		if (!schedule_until(deadline)) {                         \
			__ret = (cond) ? 0 : -ETIMEDOUT;                 \
			break;                                           \
		}                                                        \
	}                                                                \
	wait_finish((wq), &__w);                                         \
	__ret;                                                           \
})

/* Timers: run a function at a deadline, from the timer interrupt. */
struct timer {
	struct list_head link;
	uint64_t deadline_ns;
	void (*fn)(struct timer *t);
	bool armed;
};
void timer_arm(struct timer *t, uint64_t deadline_ns);
void timer_cancel(struct timer *t);
/* Runs the timers that are due (called on every tick). */
void timers_run(void);
