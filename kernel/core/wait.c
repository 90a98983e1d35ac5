/* Wait queues, sleeping with a deadline, and the timers behind deadlines
 * (kernel/wait.h). */
#include <kernel/types.h>
#include <kernel/panic.h>
#include <proc/sched.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <kernel/wait.h>
#include <time/clock.h>

void wait_queue_init(struct wait_queue *wq)
{
	spin_lock_init(&wq->lock, "waitqueue");
	list_init(&wq->waiters);
	list_init(&wq->callbacks);
}

void __wait_queue_init(struct wait_queue *wq, const char *name, struct lock_class_key *key)
{
	__spin_lock_init(&wq->lock, name, key);
	list_init(&wq->waiters);
	list_init(&wq->callbacks);
}

void wait_prepare(struct wait_queue *wq, struct waiter *w)
{
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	if (!w->task) {
		w->task = current;
		list_add_tail(&w->link, &wq->waiters);
	}
	/* Asleep before the caller tests its condition (see wait.h). The
	 * lock's release orders this store before that test. */
	current->state = TASK_SLEEPING;
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wait_finish(struct wait_queue *wq, struct waiter *w)
{
	current->state = TASK_RUNNING;
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	if (w->task)
		list_del(&w->link);
	w->task = NULL;
	spin_unlock_irqrestore(&wq->lock, flags);
}

// LAB 3 BEGIN(exercise 6): wake the sleepers of a wait queue
static void wake(struct wait_queue *wq, bool all)
{
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	struct waiter *w;
	list_for_each_entry(w, &wq->waiters, link) {
		task_wake(w->task);
		if (!all && w->exclusive)
			break;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
}
// LAB 3 STUB: static void wake(struct wait_queue *wq, bool all) { (void)wq; (void)all; }
// LAB 3 END

/* --- callback waiters ------------------------------------------------------ */

void wait_add_callback(struct wait_queue *wq, struct waiter *w)
{
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	if (!w->queued) {
		w->queued = true;
		/* Non-exclusive first, as Linux's add_wait_queue_exclusive
		 * keeps exclusive entries at the tail: call_callbacks can stop
		 * at the first exclusive one that accepts. */
		if (w->exclusive)
			list_add_tail(&w->link, &wq->callbacks);
		else
			list_add(&w->link, &wq->callbacks);
	}
	spin_unlock_irqrestore(&wq->lock, flags);
	/* Joined before the caller looks at its file's state: pairs with
	 * call_callbacks' fence (its waker changed the state first). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void wait_remove_callback(struct wait_queue *wq, struct waiter *w)
{
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	if (w->queued) {
		list_del(&w->link);
		w->queued = false;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
}

/* Most queues never have a callback: the list is looked at without the
 * lock. The waker has changed the state it wakes for; whoever adds a
 * callback looks at that state after adding it. With a full fence on
 * each side, one of the two sees the other: no event is lost. */
static void call_callbacks(struct wait_queue *wq, unsigned key)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (list_empty(&wq->callbacks))
		return;
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	struct waiter *w, *next;
	list_for_each_entry_safe(w, next, &wq->callbacks, link)
		if (w->func(w, key) && w->exclusive)
			break;
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wake_up_all(struct wait_queue *wq) { call_callbacks(wq, 0); wake(wq, true); }
void wake_up_one(struct wait_queue *wq) { call_callbacks(wq, 0); wake(wq, false); }
void wake_up_poll(struct wait_queue *wq, unsigned key) { call_callbacks(wq, key); wake(wq, true); }

/* --- deadlines ------------------------------------------------------------- */

struct sleep_timer {
	struct timer timer;
	struct task *task;
};

static void wake_sleeper(struct timer *t)
{
	task_wake(container_of(t, struct sleep_timer, timer)->task);
}

bool schedule_until(uint64_t deadline_ns)
{
	if (deadline_ns == WAIT_FOREVER) {
		schedule();
		return true;
	}
	if (clock_now_ns() >= deadline_ns) {
		current->state = TASK_RUNNING;
		return false;
	}
	struct sleep_timer st = { .task = current };
	st.timer.fn = wake_sleeper;
	timer_arm(&st.timer, deadline_ns);
	schedule();
	timer_cancel(&st.timer);
	return clock_now_ns() < deadline_ns;
}

long sleep_until(uint64_t deadline_ns)
{
	might_sleep("sleep_until");     /* even if the deadline has passed */
	/* Woken early (a spurious wake-up), it sleeps again. */
	while (clock_now_ns() < deadline_ns) {
		current->state = TASK_SLEEPING;
		if (wait_interrupted(WAIT_INTERRUPTIBLE)) {
			current->state = TASK_RUNNING;
			return -ERESTARTSYS;
		}
		schedule_until(deadline_ns);
	}
	return 0;
}

bool wait_interrupted(enum wait_mode mode)
{
	/* The caller has just marked itself asleep; a sender sets its flags,
	 * then wakes us (task_wake reads our state under a lock). A full
	 * fence keeps our store of the state before our loads of the flags,
	 * so one of the two sides sees the other. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	switch (mode) {
	case WAIT_INTERRUPTIBLE:
		return signal_pending(current);
	case WAIT_KILLABLE:
		return fatal_signal_pending(current);
	default:
		return false;
	}
}

/* --- timers ---------------------------------------------------------------- */

static struct spinlock timer_lock = SPINLOCK_INIT("timers");
static struct list_head timers = LIST_HEAD_INIT(timers);   /* by deadline */

/* Into the list, in deadline order; timer_lock held. */
static void insert_timer(struct timer *t, uint64_t deadline_ns)
{
	t->deadline_ns = deadline_ns;
	struct list_head *pos = timers.next;
	while (pos != &timers && list_entry(pos, struct timer, link)->deadline_ns <= deadline_ns)
		pos = pos->next;
	list_insert(&t->link, pos->prev, pos);
	t->armed = true;
}

void timer_arm(struct timer *t, uint64_t deadline_ns)
{
	uint64_t flags = spin_lock_irqsave(&timer_lock);
	insert_timer(t, deadline_ns);
	spin_unlock_irqrestore(&timer_lock, flags);
}

void timer_rearm_from_fn(struct timer *t, uint64_t deadline_ns)
{
	assert_held(&timer_lock);
	insert_timer(t, deadline_ns);
}

void timer_cancel(struct timer *t)
{
	uint64_t flags = spin_lock_irqsave(&timer_lock);
	if (t->armed) {
		list_del(&t->link);
		t->armed = false;
	}
	spin_unlock_irqrestore(&timer_lock, flags);
}

/* Functions run with the timer lock held, so a cancel returns only once
 * its timer's function (on another CPU) has finished. */
void timers_run(void)
{
	if (list_empty(&timers))
		return;
	uint64_t now = clock_now_ns();
	uint64_t flags = spin_lock_irqsave(&timer_lock);
	while (!list_empty(&timers)) {
		struct timer *t = list_first_entry(&timers, struct timer, link);
		if (t->deadline_ns > now)
			break;
		list_del(&t->link);
		t->armed = false;
		t->fn(t);
	}
	spin_unlock_irqrestore(&timer_lock, flags);
}
