/* epoll's interest list (fs/eventpoll/internal.h): epoll_ctl, the items'
 * callbacks on their files' wait queues, and removing items when their
 * file's last reference goes. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <mm/kmalloc.h>
#include <x86/uaccess.h>
#include <syscall/syscalls.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/poll.h>
#include <fs/eventpoll.h>
#include "internal.h"

struct mutex epmutex = {
	.waiters = WAIT_QUEUE_INIT(epmutex.waiters, "epmutex-waiters")
	LOCKDEP_MAP_INIT("epmutex")
};

/* --- the wake-up callback ---------------------------------------------------- */

/* Would an epoll_wait sleeper take this wake-up? For EPOLLEXCLUSIVE, as
 * Linux's ep_poll_callback: only an epoll with a sleeper counts as the
 * one exclusive waiter woken, and only for an event it asked for. */
static bool takes_exclusive_wake(struct epitem *epi, unsigned key)
{
	if (list_empty(&epi->ep->wq.waiters))
		return false;
	switch (key & (EPOLLIN | EPOLLOUT)) {
	case 0:
		return true;            /* the waker did not say */
	case EPOLLIN:
		return epi->event.events & EPOLLIN;
	case EPOLLOUT:
		return epi->event.events & EPOLLOUT;
	default:
		return false;           /* both: Linux does not count it */
	}
}

/* Called by every wake-up of a queue the item's file registered on, with
 * that queue's lock held: another CPU may be in epoll_wait, in epoll_ctl
 * or in another callback of the same epoll. key is what the waker says
 * happened (POLLIN...), or 0 if it does not say. */
static bool ep_wake_callback(struct waiter *w, unsigned key)
{
	struct ep_wait *pw = container_of(w, struct ep_wait, waiter);
	struct epitem *epi = pw->epi;
	struct eventpoll *ep = epi->ep;
	if (key & POLLFREE) {
		/* The queue is about to be freed (eventpoll_queue_free, with
		 * epmutex held): leave it for good. */
		list_del(&w->link);
		w->queued = false;
		pw->wq = NULL;
		return false;
	}
	bool took = !(epi->event.events & EPOLLEXCLUSIVE);
	uint64_t flags = spin_lock_irqsave(&ep->lock);
	/* A one-shot item that reported has no events left until MOD. */
	if (!(epi->event.events & ~EP_PRIVATE_BITS) || (key && !(key & epi->event.events))) {
		spin_unlock_irqrestore(&ep->lock, flags);
		return false;
	}
	// LAB 8 BEGIN(exercise 2): put the item on the ready list (once) and say whether to wake the sleepers
	bool queued = false;
	if (epi->rdstate == EP_IDLE) {
		list_add_tail(&epi->rdllink, &ep->rdllist);
		epi->rdstate = EP_READY;
		queued = true;
	} else if (epi->rdstate == EP_HARVEST) {
		epi->again = true;      /* being looked at: look again afterwards */
	}
	// LAB 8 STUB: bool queued = false;
	// LAB 8 END
	if (!took)
		took = takes_exclusive_wake(epi, key);
	spin_unlock_irqrestore(&ep->lock, flags);
	if (queued)
		ep_wake_waiters(ep);
	return took;
}

void ep_wake_waiters(struct eventpoll *ep)
{
	wake_up_one(&ep->wq);
	wake_up_poll(&ep->poll_wq, EPOLLIN | EPOLLRDNORM);
}

/* --- polling an item's file --------------------------------------------------- */

/* The poll table of an item being added: each queue the file names gets
 * one of the item's callback waiters. */
struct ep_poll_table {
	struct poll_table pt;
	struct epitem *epi;
};

static void ep_queue_callback(struct wait_queue *wq, struct poll_table *pt)
{
	struct epitem *epi = container_of(pt, struct ep_poll_table, pt)->epi;
	struct ep_wait *pw = kzalloc(sizeof(*pw));
	if (!pw) {
		pt->error = -ENOMEM;
		return;
	}
	pw->wq = wq;
	pw->epi = epi;
	pw->waiter.func = ep_wake_callback;
	pw->waiter.exclusive = (epi->event.events & EPOLLEXCLUSIVE) != 0;
	list_add_tail(&pw->link, &epi->waits);
	wait_add_callback(wq, &pw->waiter);
}

unsigned ep_item_poll(struct epitem *epi, bool registering, int *error)
{
	struct ep_poll_table ept = { .pt = { .queue = ep_queue_callback, .registering = true },
				     .epi = epi };
	list_init(&ept.pt.entries);
	unsigned mask = vfs_poll(epi->file, registering ? &ept.pt : NULL);
	if (error)
		*error = ept.pt.error;
	return mask & epi->event.events;
}

/* --- items ---------------------------------------------------------------------- */

/* The item of (f, fd) in ep, looked for among f's items (epmutex held):
 * as many as the epolls watching f, few, where ep's may be thousands
 * (Linux keeps them in a red-black tree keyed by file and fd). */
static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	struct epitem *epi;
	list_for_each_entry(epi, &f->epoll_items, file_link)
		if (epi->ep == ep && epi->fd == fd)
			return epi;
	return NULL;
}

/* Takes epi off every queue: once done, no callback runs for it.
 * epmutex held, so a queue's POLLFREE (which clears pw->wq) is not
 * half done. */
static void ep_unregister(struct epitem *epi)
{
	struct ep_wait *pw, *tmp;
	list_for_each_entry_safe(pw, tmp, &epi->waits, link) {
		if (pw->wq)             /* NULL: the queue is gone (POLLFREE) */
			wait_remove_callback(pw->wq, &pw->waiter);
		list_del(&pw->link);
		kfree(pw);
	}
}

/* epmutex and ep->mtx held. The file's list is left last: see
 * eventpoll_release (fs/eventpoll.h). */
static void ep_remove(struct eventpoll *ep, struct epitem *epi)
{
	ep_unregister(epi);
	uint64_t flags = spin_lock_irqsave(&ep->lock);
	if (epi->rdstate == EP_READY)
		list_del(&epi->rdllink);
	epi->rdstate = EP_IDLE;
	spin_unlock_irqrestore(&ep->lock, flags);
	list_del(&epi->ep_link);
	ep->nitems--;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	list_del(&epi->file_link);
	kfree(epi);
}

void ep_remove_all(struct eventpoll *ep)
{
	struct epitem *epi, *tmp;
	list_for_each_entry_safe(epi, tmp, &ep->items, ep_link)
		ep_remove(ep, epi);
}

void eventpoll_release_file(struct file *f)
{
	mutex_lock(&epmutex);
	struct epitem *epi, *tmp;
	list_for_each_entry_safe(epi, tmp, &f->epoll_items, file_link) {
		struct eventpoll *ep = epi->ep;
		mutex_lock(&ep->mtx);
		ep_remove(ep, epi);
		mutex_unlock(&ep->mtx);
	}
	mutex_unlock(&epmutex);
}

void eventpoll_queue_free(struct wait_queue *wq)
{
	if (list_empty(&wq->callbacks))
		return;                 /* epoll_ctl adds callbacks to its caller's queues only */
	mutex_lock(&epmutex);
	wake_up_poll(wq, POLLFREE);
	mutex_unlock(&epmutex);
}

/* If the item is ready now, onto the ready list, and wake the waiters. */
static void ep_ready_now(struct eventpoll *ep, struct epitem *epi, unsigned revents)
{
	if (!revents)
		return;
	uint64_t flags = spin_lock_irqsave(&ep->lock);
	bool queued = epi->rdstate == EP_IDLE;
	if (queued) {
		list_add_tail(&epi->rdllink, &ep->rdllist);
		epi->rdstate = EP_READY;
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	if (queued)
		ep_wake_waiters(ep);
}

static long ep_insert(struct eventpoll *ep, const struct epoll_event *ev, struct file *f, int fd)
{
	struct epitem *epi = kzalloc(sizeof(*epi));
	if (!epi)
		return -ENOMEM;
	epi->ep = ep;
	epi->file = f;
	epi->fd = fd;
	epi->event = *ev;
	list_init(&epi->rdllink);
	list_init(&epi->waits);
	list_add_tail(&epi->ep_link, &ep->items);
	list_add_tail(&epi->file_link, &f->epoll_items);
	ep->nitems++;
	int error = 0;
	unsigned revents = ep_item_poll(epi, true, &error);
	if (error) {
		ep_remove(ep, epi);
		return error;
	}
	ep_ready_now(ep, epi, revents);
	return 0;
}

static long ep_modify(struct eventpoll *ep, struct epitem *epi, const struct epoll_event *ev)
{
	uint64_t flags = spin_lock_irqsave(&ep->lock);
	epi->event = *ev;       /* re-arms a one-shot item */
	spin_unlock_irqrestore(&ep->lock, flags);
	/* Pairs with the callback's lock: a wake-up from now on sees the new
	 * events, and the look below sees any earlier state change. */
	ep_ready_now(ep, epi, ep_item_poll(epi, false, NULL));
	return 0;
}

/* --- loops ------------------------------------------------------------------------ */

/* Would adding an epoll whose instance is `to` into `into` close a cycle,
 * or nest epolls too deep? Walks the epolls `to` watches, under epmutex
 * (which every change of an interest list holds). */
static bool ep_loop_from(struct eventpoll *to, struct eventpoll *into, int depth, unsigned gen)
{
	to->visited = gen;
	struct epitem *epi;
	list_for_each_entry(epi, &to->items, ep_link) {
		if (!is_file_epoll(epi->file))
			continue;
		struct eventpoll *child = epi->file->private;
		if (child->visited == gen)
			continue;
		if (child == into || depth > EP_MAX_NESTS || ep_loop_from(child, into, depth + 1, gen))
			return true;
	}
	return false;
}

static bool ep_makes_loop(struct eventpoll *into, struct eventpoll *to)
{
	static unsigned gen;
	return ep_loop_from(to, into, 0, ++gen);
}

/* --- epoll_ctl ------------------------------------------------------------------- */

#define EXCLUSIVE_OK_BITS (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | \
			   EPOLLEXCLUSIVE)

/* The checks of Linux's do_epoll_ctl, in its order, before any lock. */
static long ctl_check(int op, struct file *epf, struct file *tf, const struct epoll_event *ev)
{
	if (!tf->fop || !tf->fop->poll)
		return -EPERM;          /* regular files, directories: always ready */
	if (epf == tf || !is_file_epoll(epf))
		return -EINVAL;
	if (op != EPOLL_CTL_DEL && (ev->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD && (is_file_epoll(tf) || (ev->events & ~EXCLUSIVE_OK_BITS)))
			return -EINVAL;
	}
	return 0;
}

static long ctl_locked(struct eventpoll *ep, int op, struct file *tf, int fd, struct epoll_event *ev)
{
	if (op == EPOLL_CTL_ADD && is_file_epoll(tf) && ep_makes_loop(ep, tf->private))
		return -ELOOP;
	struct epitem *epi = ep_find(ep, tf, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (epi)
			return -EEXIST;
		ev->events |= EPOLLERR | EPOLLHUP;
		return ep_insert(ep, ev, tf, fd);
	case EPOLL_CTL_DEL:
		if (!epi)
			return -ENOENT;
		ep_remove(ep, epi);
		return 0;
	case EPOLL_CTL_MOD:
		if (!epi)
			return -ENOENT;
		if (epi->event.events & EPOLLEXCLUSIVE)
			return -EINVAL;
		ev->events |= EPOLLERR | EPOLLHUP;
		return ep_modify(ep, epi, ev);
	default:
		return -EINVAL;
	}
}

long sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *uevent)
{
	struct epoll_event ev = { 0 };
	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uevent, sizeof(ev)))
		return -EFAULT;
	struct file *epf = fd_get(epfd);
	if (!epf)
		return -EBADF;
	struct file *tf = fd_get(fd);
	long ret = -EBADF;
	if (tf && (tf->flags & O_PATH)) {
		file_put(tf);           /* Linux's fdget refuses an O_PATH fd */
		tf = NULL;
	}
	if (tf && !(ret = ctl_check(op, epf, tf, &ev))) {
		struct eventpoll *ep = epf->private;
		mutex_lock(&epmutex);
		mutex_lock(&ep->mtx);
		ret = ctl_locked(ep, op, tf, fd, &ev);
		mutex_unlock(&ep->mtx);
		mutex_unlock(&epmutex);
	}
	if (tf)
		file_put(tf);
	file_put(epf);
	return ret;
}
