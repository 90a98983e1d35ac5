/* epoll's insides, shared by the files of kernel/fs/eventpoll/:
 * eventpoll.c (the epoll file, epoll_create), ctl.c (the interest list,
 * the wake-up callback, epoll_ctl) and wait.c (the harvest, epoll_wait).
 *
 * An epoll instance keeps two lists:
 *
 *  - the interest list: one struct epitem per (file, fd) added with
 *    EPOLL_CTL_ADD, each with a callback waiter on every wait queue the
 *    file's poll operation named (fs/poll.h: poll_wait);
 *  - the ready list: the items whose file has had a wake-up since they
 *    were last looked at. A wake-up of the file calls the item's
 *    callback, which puts the item there and wakes epoll_wait.
 *
 * epoll_wait takes the ready list, asks each item's file what it can do
 * now (its poll operation again), reports what the caller asked for, and
 * puts back the level-triggered items that reported something: they stay
 * ready until a look finds them not ready. Edge-triggered ones wait for
 * their file's next wake-up; one-shot ones for EPOLL_CTL_MOD.
 *
 * Locking, outermost first:
 *   epmutex     (global, ctl.c) every epoll_ctl, a watched file's last
 *               close, an epoll's release: the interest lists and each
 *               file's list of items watching it (file->epoll_items);
 *   ep->mtx     one harvest or change of the interest list at a time;
 *               an epoll's poll takes its own, inside its watcher's
 *               (nesting follows the epoll-in-epoll graph, which has no
 *               cycle: epoll_ctl refuses one with ELOOP);
 *   a watched file's wait queue lock (spin): held while callbacks run;
 *   ep->lock    (spin) the ready list and each item's ready state;
 *   ep->wq's lock, ep->poll_wq's lock (spin).
 * No sleeping lock is held while copying to or from user memory: events
 * are gathered in a kernel buffer and copied once ep->mtx is released. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <linux/eventpoll.h>

struct file;

/* Bits of an item's events that are not events (Linux's EP_PRIVATE_BITS). */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
/* How deep epolls may watch epolls (Linux's EP_MAX_NESTS). */
#define EP_MAX_NESTS 4

struct eventpoll {
	struct mutex mtx;
	struct spinlock lock;           /* rdllist and every item's rdstate, again, events */
	struct list_head items;         /* struct epitem, by ep_link */
	struct list_head rdllist;       /* struct epitem, by rdllink */
	struct wait_queue wq;           /* epoll_wait's sleepers (exclusive) */
	struct wait_queue poll_wq;      /* poll, select and epolls watching this one */
	int nitems;
	unsigned visited;               /* loop checks (epmutex) */
};

/* Where an item is with respect to the ready list. */
enum ep_rdstate {
	EP_IDLE,                        /* not ready, not being looked at */
	EP_READY,                       /* on ep->rdllist */
	EP_HARVEST,                     /* on a harvest's private list (ep->mtx held) */
};

/* One callback waiter on one of the watched file's wait queues. */
struct ep_wait {
	struct list_head link;          /* in epi->waits */
	struct waiter waiter;           /* func = ep_wake_callback */
	struct wait_queue *wq;
	struct epitem *epi;
};

struct epitem {
	struct list_head ep_link;       /* in ep->items (ep->mtx and epmutex) */
	struct list_head rdllink;       /* in ep->rdllist or a harvest's list */
	struct list_head file_link;     /* in file->epoll_items (epmutex) */
	struct eventpoll *ep;
	struct file *file;              /* not referenced: the item goes first */
	int fd;
	struct epoll_event event;       /* what to report, and the caller's data */
	enum ep_rdstate rdstate;
	bool again;                     /* woken while being harvested */
	struct list_head waits;         /* struct ep_wait */
};

bool is_file_epoll(const struct file *f);

/* The events of epi's file that epi asks for (plus ERR and HUP, which
 * every item gets); adds epi's callbacks to the file's queues first if
 * registering (epoll_ctl's ADD). ep->mtx held. */
unsigned ep_item_poll(struct epitem *epi, bool registering, int *error);

/* Looks at the ready list (ep->mtx held). Fills out[0..max) with the
 * events of the ready items and returns how many; level-triggered items
 * that reported stay on the ready list. peek (an epoll's own poll): only
 * whether any is ready (0 or 1), reporting nothing, disarming nothing. */
int ep_harvest(struct eventpoll *ep, struct epoll_event *out, int max, bool peek);

/* Something was put on the ready list (ep->lock not held): wake one
 * epoll_wait sleeper and everyone polling the epoll itself. */
void ep_wake_waiters(struct eventpoll *ep);

/* Removes and frees every item of ep (its release; epmutex and ep->mtx
 * held). */
void ep_remove_all(struct eventpoll *ep);
extern struct mutex epmutex;
