/* The per-process file-descriptor table (fs/fdtable.h).
 *
 * The table grows on demand: it starts with 64 slots and doubles up to
 * the RLIMIT_NOFILE limit. Slots hold referenced struct file pointers;
 * the close-on-exec flag is a bitmap beside them, as in Linux. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <proc/task.h>
#include <fs/fdtable.h>
#include <fs/file.h>
#include <fs/locks.h>
#include <syscall/syscalls.h>
#include <linux/close_range.h>

#define FIRST_SIZE 64

/* Every close of a descriptor, by the table t: t's POSIX locks on the
 * file go with it, whatever other descriptors still refer to the file
 * (Linux's filp_close). */
static void close_file(struct files *t, struct file *f)
{
	locks_remove_posix(f, t);
	file_put(f);
}

static bool cloexec_test(struct files *t, unsigned fd) { return t->cloexec[fd / 64] >> (fd % 64) & 1; }
static void cloexec_set(struct files *t, unsigned fd, bool on)
{
	if (on)
		t->cloexec[fd / 64] |= 1ull << (fd % 64);
	else
		t->cloexec[fd / 64] &= ~(1ull << (fd % 64));
}

/* New arrays of n slots (n a multiple of 64). */
static int arrays_alloc(unsigned n, struct file ***fd, uint64_t **cloexec)
{
	*fd = kzalloc(n * sizeof(**fd));
	*cloexec = kzalloc(n / 8);
	if (*fd && *cloexec)
		return 0;
	kfree(*fd);
	kfree(*cloexec);
	return -ENOMEM;
}

/* An empty table of n slots. */
static struct files *files_new(unsigned n)
{
	struct files *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	if (arrays_alloc(n, &t->fd, &t->cloexec)) {
		kfree(t);
		return NULL;
	}
	t->refcount = 1;
	spin_lock_init(&t->lock, "files");
	t->max_fds = n;
	t->limit = NR_OPEN_DEFAULT;
	return t;
}

struct files *files_alloc(void)
{
	return files_new(FIRST_SIZE);
}

/* fork: the child gets the same files (each gains a reference). */
struct files *files_copy(struct files *old)
{
	/* Allocating may sleep: size the arrays first, then copy under the lock;
	 * the table cannot grow meanwhile because only this task uses it. */
	unsigned n = old->max_fds;
	struct files *t = files_new(n);
	if (!t)
		return NULL;
	uint64_t flags = spin_lock_irqsave(&old->lock);
	t->limit = old->limit;
	for (unsigned i = 0; i < n; i++) {
		t->fd[i] = old->fd[i];
		if (t->fd[i])
			file_get(t->fd[i]);
	}
	memcpy(t->cloexec, old->cloexec, n / 8);
	spin_unlock_irqrestore(&old->lock, flags);
	return t;
}

void files_put(struct files *t)
{
	if (!t || __atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	for (unsigned i = 0; i < t->max_fds; i++)
		if (t->fd[i])
			close_file(t, t->fd[i]);
	kfree(t->fd);
	kfree(t->cloexec);
	kfree(t);
}

/* Makes room for fd (below the limit). Called without the lock held;
 * returns with it held. */
static __maybe_unused int grow_locked(struct files *t, unsigned fd, uint64_t *flags)
{
	*flags = spin_lock_irqsave(&t->lock);
	while (fd >= t->max_fds) {
		unsigned n = t->max_fds * 2;
		while (n <= fd)
			n *= 2;
		spin_unlock_irqrestore(&t->lock, *flags);
		struct file **nfd;
		uint64_t *ncl;
		if (arrays_alloc(n, &nfd, &ncl))
			return -ENOMEM;
		*flags = spin_lock_irqsave(&t->lock);
		if (n > t->max_fds) {
			memcpy(nfd, t->fd, t->max_fds * sizeof(*nfd));
			memcpy(ncl, t->cloexec, t->max_fds / 8);
			struct file **ofd = t->fd;
			uint64_t *ocl = t->cloexec;
			t->fd = nfd;
			t->cloexec = ncl;
			t->max_fds = n;
			nfd = ofd;
			ncl = ocl;
		}
		spin_unlock_irqrestore(&t->lock, *flags);
		kfree(nfd);
		kfree(ncl);
		*flags = spin_lock_irqsave(&t->lock);
	}
	return 0;
}

int fd_install(struct file *f, bool cloexec, int min)
{
	return files_install(current->files, f, cloexec, min);
}

int files_install(struct files *t, struct file *f, bool cloexec, int min)
{
	if (min < 0)
		min = 0;
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&t->lock);
		unsigned fd = min;
		while (fd < t->max_fds && t->fd[fd])
			fd++;
		if (fd >= t->limit) {
			spin_unlock_irqrestore(&t->lock, flags);
			file_put(f);
			return -EMFILE;
		}
		if (fd < t->max_fds) {
			t->fd[fd] = f;
			cloexec_set(t, fd, cloexec);
			spin_unlock_irqrestore(&t->lock, flags);
			return fd;
		}
		spin_unlock_irqrestore(&t->lock, flags);
		int err = grow_locked(t, fd, &flags);
		if (!err)
			spin_unlock_irqrestore(&t->lock, flags);
		if (err) {
			file_put(f);
			return err;
		}
	}
}

struct file *fd_get(int fd)
{
	struct files *t = current->files;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	struct file *f = fd >= 0 && (unsigned)fd < t->max_fds ? t->fd[fd] : NULL;
	if (f)
		file_get(f);
	spin_unlock_irqrestore(&t->lock, flags);
	return f;
}

int fd_close(int fd)
{
	struct files *t = current->files;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	struct file *f = fd >= 0 && (unsigned)fd < t->max_fds ? t->fd[fd] : NULL;
	if (f) {
		t->fd[fd] = NULL;
		cloexec_set(t, fd, false);
	}
	spin_unlock_irqrestore(&t->lock, flags);
	if (!f)
		return -EBADF;
	close_file(t, f);
	return 0;
}

int fd_dup_to(int oldfd, int newfd, bool cloexec)
{
	// LAB 4 BEGIN(exercise 5): make newfd refer to oldfd's file (dup2, dup3)
	struct files *t = current->files;
	if (newfd < 0 || (unsigned)newfd >= t->limit)
		return -EBADF;
	struct file *f = fd_get(oldfd);
	if (!f)
		return -EBADF;
	uint64_t flags;
	int err = grow_locked(t, newfd, &flags);
	if (err) {
		file_put(f);
		return err;
	}
	struct file *old = t->fd[newfd];
	t->fd[newfd] = f;
	cloexec_set(t, newfd, cloexec);
	spin_unlock_irqrestore(&t->lock, flags);
	if (old)
		close_file(t, old);
	return newfd;
	// LAB 4 STUB: return -ENOSYS;
	// LAB 4 END
}

int fd_get_cloexec(int fd)
{
	struct files *t = current->files;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	int r = fd >= 0 && (unsigned)fd < t->max_fds && t->fd[fd] ? cloexec_test(t, fd) : -EBADF;
	spin_unlock_irqrestore(&t->lock, flags);
	return r;
}

int fd_set_cloexec(int fd, bool on)
{
	struct files *t = current->files;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	int r = -EBADF;
	if (fd >= 0 && (unsigned)fd < t->max_fds && t->fd[fd]) {
		cloexec_set(t, fd, on);
		r = 0;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return r;
}

void files_close_on_exec(struct files *t)
{
	for (unsigned fd = 0; fd < t->max_fds; fd++) {
		uint64_t flags = spin_lock_irqsave(&t->lock);
		struct file *f = NULL;
		if (t->fd[fd] && cloexec_test(t, fd)) {
			f = t->fd[fd];
			t->fd[fd] = NULL;
			cloexec_set(t, fd, false);
		}
		spin_unlock_irqrestore(&t->lock, flags);
		if (f)
			close_file(t, f);
	}
}

/* close_range: closes (or with CLOSE_RANGE_CLOEXEC marks close-on-exec)
 * every open fd in [first, last]; CLOSE_RANGE_UNSHARE first gives the
 * caller a table of its own if threads share it. */
long sys_close_range(unsigned first, unsigned last, unsigned flags)
{
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last)
		return -EINVAL;
	struct files *t = current->files;
	if ((flags & CLOSE_RANGE_UNSHARE) && __atomic_load_n(&t->refcount, __ATOMIC_ACQUIRE) > 1) {
		struct files *copy = files_copy(t);
		if (!copy)
			return -ENOMEM;
		uint64_t lflags = spin_lock_irqsave(&tasklist_lock);   /* /proc reads it */
		current->files = copy;
		spin_unlock_irqrestore(&tasklist_lock, lflags);
		files_put(t);
		t = copy;
	}
	for (unsigned fd = first; fd <= last; fd++) {
		uint64_t flags_irq = spin_lock_irqsave(&t->lock);
		if (fd >= t->max_fds) {
			spin_unlock_irqrestore(&t->lock, flags_irq);
			break;
		}
		struct file *f = NULL;
		if (t->fd[fd] && (flags & CLOSE_RANGE_CLOEXEC)) {
			cloexec_set(t, fd, true);
		} else if (t->fd[fd]) {
			f = t->fd[fd];
			t->fd[fd] = NULL;
			cloexec_set(t, fd, false);
		}
		spin_unlock_irqrestore(&t->lock, flags_irq);
		if (f)
			close_file(t, f);
	}
	return 0;
}

int files_next_open(struct files *t, unsigned from)
{
	int found = -1;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	for (unsigned fd = from; fd < t->max_fds; fd++)
		if (t->fd[fd]) {
			found = fd;
			break;
		}
	spin_unlock_irqrestore(&t->lock, flags);
	return found;
}

struct file *files_lookup(struct files *t, unsigned fd, bool *cloexec)
{
	struct file *f = NULL;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	if (fd < t->max_fds && (f = t->fd[fd])) {
		file_get(f);
		if (cloexec)
			*cloexec = cloexec_test(t, fd);
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return f;
}
