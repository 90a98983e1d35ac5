/* epoll_wait, epoll_pwait and epoll_pwait2 (fs/eventpoll/internal.h):
 * the harvest of the ready list, and sleeping until it has something. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <mm/kmalloc.h>
#include <linux/time_types.h>
#include <proc/task.h>
#include <x86/uaccess.h>
#include <x86/memlayout.h>
#include <syscall/syscalls.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/poll.h>
#include "internal.h"

/* Linux's EP_MAX_EVENTS: maxevents above it is EINVAL. */
#define EP_MAX_EVENTS (INT32_MAX / (int)sizeof(struct epoll_event))
/* The buffer a call gathers its events in has room for every ready item
 * (up to maxevents), as Linux fills maxevents; if that much memory cannot
 * be had, this many, and the rest stay ready for the next call. */
#define EP_BATCH 1024

/* epi's file reported revents (only events epi asks for): fill *ev with
 * what epoll_wait returns for it, and say whether epi stays on the ready
 * list. ep->lock held. */
static bool ep_report(struct epitem *epi, unsigned revents, struct epoll_event *ev)
{
	// LAB 8 BEGIN(exercise 3): report the events and the caller's data; disarm a one-shot item; only a level-triggered one stays ready
	ev->events = revents;
	ev->data = epi->event.data;
	if (epi->event.events & EPOLLONESHOT) {
		epi->event.events &= EP_PRIVATE_BITS;   /* nothing more until EPOLL_CTL_MOD */
		return false;
	}
	return !(epi->event.events & EPOLLET);
	// LAB 8 STUB: return false;
	// LAB 8 END
}

/* Back onto the ready list, or off it for good (until a wake-up). */
static void ep_settle(struct eventpoll *ep, struct epitem *epi, bool stays)
{
	if (stays || epi->again) {
		list_add_tail(&epi->rdllink, &ep->rdllist);
		epi->rdstate = EP_READY;
	} else {
		epi->rdstate = EP_IDLE;
	}
}

int ep_harvest(struct eventpoll *ep, struct epoll_event *out, int max, bool peek)
{
	/* The ready list moves to a list of our own, so callbacks meanwhile
	 * (they only mark an item being looked at: `again`) and the polls
	 * below (which may sleep) need no spinlock held. */
	struct list_head tx;
	list_init(&tx);
	struct epitem *epi, *tmp;
	uint64_t flags = spin_lock_irqsave(&ep->lock);
	list_for_each_entry_safe(epi, tmp, &ep->rdllist, rdllink) {
		list_del(&epi->rdllink);
		list_add_tail(&epi->rdllink, &tx);
		epi->rdstate = EP_HARVEST;
		epi->again = false;
	}
	spin_unlock_irqrestore(&ep->lock, flags);

	int n = 0;
	list_for_each_entry_safe(epi, tmp, &tx, rdllink) {
		if (n >= max)
			break;
		list_del(&epi->rdllink);
		unsigned revents = ep_item_poll(epi, false, NULL);
		flags = spin_lock_irqsave(&ep->lock);
		bool stays = false;
		if (revents && peek) {
			stays = true;       /* still ready: the epoll is readable */
			n++;
		} else if (revents) {
			out[n] = (struct epoll_event){ 0 };
			stays = ep_report(epi, revents, &out[n]);
			n++;
		}
		ep_settle(ep, epi, stays);
		spin_unlock_irqrestore(&ep->lock, flags);
	}

	/* Not looked at (max reached): first in line next time. */
	flags = spin_lock_irqsave(&ep->lock);
	list_for_each_entry_reverse(epi, &tx, rdllink)
		epi->rdstate = EP_READY;
	if (!list_empty(&tx)) {
		struct list_head *first = tx.next, *last = tx.prev;
		first->prev = &ep->rdllist;
		last->next = ep->rdllist.next;
		ep->rdllist.next->prev = last;
		ep->rdllist.next = first;
	}
	bool more = !list_empty(&ep->rdllist);
	spin_unlock_irqrestore(&ep->lock, flags);
	/* What stays ready is another sleeper's to take (Linux's ep_done_scan). */
	if (more && !peek && n)
		wake_up_one(&ep->wq);
	return n;
}

/* --- sleeping ---------------------------------------------------------------------- */

static bool ep_has_ready(struct eventpoll *ep)
{
	return !list_empty((struct list_head *)&ep->rdllist);
}

/* Sleeps until the ready list has something (0), the deadline passes
 * (-ETIMEDOUT) or a signal must be acted on (-EINTR: epoll_wait is never
 * restarted, even with SA_RESTART). Sleepers are exclusive: one event
 * wakes one of the threads in epoll_wait on this epoll. */
static long ep_sleep(struct eventpoll *ep, uint64_t deadline)
{
	struct waiter w = { .exclusive = true };
	long ret = 0;
	for (;;) {
		wait_prepare(&ep->wq, &w);
		if (ep_has_ready(ep))
			break;
		if (wait_interrupted(WAIT_INTERRUPTIBLE)) {
			ret = -EINTR;
			break;
		}
		if (!schedule_until(deadline)) {
			ret = ep_has_ready(ep) ? 0 : -ETIMEDOUT;
			break;
		}
	}
	wait_finish(&ep->wq, &w);
	return ret;
}

/* --- the calls ----------------------------------------------------------------------- */

/* How many items are ready now, at most max (ep->mtx held). */
static int ep_ready_count(struct eventpoll *ep, int max)
{
	int n = 0;
	uint64_t flags = spin_lock_irqsave(&ep->lock);
	for (struct list_head *l = ep->rdllist.next; l != &ep->rdllist && n < max; l = l->next)
		n++;
	spin_unlock_irqrestore(&ep->lock, flags);
	return n;
}

/* One harvest into a kernel buffer sized for what is ready (ep->mtx
 * held): the events, their number (0: none ready) or -ENOMEM. Items that
 * become ready meanwhile wait for the next call (the harvest's max). */
static int ep_harvest_all(struct eventpoll *ep, int maxevents, struct epoll_event **buf)
{
	int max = ep_ready_count(ep, maxevents);
	*buf = NULL;
	if (!max)
		return 0;
	*buf = kmalloc(max * sizeof(**buf));
	if (!*buf && max > EP_BATCH)
		*buf = kmalloc((max = EP_BATCH) * sizeof(**buf));
	return *buf ? ep_harvest(ep, *buf, max, false) : -ENOMEM;
}

static long ep_wait_loop(struct eventpoll *ep, struct epoll_event *uevents, int maxevents, uint64_t deadline)
{
	bool timed_out = deadline == POLL_NO_WAIT;
	for (;;) {
		struct epoll_event *buf;
		mutex_lock(&ep->mtx);
		int n = ep_harvest_all(ep, maxevents, &buf);
		mutex_unlock(&ep->mtx);
		long ret = n > 0 && copy_to_user(uevents, buf, n * sizeof(*buf)) ? -EFAULT : n;
		kfree(buf);
		if (ret)
			return ret;
		if (timed_out)
			return 0;
		long err = ep_sleep(ep, deadline);
		if (err == -EINTR)
			return err;
		timed_out = err == -ETIMEDOUT;  /* one last look, as Linux */
	}
}

static long do_epoll_wait(int epfd, struct epoll_event *uevents, int maxevents, uint64_t deadline)
{
	if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
		return -EINVAL;
	uint64_t end = (uint64_t)uevents + (uint64_t)maxevents * sizeof(*uevents);
	if (end > USER_TOP || end < (uint64_t)uevents)
		return -EFAULT;         /* Linux's access_ok */
	struct file *f = fd_get(epfd);
	if (!f)
		return -EBADF;
	long ret = is_file_epoll(f) ? ep_wait_loop(f->private, uevents, maxevents, deadline) : -EINVAL;
	file_put(f);
	return ret;
}

static uint64_t ms_to_deadline(int timeout_ms)
{
	uint64_t deadline = WAIT_FOREVER;
	if (timeout_ms >= 0)
		timeout_to_deadline(timeout_ms / 1000, timeout_ms % 1000 * 1000000ll, &deadline);
	return deadline;
}

long sys_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
	return do_epoll_wait(epfd, events, maxevents, ms_to_deadline(timeout));
}

static long epoll_pwait_deadline(int epfd, struct epoll_event *events, int maxevents,
				 uint64_t deadline, const uint64_t *sigmask, size_t sigsetsize)
{
	struct saved_sigmask saved;
	long ret = sigmask_replace(sigmask, sigsetsize, &saved);
	if (ret)
		return ret;
	ret = do_epoll_wait(epfd, events, maxevents, deadline);
	sigmask_restore(&saved, ret);
	return ret;
}

long sys_epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
		     const uint64_t *sigmask, size_t sigsetsize)
{
	return epoll_pwait_deadline(epfd, events, maxevents, ms_to_deadline(timeout), sigmask, sigsetsize);
}

long sys_epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
		      const struct __kernel_timespec *timeout, const uint64_t *sigmask, size_t sigsetsize)
{
	uint64_t deadline = WAIT_FOREVER;
	long ret;
	if (timeout && (ret = timespec_to_deadline(timeout, &deadline)))
		return ret;
	return epoll_pwait_deadline(epfd, events, maxevents, deadline, sigmask, sigsetsize);
}
