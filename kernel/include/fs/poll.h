/* Waiting for any of several files to become ready: the machinery behind
 * poll, ppoll, select and pselect6 (fs/poll.c, fs/select.c).
 *
 * A file's poll operation (file_operations.poll) does two things: it
 * calls poll_wait() on every wait queue whose wake-up could change its
 * answer, then returns what is possible right now (POLLIN, POLLOUT...).
 * poll_wait() is a no-op except on the poller's first pass, when it
 * joins the poller to the queue; the poller then sleeps on all those
 * queues at once until one of them is woken or its deadline passes. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <linux/poll.h>

struct file;
struct wait_queue;

/* What a file without a poll operation is: always ready both ways
 * (regular files, directories, /dev/null), as Linux's DEFAULT_POLLMASK. */
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

struct poll_table {
	/* What poll_wait does with each queue while registering (Linux's
	 * poll_table._qproc): poll and select join it as a sleeping task;
	 * epoll adds a callback waiter (fs/eventpoll.c). */
	void (*queue)(struct wait_queue *wq, struct poll_table *pt);
	bool registering;           /* poll_wait joins queues (first pass only) */
	struct file *polling;       /* the file whose poll op is running */
	struct list_head entries;   /* struct poll_entry: one per queue joined */
	int error;                  /* -ENOMEM if a queue could not be joined */
};

/* For a poll operation: the poller (if pt is registering) wakes when wq
 * is woken (pt->queue joins it). pt may be NULL. */
void poll_wait(struct wait_queue *wq, struct poll_table *pt);

/* f's readiness, registering on its queues through pt (may be NULL). */
unsigned vfs_poll(struct file *f, struct poll_table *pt);

/* One pass over the caller's files: polls each through pt and returns
 * how many are ready (> 0), or an error (< 0). */
typedef long (*poll_scan_fn)(void *arg, struct poll_table *pt);

/* Deadline for "do not wait at all": one pass, no queue joined. */
#define POLL_NO_WAIT 0

/* Calls scan until it returns nonzero or the deadline (CLOCK_MONOTONIC
 * ns, WAIT_FOREVER or POLL_NO_WAIT) passes, sleeping on the queues the
 * files registered in between. Returns scan's last result, 0 on timeout,
 * or -ENOMEM if nothing was ready and a queue could not be joined. */
long poll_until(poll_scan_fn scan, void *arg, uint64_t deadline);

/* Shared with epoll_pwait and epoll_pwait2 (fs/select.c). */
/* Linux's poll_select_set_timeout: the deadline of a relative timeout,
 * POLL_NO_WAIT for zero; -EINVAL unless sec >= 0 and 0 <= nsec < 1e9. */
long timeout_to_deadline(int64_t sec, int64_t nsec, uint64_t *deadline);
/* The same from a struct __kernel_timespec in user memory (-EFAULT). */
struct __kernel_timespec;
long timespec_to_deadline(const struct __kernel_timespec *uts, uint64_t *deadline);
/* A call's temporary signal mask (ppoll, pselect6, epoll_pwait). */
struct saved_sigmask {
	bool replaced;
	uint64_t old;
};
/* Linux's set_user_sigmask: no mask (NULL), nothing to do; otherwise a
 * whole sigset_t (size 8, else -EINVAL) replaces the blocked set. */
long sigmask_replace(const uint64_t *umask, size_t size, struct saved_sigmask *saved);
/* Linux's restore_saved_sigmask_unless(ret is EINTR or ERESTARTNOHAND):
 * cut short by a signal, the mask stays until the handler's frame has
 * saved the old one. */
void sigmask_restore(struct saved_sigmask *saved, long ret);
