/* eventfd: a 64-bit counter as a file (eventfd2, eventfd).
 *
 * write(2) of 8 bytes adds a value to the counter; read(2) of 8 bytes
 * takes it: the whole counter, resetting it to 0, or with EFD_SEMAPHORE
 * just 1. A read of a zero counter blocks (EAGAIN with EFD_NONBLOCK), and
 * so does a write that would take the counter past 0xfffffffffffffffe.
 * poll says POLLIN while the counter is not 0 and POLLOUT while a write
 * of 1 would not block. One wait queue serves readers, writers and
 * pollers (epoll too): every change of the counter wakes it.
 *
 * linux/eventfd.h is not part of the UAPI headers: EFD_SEMAPHORE is 1 and
 * EFD_CLOEXEC, EFD_NONBLOCK are O_CLOEXEC, O_NONBLOCK (Linux's
 * include/linux/eventfd.h, glibc's sys/eventfd.h). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/compiler.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <mm/kmalloc.h>
#include <linux/fcntl.h>
#include <syscall/syscalls.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/poll.h>
#include <fs/anon_inodes.h>
#include <fs/pseudofs.h>

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC   O_CLOEXEC
#define EFD_NONBLOCK  O_NONBLOCK
#define EFD_ALL_FLAGS (EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)
#define EFD_MAX       UINT64_MAX        /* the counter stays below this */

struct eventfd {
	struct spinlock lock;       /* count */
	uint64_t count;
	bool semaphore;
	int id;                     /* fdinfo's eventfd-id */
	struct wait_queue wq;       /* the counter changed */
};

/* The wait conditions read without the lock: a stale answer only means
 * one more trip round the loop, which tests again under the lock. */
static __maybe_unused bool can_read(struct eventfd *e) { return READ_ONCE(e->count) > 0; }
static __maybe_unused bool can_add(struct eventfd *e, uint64_t n) { return EFD_MAX - READ_ONCE(e->count) > n; }

// LAB 8 BEGIN(exercise 1): read takes the counter (or 1 with EFD_SEMAPHORE), write adds to it; both wait (or EAGAIN) and wake the queue
/* Takes the counter (or 1 of it), waiting for it to be nonzero. */
static ssize_t eventfd_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct eventfd *e = f->private;
	if (u->resid < sizeof(uint64_t))
		return -EINVAL;
	uint64_t taken;
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&e->lock);
		taken = e->count;
		if (taken > 0) {
			if (e->semaphore)
				taken = 1;
			e->count -= taken;
		}
		spin_unlock_irqrestore(&e->lock, flags);
		if (taken > 0)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(&e->wq, can_read(e), WAIT_FOREVER))
			return -ERESTARTSYS;
	}
	wake_up_poll(&e->wq, POLLOUT);      /* room for writers (not news for readers) */
	if (uio_copy_out(u, &taken, sizeof(taken)) != sizeof(taken))
		return -EFAULT;     /* as Linux: what was taken stays taken */
	return sizeof(taken);
}

/* Adds the value written, waiting for room below EFD_MAX. */
static ssize_t eventfd_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct eventfd *e = f->private;
	uint64_t n;
	if (u->resid < sizeof(n))
		return -EINVAL;
	if (uio_copy_in(u, &n, sizeof(n)) != sizeof(n))
		return -EFAULT;
	if (n == EFD_MAX)
		return -EINVAL;
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&e->lock);
		bool fits = EFD_MAX - e->count > n;
		if (fits)
			e->count += n;
		spin_unlock_irqrestore(&e->lock, flags);
		if (fits)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(&e->wq, can_add(e, n), WAIT_FOREVER))
			return -ERESTARTSYS;
	}
	if (n > 0)
		wake_up_poll(&e->wq, POLLIN);
	return sizeof(n);
}
// LAB 8 STUB: static ssize_t eventfd_read(struct file *f, struct uio *u, uint64_t *pos) { return -EINVAL; }
// LAB 8 STUB: static ssize_t eventfd_write(struct file *f, struct uio *u, uint64_t *pos) { return -EINVAL; }
// LAB 8 END

/* As Linux's eventfd_poll. No lock: the poller looks again after any
 * wake-up. */
static unsigned eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *e = f->private;
	poll_wait(&e->wq, pt);
	uint64_t count = READ_ONCE(e->count);
	unsigned mask = 0;
	if (count > 0)
		mask |= POLLIN | POLLRDNORM;
	if (count == EFD_MAX)
		mask |= POLLERR;
	if (count < EFD_MAX - 1)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static void eventfd_release(struct file *f)
{
	kfree(f->private);
}

/* /proc/PID/fdinfo's lines, as Linux's eventfd_show_fdinfo. */
static void eventfd_show_fdinfo(struct file *f, struct pbuf *b)
{
	struct eventfd *e = f->private;
	pbuf_printf(b, "eventfd-count: %16llx\neventfd-id: %d\neventfd-semaphore: %d\n",
		    (unsigned long long)READ_ONCE(e->count), e->id, e->semaphore);
}

/* noop_llseek: lseek succeeds, and there is no offset (whose lock would
 * serialise a blocked read against the writer). */
static const struct file_operations eventfd_fops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.llseek = noop_llseek,
	.poll = eventfd_poll,
	.release = eventfd_release,
	.show_fdinfo = eventfd_show_fdinfo,
};

long sys_eventfd2(unsigned initval, int flags)
{
	if (flags & ~EFD_ALL_FLAGS)
		return -EINVAL;
	struct eventfd *e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	spin_lock_init(&e->lock, "eventfd");
	wait_queue_init(&e->wq);
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	static int next_id;         /* Linux takes the lowest free one; here they only grow */
	e->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	struct file *f = anon_inode_file("eventfd", &eventfd_fops, e, O_RDWR | (flags & EFD_NONBLOCK));
	if (!f) {
		kfree(e);
		return -ENOMEM;
	}
	return fd_install(f, flags & EFD_CLOEXEC, 0);
}

long sys_eventfd(unsigned initval)
{
	return sys_eventfd2(initval, 0);
}
