/* The reaper (proc/reaper.h): kmain, once the processes do the work,
 * frees the tasks that ended with nobody to wait for them. */
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <proc/reaper.h>
#include <proc/task.h>
#include <kernel/wait.h>

static struct spinlock dead_lock = SPINLOCK_INIT("reaper");
static struct list_head dead = LIST_HEAD_INIT(dead);     /* by task->sibling */
static struct wait_queue reaper_wait = WAIT_QUEUE_INIT(reaper_wait, "reaper-wait");

void reap_later(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&dead_lock);
	list_add_tail(&t->sibling, &dead);
	spin_unlock_irqrestore(&dead_lock, flags);
	wake_up_all(&reaper_wait);
}

/* The next task to free, taken off the list, or NULL. */
static struct task *next_dead(void)
{
	struct task *t = NULL;
	uint64_t flags = spin_lock_irqsave(&dead_lock);
	if (!list_empty(&dead)) {
		t = list_first_entry(&dead, struct task, sibling);
		list_del(&t->sibling);
	}
	spin_unlock_irqrestore(&dead_lock, flags);
	return t;
}

static bool have_dead(void)
{
	uint64_t flags = spin_lock_irqsave(&dead_lock);
	bool any = !list_empty(&dead);
	spin_unlock_irqrestore(&dead_lock, flags);
	return any;
}

void reaper_loop(void)
{
	for (;;) {
		wait_event(&reaper_wait, have_dead(), WAIT_FOREVER);
		struct task *t;
		while ((t = next_dead()))
			task_free(t);       /* waits until t is off its CPU */
	}
}
