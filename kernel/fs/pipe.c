/* Pipes (fs/pipe.h): a 64 KiB ring buffer between a read end and a
 * write end, each a struct file of its own.
 *
 * Readers sleep while the pipe is empty and a writer remains; with no
 * writer left an empty pipe reads as end of file. Writers sleep while
 * there is no room and a reader remains; with no reader left a write
 * fails with EPIPE (and raises SIGPIPE). A write of at most PIPE_BUF
 * bytes goes in whole or not at all, so writers sharing a pipe never
 * interleave their small messages; bigger writes go in as room appears.
 *
 * The ring is guarded by a mutex, not a spinlock, because data moves
 * straight between the ring and user memory, and such copies may fault
 * and sleep. Nobody holds it while asleep waiting for data or room. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/compiler.h>
#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <mm/kmalloc.h>
#include <asm/signal.h>
#include <linux/fcntl.h>
#include <linux/limits.h>
#include <linux/magic.h>
#include <linux/stat.h>
#include <proc/signal.h>
#include <kernel/wait.h>
#include <syscall/syscalls.h>
#include <x86/memlayout.h>
#include <x86/uaccess.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/pipe.h>
#include <fs/poll.h>
#include <fs/permission.h>

#define PIPE_SIZE 65536             /* Linux's default: 16 pages (F_GETPIPE_SZ) */
#define MASK (PIPE_SIZE - 1)        /* a power of two: indices wrap by masking */

struct pipe {
	struct mutex lock;              /* all below */
	char *buf;
	/* Count up forever and are masked on use: [tail, head) is the data. */
	uint32_t head, tail;
	int readers, writers;           /* open read and write ends */
	int ends;                       /* ends not yet released (reopen_lock): the last frees */
	uint32_t last_page_end;         /* bytes in Linux's last pipe page: see kept_after_fault */
	struct wait_queue read_wait;    /* data came, or the last writer went */
	struct wait_queue write_wait;   /* room appeared, or the last reader went */
};

/* --- the ring ---------------------------------------------------------------- */

/* The wait conditions read the indices without the lock (a sleeper may
 * not take a mutex): a stale answer only means one more trip round the
 * loop, which tests again under the lock. */
static uint32_t bytes_in(struct pipe *p)
{
	return READ_ONCE(p->head) - READ_ONCE(p->tail);
}

static bool readable(struct pipe *p)
{
	return bytes_in(p) > 0 || READ_ONCE(p->writers) == 0;
}

static bool writable(struct pipe *p, size_t need)
{
	return PIPE_SIZE - bytes_in(p) >= need || READ_ONCE(p->readers) == 0;
}

/* Moves up to n bytes between the ring and the user, at the ring position
 *pos (the tail for a reader, the head for a writer), which it advances: at
 * most two pieces, where the ring wraps. Returns the bytes moved, fewer on
 * a fault. */
static size_t ring_copy(struct pipe *p, struct uio *u, size_t n, uint32_t *pos, bool to_user)
{
	size_t done = 0;
	while (done < n) {
		uint32_t off = *pos & MASK;
		size_t chunk = n - done < PIPE_SIZE - off ? n - done : PIPE_SIZE - off;
		size_t got = to_user ? uio_copy_out(u, p->buf + off, chunk)
				     : uio_copy_in(u, p->buf + off, chunk);
		*pos += got;
		done += got;
		if (got < chunk)
			break;
	}
	return done;
}

/* --- the file operations ------------------------------------------------------ */

/* Linux fills a pipe a page at a time: a write's first count % PAGE_SIZE
 * bytes go into the last page if the pipe is not empty and they fit
 * there, the rest into fresh pages. Of a page the copy faulted in it
 * keeps nothing. These say how much of this write that first piece is,
 * and what Linux keeps of `done` bytes copied before a fault. */
static size_t merged_piece(struct pipe *p, size_t count)
{
	size_t piece = count % PAGE_SIZE;
	bool was_empty = p->head == p->tail;
	return !was_empty && p->last_page_end + piece <= PAGE_SIZE ? piece : 0;
}

static size_t kept_after_fault(size_t merged, size_t done)
{
	return done < merged ? 0 : merged + ALIGN_DOWN(done - merged, PAGE_SIZE);
}

/* Returns what is there as soon as anything is (up to the count asked);
 * it does not wait to fill the reader's buffer. */
static ssize_t pipe_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pipe *p = f->private;
	if (u->resid == 0)
		return 0;
	ssize_t ret;
	mutex_lock(&p->lock);
	for (;;) {
		size_t avail = p->head - p->tail;
		if (avail > 0) {
			size_t got = ring_copy(p, u, avail < u->resid ? avail : u->resid, &p->tail, true);
			ret = got ? (ssize_t)got : -EFAULT;
			break;
		}
		if (p->writers == 0) {
			ret = 0;            /* end of file */
			break;
		}
		if (f->flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		mutex_unlock(&p->lock);
		if (wait_event_interruptible(&p->read_wait, readable(p), WAIT_FOREVER)) {
			ret = -ERESTARTSYS;     /* nothing read yet */
			goto out;
		}
		mutex_lock(&p->lock);
	}
	mutex_unlock(&p->lock);
out:
	if (ret > 0)
		wake_up_all(&p->write_wait);
	return ret;
}

static ssize_t pipe_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pipe *p = f->private;
	if (u->resid == 0)
		return 0;               /* even with no reader, as Linux */
	bool atomic = u->resid <= PIPE_BUF;
	bool no_reader = false;
	size_t done = 0;
	ssize_t ret;
	mutex_lock(&p->lock);
	size_t merged = merged_piece(p, u->resid);
	for (;;) {
		if (p->readers == 0) {
			no_reader = true;
			ret = done ? (ssize_t)done : -EPIPE;
			break;
		}
		size_t room = PIPE_SIZE - (p->head - p->tail);
		size_t need = atomic ? u->resid : 1;
		if (room >= need) {
			size_t want = room < u->resid ? room : u->resid;
			size_t got = ring_copy(p, u, want, &p->head, false);
			done += got;
			if (got < want) {
				/* Take back what Linux would not have kept (if
				 * no reader has taken it meanwhile). */
				size_t drop = done - kept_after_fault(merged, done);
				if (drop > p->head - p->tail)
					drop = p->head - p->tail;
				p->head -= drop;
				done -= drop;
			}
			if (got < want || u->resid == 0) {
				ret = done ? (ssize_t)done : -EFAULT;
				break;
			}
			continue;           /* the ring is full now: wait below */
		}
		if (f->flags & O_NONBLOCK) {
			ret = done ? (ssize_t)done : -EAGAIN;
			break;
		}
		mutex_unlock(&p->lock);
		if (done)
			wake_up_all(&p->read_wait);     /* what we wrote so far makes room */
		long interrupted = wait_event_interruptible(&p->write_wait, writable(p, need), WAIT_FOREVER);
		mutex_lock(&p->lock);
		if (interrupted) {
			ret = done ? (ssize_t)done : -ERESTARTSYS;   /* a signal: what was written counts */
			break;
		}
	}
	if (done)
		p->last_page_end = done <= merged ? p->last_page_end + done
						  : (done - merged - 1) % PAGE_SIZE + 1;
	mutex_unlock(&p->lock);
	if (done)
		wake_up_all(&p->read_wait);
	/* Linux raises SIGPIPE even after a partial write. By default it
	 * ends the process; blocked or caught, it stays pending. */
	if (no_reader)
		signal_raise_self(SIGPIPE);
	return ret;
}

/* As Linux's pipe_poll. The read end is readable with data in it and
 * hung up once no writer remains; the write end is writable with room
 * for a page (Linux: a free page buffer), so a write of up to PIPE_BUF
 * bytes cannot block, and in error once no reader remains. No lock, as
 * in the wait conditions: the poller looks again after any wake-up. */
static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->private;
	unsigned mask = 0;
	if (file_readable(f)) {
		poll_wait(&p->read_wait, pt);
		if (bytes_in(p) > 0)
			mask |= POLLIN | POLLRDNORM;
		if (READ_ONCE(p->writers) == 0)
			mask |= POLLHUP;
	}
	if (file_writable(f)) {
		poll_wait(&p->write_wait, pt);
		if (PIPE_SIZE - bytes_in(p) >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (READ_ONCE(p->readers) == 0)
			mask |= POLLERR;
	}
	return mask;
}

static const struct file_operations pipe_fops;
/* Guards a pipe inode's fs_private (its pipe) and the pipe's ends. */
static struct spinlock reopen_lock = SPINLOCK_INIT("pipe-reopen");

/* One end is closed for good: the other side learns of it (end of file,
 * or EPIPE), and the last end frees the pipe. */
static void pipe_release(struct file *f)
{
	struct pipe *p = f->private;
	mutex_lock(&p->lock);
	if (file_readable(f))
		p->readers--;
	if (file_writable(f))
		p->writers--;       /* both for an O_RDWR end opened through /proc */
	wake_up_all(&p->read_wait);
	wake_up_all(&p->write_wait);
	mutex_unlock(&p->lock);
	/* Counted apart from readers and writers, after the unlock: the other
	 * end may be inside its own mutex_unlock until it drops its count.
	 * The last end also makes the inode forget the pipe, under the lock
	 * pipe_reopen takes, so that a late open through /proc finds none. */
	uint64_t flags = spin_lock_irqsave(&reopen_lock);
	bool last = --p->ends == 0;
	if (last)
		f->inode->fs_private = NULL;
	spin_unlock_irqrestore(&reopen_lock, flags);
	if (last) {
		kfree(p->buf);
		kfree(p);
	}
}

/* open() of a pipe's inode: /proc/PID/fd/N of a pipe leads there (a
 * magic link), and that opens one more end of the same pipe, as Linux's
 * fifo_open does (without its wait for the other end). */
static int pipe_reopen(struct inode *inode, struct file *f)
{
	uint64_t flags = spin_lock_irqsave(&reopen_lock);
	struct pipe *p = inode->fs_private;
	if (p)
		p->ends++;
	spin_unlock_irqrestore(&reopen_lock, flags);
	if (!p)
		return -ENXIO;      /* every end is closed */
	mutex_lock(&p->lock);
	if (file_readable(f))
		p->readers++;
	if (file_writable(f))
		p->writers++;
	wake_up_all(&p->read_wait);
	wake_up_all(&p->write_wait);
	mutex_unlock(&p->lock);
	f->private = p;
	f->fop = &pipe_fops;
	return 0;
}

/* No llseek: read_write.c takes that to mean the file has no offset, so
 * lseek, pread and pwrite fail with ESPIPE. */
static const struct file_operations pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.release = pipe_release,
};

/* What open() of the inode finds (file_open_path): a new end. */
static const struct file_operations pipe_inode_fops = {
	.open = pipe_reopen,
};

long pipe_fcntl(struct file *f, unsigned cmd, uint64_t arg)
{
	if (f->fop != &pipe_fops)
		return -EBADF;
	if (cmd == F_GETPIPE_SZ)
		return PIPE_SIZE;
	return -EINVAL;             /* F_SETPIPE_SZ: the size is fixed here */
}

/* --- pipefs ------------------------------------------------------------------- */

static struct super_block *pipefs_sb;
static const struct super_operations pipefs_ops;     /* nothing to read or write back */

static int pipefs_fill_super(struct super_block *sb, struct block_device *source, const char *options)
{
	sb->ops = &pipefs_ops;
	sb->magic = PIPEFS_MAGIC;
	return 0;
}

/* Never registered: pipefs cannot be mounted, only used from here. */
static struct fs_type pipefs_type = {
	.name = "pipefs",
	.fill_super = pipefs_fill_super,
};

void pipefs_init(void)
{
	/* Without a kernel heap (a Lab 2 checkpoint) there is nothing to
	 * make it from: pipe() then fails with ENOMEM instead. */
	int err = super_create(&pipefs_type, NULL, NULL, &pipefs_sb);
	if (err) {
		pipefs_sb = NULL;
		printk("pipefs: cannot create the superblock: error %d; pipe() will fail\n", err);
	}
}

/* Both ends share one inode: fstat shows a FIFO, the same on either end. */
static struct inode *pipe_inode_new(void)
{
	static uint64_t last_ino;
	struct inode *inode = pipefs_sb ? inode_new(pipefs_sb) : NULL;
	if (!inode)
		return NULL;
	inode->ino = __atomic_add_fetch(&last_ino, 1, __ATOMIC_RELAXED);
	inode->mode = inode_init_owner(inode, NULL, S_IFIFO | S_IRUSR | S_IWUSR);    /* the creator's */
	return inode;
}

/* A new pipe's two ends, with the status flags given (O_NONBLOCK). */
static int pipe_create(unsigned flags, struct file **rd, struct file **wr)
{
	struct pipe *p = kzalloc(sizeof(*p));
	char *buf = kmalloc(PIPE_SIZE);
	struct inode *inode = pipe_inode_new();
	struct file *r = file_alloc(inode, O_RDONLY | flags, NULL);
	struct file *w = file_alloc(inode, O_WRONLY | flags, NULL);
	if (!p || !buf || !inode || !r || !w) {
		kfree(r);               /* they hold nothing yet: no file_put */
		kfree(w);
		iput(inode);
		kfree(buf);
		kfree(p);
		return -ENOMEM;
	}
	iref(inode);                /* one reference for each end */
	mutex_init(&p->lock);
	p->buf = buf;
	p->readers = p->writers = 1;
	p->ends = 2;
	inode->fs_private = p;
	inode->fop = &pipe_inode_fops;
	wait_queue_init(&p->read_wait);
	wait_queue_init(&p->write_wait);
	r->private = w->private = p;
	r->fop = w->fop = &pipe_fops;
	*rd = r;
	*wr = w;
	return 0;
}

/* --- the system calls ---------------------------------------------------------- */

long sys_pipe2(int *ufds, int flags)
{
	/* O_DIRECT (packet mode) is not done: refused as by a Linux before 3.4. */
	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	struct file *r, *w;
	int err = pipe_create(flags & O_NONBLOCK, &r, &w);
	if (err)
		return err;
	bool cloexec = flags & O_CLOEXEC;
	int fds[2];
	fds[0] = fd_install(r, cloexec, 0);
	if (fds[0] < 0) {
		file_put(w);
		return fds[0];
	}
	fds[1] = fd_install(w, cloexec, 0);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		/* Linux reserves the fds and fills them in only after the copy;
		 * ours are in the table already, so take them out again. */
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(int *ufds)
{
	return sys_pipe2(ufds, 0);
}
