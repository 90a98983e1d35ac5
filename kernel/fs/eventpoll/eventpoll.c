/* The epoll file (fs/eventpoll/internal.h): epoll_create and
 * epoll_create1, the file's poll (an epoll is readable when an item is
 * ready, so epolls and poll can watch epolls), its release, and the
 * "tfd: ..." lines of /proc/PID/fdinfo. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <mm/kmalloc.h>
#include <linux/fcntl.h>
#include <syscall/syscalls.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/poll.h>
#include <fs/pseudofs.h>
#include <fs/anon_inodes.h>
#include <fs/eventpoll.h>
#include "internal.h"

static unsigned ep_eventpoll_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->private;
	poll_wait(&ep->poll_wq, pt);
	/* Items on the ready list may have stopped being ready (read since):
	 * look at them, as Linux's ep_read_events_proc does. */
	mutex_lock(&ep->mtx);
	int ready = ep_harvest(ep, NULL, 1, true);
	mutex_unlock(&ep->mtx);
	return ready ? EPOLLIN | EPOLLRDNORM : 0;
}

static void ep_release(struct file *f)
{
	struct eventpoll *ep = f->private;
	mutex_lock(&epmutex);
	mutex_lock(&ep->mtx);
	ep_remove_all(ep);
	mutex_unlock(&ep->mtx);
	mutex_unlock(&epmutex);
	kfree(ep);
}

/* One line per item, as Linux's ep_show_fdinfo. */
static void ep_show_fdinfo(struct file *f, struct pbuf *b)
{
	struct eventpoll *ep = f->private;
	mutex_lock(&ep->mtx);
	struct epitem *epi;
	list_for_each_entry(epi, &ep->items, ep_link)
		pbuf_printf(b, "tfd: %8d events: %8x data: %16llx  pos:%lli ino:%lx sdev:%x\n",
			    epi->fd, epi->event.events, (unsigned long long)epi->event.data,
			    (long long)epi->file->pos, (unsigned long)epi->file->inode->ino,
			    (unsigned)dev_encode(epi->file->inode->sb->dev));
	mutex_unlock(&ep->mtx);
}

static const struct file_operations eventpoll_fops = {
	.llseek = noop_llseek,
	.poll = ep_eventpoll_poll,
	.release = ep_release,
	.show_fdinfo = ep_show_fdinfo,
};

bool is_file_epoll(const struct file *f)
{
	return f->fop == &eventpoll_fops;
}

static struct eventpoll *ep_alloc(void)
{
	struct eventpoll *ep = kzalloc(sizeof(*ep));
	if (!ep)
		return NULL;
	mutex_init_unordered(&ep->mtx);     /* nests along epoll-in-epoll */
	spin_lock_init(&ep->lock, "eventpoll");
	list_init(&ep->items);
	list_init(&ep->rdllist);
	/* Woken by callbacks, under a watched file's queue lock. */
	wait_queue_init_class(&ep->wq, "eventpoll-wq", false);
	wait_queue_init_class(&ep->poll_wq, "eventpoll-poll", true);
	return ep;
}

long sys_epoll_create1(int flags)
{
	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	struct eventpoll *ep = ep_alloc();
	if (!ep)
		return -ENOMEM;
	struct file *f = anon_inode_file("eventpoll", &eventpoll_fops, ep, O_RDWR);
	if (!f) {
		kfree(ep);
		return -ENOMEM;
	}
	return fd_install(f, flags & EPOLL_CLOEXEC, 0);
}

long sys_epoll_create(int size)
{
	if (size <= 0)
		return -EINVAL;
	return sys_epoll_create1(0);
}
