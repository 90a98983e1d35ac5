/* epoll (kernel/fs/eventpoll/): what the rest of the VFS needs to know.
 * An epoll item watches a file without holding a reference to it, as on
 * Linux: closing one descriptor leaves the item, and the file's last
 * reference going (file_put) removes it from every epoll. */
#pragma once
#include <kernel/list.h>

struct file;

/* f's last reference is gone: drop every epoll item watching it, before
 * its release frees the wait queues the items sit on. */
void eventpoll_release_file(struct file *f);

/* A wait queue that outlives no file but its owner is about to be freed
 * (a process's signal_wait, which signalfd's poll names): the epoll items
 * on it leave it, as Linux's POLLFREE wake-up makes them. */
struct wait_queue;
void eventpoll_queue_free(struct wait_queue *wq);

static inline void eventpoll_release(struct file *f, struct list_head *epoll_items)
{
	/* Only the last reference calls this, so nobody adds an item now;
	 * an epoll dropping its last item of f unlinks it last of all, so
	 * an empty list means no epoll looks at f any more. */
	if (!list_empty(epoll_items))
		eventpoll_release_file(f);
}
