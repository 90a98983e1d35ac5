/* Sleeping on many wait queues at once (fs/poll.h).
 *
 * A poller keeps one struct waiter per queue its files registered on,
 * each in a poll_entry with a reference to its file (so the queue cannot
 * be freed under us if another thread closes the fd meanwhile).
 *
 * The order that makes wake-ups impossible to lose is wait.h's: mark the
 * task asleep, then check, then schedule. With several queues the mark
 * must come once, before the first file is checked: re-marking between
 * two files would erase a wake-up for a file already checked. So the
 * first pass only joins the queues and looks; every later pass marks the
 * task asleep on all of them, checks every file, and only then sleeps.
 *
 * A poll op that takes a contended mutex sleeps in it and comes back
 * running: the next schedule then returns at once, which costs one more
 * pass, never a lost wake-up. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <mm/kmalloc.h>
#include <proc/task.h>
#include <kernel/wait.h>
#include <fs/file.h>
#include <fs/poll.h>

struct poll_entry {
	struct list_head link;
	struct wait_queue *wq;
	struct waiter waiter;
	struct file *file;          /* referenced: it owns wq */
};

void poll_wait(struct wait_queue *wq, struct poll_table *pt)
{
	if (pt && pt->registering)
		pt->queue(wq, pt);
}

/* poll and select's way of joining a queue: as a sleeping task. */
static void poll_queue_task(struct wait_queue *wq, struct poll_table *pt)
{
	struct poll_entry *e = kzalloc(sizeof(*e));
	if (!e) {
		pt->error = -ENOMEM;
		return;
	}
	e->wq = wq;
	e->waiter.exclusive = false;
	e->file = pt->polling;
	file_get(e->file);
	list_add_tail(&e->link, &pt->entries);
	wait_prepare(wq, &e->waiter);
}

unsigned vfs_poll(struct file *f, struct poll_table *pt)
{
	if (!f->fop || !f->fop->poll)
		return DEFAULT_POLLMASK;
	if (pt)
		pt->polling = f;
	unsigned mask = f->fop->poll(f, pt);
	if (pt)
		pt->polling = NULL;
	return mask;
}

/* Marks the task asleep, once, on every queue joined (or plainly, when
 * no file had a queue: then only the deadline wakes it). */
static void mark_asleep(struct poll_table *pt)
{
	if (list_empty(&pt->entries)) {
		current->state = TASK_SLEEPING;
		return;
	}
	struct poll_entry *e;
	list_for_each_entry(e, &pt->entries, link)
		wait_prepare(e->wq, &e->waiter);
}

static void leave_all(struct poll_table *pt)
{
	struct poll_entry *e, *tmp;
	list_for_each_entry_safe(e, tmp, &pt->entries, link) {
		wait_finish(e->wq, &e->waiter);
		file_put(e->file);
		kfree(e);
	}
	current->state = TASK_RUNNING;
}

/* A signal to act on ends the wait with -ERESTARTNOHAND, Linux's code
 * for poll and select: made again if no handler runs (a stop), EINTR if
 * one does (proc/signal_deliver.c). The check is wait.h's wait_interrupted, after
 * the scan, with the task marked asleep, as in wait_event. */
long poll_until(poll_scan_fn scan, void *arg, uint64_t deadline)
{
	struct poll_table pt = { .queue = poll_queue_task, .registering = deadline != POLL_NO_WAIT };
	list_init(&pt.entries);
	bool timed_out = deadline == POLL_NO_WAIT, first = true;
	long ret;
	for (;;) {
		if (!first)
			mark_asleep(&pt);
		ret = scan(arg, pt.registering ? &pt : NULL);
		if (ret == 0 && pt.error)
			ret = pt.error;
		if (ret != 0 || timed_out)
			break;
		if (first) {
			/* Joined while checking: look again, asleep from the start. */
			first = false;
			pt.registering = false;
			continue;
		}
		if (wait_interrupted(WAIT_INTERRUPTIBLE)) {
			ret = -ERESTARTNOHAND;
			break;
		}
		/* One last pass after the deadline, as Linux does. */
		if (!schedule_until(deadline))
			timed_out = true;
	}
	leave_all(&pt);
	return ret;
}
