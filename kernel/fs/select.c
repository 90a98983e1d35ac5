/* poll, ppoll, select and pselect6, as Linux's fs/select.c: each turns
 * its arguments into a scan over kernel copies of the user's fds and lets
 * poll_until (fs/poll.c) repeat it until something is ready or the
 * deadline passes, then copies the results back.
 *
 * Signal handlers do not run yet, so these never fail with EINTR; the
 * signal masks of ppoll and pselect6 are installed for the wait all the
 * same. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <mm/kmalloc.h>
#include <asm/signal.h>
#include <linux/fcntl.h>
#include <linux/posix_types.h>
#include <linux/time_types.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <kernel/wait.h>
#include <syscall/syscalls.h>
#include <time/clock.h>
#include <x86/uaccess.h>
#include <fs/fdtable.h>
#include <fs/file.h>
#include <fs/poll.h>

#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull

/* --- timeouts and signal masks --------------------------------------------- */

/* Linux's poll_select_set_timeout: -EINVAL unless sec >= 0 and
 * 0 <= nsec < 1e9. A zero timeout means "just look". */
long timeout_to_deadline(int64_t sec, int64_t nsec, uint64_t *deadline)
{
	if (sec < 0 || (uint64_t)nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if (sec == 0 && nsec == 0) {
		*deadline = POLL_NO_WAIT;
		return 0;
	}
	uint64_t now = clock_now_ns(), ns = 0;
	if ((uint64_t)sec > UINT64_MAX / NSEC_PER_SEC - 1 ||
	    __builtin_add_overflow(now, sec * NSEC_PER_SEC + nsec, &ns) || ns >= WAIT_FOREVER)
		ns = WAIT_FOREVER - 1;      /* later than anyone will wait */
	*deadline = ns;
	return 0;
}

long timespec_to_deadline(const struct __kernel_timespec *uts, uint64_t *deadline)
{
	struct __kernel_timespec ts;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	return timeout_to_deadline(ts.tv_sec, ts.tv_nsec, deadline);
}

enum time_kind { AS_TIMESPEC, AS_TIMEVAL };

/* Linux writes the time left back into the caller's timeout (not after a
 * zero one), whatever the result, and ignores a fault doing so: the call
 * has happened. */
static void put_time_left(void *utime, enum time_kind kind, uint64_t deadline)
{
	if (!utime || deadline == POLL_NO_WAIT)
		return;
	uint64_t now = clock_now_ns();
	uint64_t left = deadline > now ? deadline - now : 0;
	if (kind == AS_TIMEVAL) {
		struct __kernel_old_timeval tv = {
			.tv_sec = left / NSEC_PER_SEC,
			.tv_usec = left % NSEC_PER_SEC / NSEC_PER_USEC,
		};
		(void)copy_to_user(utime, &tv, sizeof(tv));
	} else {
		struct __kernel_timespec ts = {
			.tv_sec = left / NSEC_PER_SEC,
			.tv_nsec = left % NSEC_PER_SEC,
		};
		(void)copy_to_user(utime, &ts, sizeof(ts));
	}
}


/* Linux's set_user_sigmask: no mask, nothing to do (and the size is not
 * looked at); otherwise it must be a whole sigset_t. */
long sigmask_replace(const uint64_t *umask, size_t size, struct saved_sigmask *saved)
{
	saved->replaced = false;
	if (!umask)
		return 0;
	if (size != sizeof(uint64_t))
		return -EINVAL;
	uint64_t mask;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	saved->replaced = true;
	saved->old = current->blocked;
	current->blocked = mask & ~UNBLOCKABLE;
	return 0;
}

/* Linux's restore_saved_sigmask_unless: cut short by a signal, the call
 * keeps its mask until the handler's frame has saved the old one. */
void sigmask_restore(struct saved_sigmask *saved, long ret)
{
	if (!saved->replaced)
		return;
	if (ret == -ERESTARTNOHAND || ret == -EINTR)
		signal_restore_mask_later(saved->old);
	else
		current->blocked = saved->old;
}

/* The file behind fd for polling, referenced, or NULL: an O_PATH fd has
 * nothing to poll (Linux's fdget refuses it). */
static struct file *poll_fd_get(int fd)
{
	struct file *f = fd_get(fd);
	if (f && (f->flags & O_PATH)) {
		file_put(f);
		return NULL;
	}
	return f;
}

/* --- poll and ppoll --------------------------------------------------------- */

struct poll_set {
	struct pollfd *fds;         /* a kernel copy of the caller's array */
	unsigned nfds;
};

/* Negative fds are skipped; a closed one is POLLNVAL; otherwise what was
 * asked for, plus POLLERR and POLLHUP, which are always reported. */
static unsigned poll_one(const struct pollfd *pfd, struct poll_table *pt)
{
	if (pfd->fd < 0)
		return 0;
	struct file *f = poll_fd_get(pfd->fd);
	if (!f)
		return POLLNVAL;
	unsigned filter = (uint16_t)pfd->events | POLLERR | POLLHUP;
	unsigned mask = vfs_poll(f, pt) & filter;
	file_put(f);
	return mask;
}

static long poll_scan(void *arg, struct poll_table *pt)
{
	struct poll_set *s = arg;
	long ready = 0;
	for (unsigned i = 0; i < s->nfds; i++) {
		s->fds[i].revents = poll_one(&s->fds[i], pt);
		ready += s->fds[i].revents != 0;
	}
	return ready;
}

static long do_poll(struct pollfd *ufds, unsigned nfds, uint64_t deadline)
{
	if (nfds > READ_ONCE(current->files->limit))
		return -EINVAL;
	struct poll_set s = { .nfds = nfds };
	size_t size = (size_t)nfds * sizeof(*s.fds);
	if (nfds > 0) {
		s.fds = kmalloc(size);
		if (!s.fds)
			return -ENOMEM;
		if (copy_from_user(s.fds, ufds, size)) {
			kfree(s.fds);
			return -EFAULT;
		}
	}
	long ret = poll_until(poll_scan, &s, deadline);
	/* Only revents goes back: fd and events are the caller's. */
	for (unsigned i = 0; i < nfds && ret >= 0; i++) {
		if (copy_to_user(&ufds[i].revents, &s.fds[i].revents, sizeof(s.fds[i].revents)))
			ret = -EFAULT;
	}
	kfree(s.fds);
	return ret;
}

long sys_poll(struct pollfd *ufds, unsigned nfds, int timeout_ms)
{
	uint64_t deadline = WAIT_FOREVER;
	if (timeout_ms >= 0)
		timeout_to_deadline(timeout_ms / 1000, timeout_ms % 1000 * NSEC_PER_MSEC, &deadline);
	return do_poll(ufds, nfds, deadline);
}

long sys_ppoll(struct pollfd *ufds, unsigned nfds, struct __kernel_timespec *utimeout,
	       const uint64_t *usigmask, size_t sigsetsize)
{
	uint64_t deadline = WAIT_FOREVER;
	long ret;
	if (utimeout && (ret = timespec_to_deadline(utimeout, &deadline)))
		return ret;
	struct saved_sigmask saved;
	if ((ret = sigmask_replace(usigmask, sigsetsize, &saved)))
		return ret;
	ret = do_poll(ufds, nfds, deadline);
	sigmask_restore(&saved, ret);
	put_time_left(utimeout, AS_TIMESPEC, deadline);
	return ret;
}

/* --- select and pselect6 ------------------------------------------------------ */

/* What counts as ready for each of select's sets (Linux's POLLIN_SET...). */
#define SELECT_IN  (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SELECT_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SELECT_EX  (POLLPRI)

#define FD_BITS (8 * sizeof(unsigned long))     /* fds per word of a __kernel_fd_set */

enum { IN, OUT, EX, NSETS };

struct select_set {
	unsigned n;                 /* the fds looked at: [0, n) */
	unsigned words;             /* the words of each bitmap */
	unsigned long *want[NSETS]; /* the caller's sets: fds to look at */
	unsigned long *got[NSETS];  /* the fds found ready */
};

static const unsigned select_masks[NSETS] = { SELECT_IN, SELECT_OUT, SELECT_EX };

static long select_scan(void *arg, struct poll_table *pt)
{
	struct select_set *s = arg;
	long ready = 0;
	for (unsigned w = 0; w < s->words; w++) {
		unsigned long all = s->want[IN][w] | s->want[OUT][w] | s->want[EX][w];
		for (; all; all &= all - 1) {
			unsigned b = __builtin_ctzl(all);
			unsigned long bit = 1ul << b;
			/* Closed since select checked it: nothing to report. */
			struct file *f = poll_fd_get(w * FD_BITS + b);
			unsigned mask = f ? vfs_poll(f, pt) : POLLNVAL;
			file_put(f);
			for (int k = 0; k < NSETS; k++) {
				if ((s->want[k][w] & bit) && (mask & select_masks[k])) {
					s->got[k][w] |= bit;
					ready++;
				}
			}
		}
	}
	return ready;
}

/* Every fd in the sets must be open (else -EBADF), as Linux's
 * max_select_fd checks before the first look. */
static long check_open(struct select_set *s)
{
	for (unsigned w = 0; w < s->words; w++) {
		unsigned long all = s->want[IN][w] | s->want[OUT][w] | s->want[EX][w];
		for (; all; all &= all - 1) {
			struct file *f = fd_get(w * FD_BITS + __builtin_ctzl(all));
			if (!f)
				return -EBADF;
			file_put(f);
		}
	}
	return 0;
}

static long do_select(int n, __kernel_fd_set *usets[NSETS], uint64_t deadline)
{
	if (n < 0)
		return -EINVAL;
	/* Linux looks no further than the fd table's current size. */
	unsigned max_fds = READ_ONCE(current->files->max_fds);
	struct select_set s = { .n = (unsigned)n < max_fds ? (unsigned)n : max_fds };
	s.words = (s.n + FD_BITS - 1) / FD_BITS;
	size_t bytes = s.words * sizeof(unsigned long);
	/* n == 0: no sets at all, and the user's pointers are not touched
	 * (Linux's zero-byte copies cannot fault); select then just sleeps. */
	unsigned long *maps = NULL;
	if (bytes) {
		maps = kzalloc(2 * NSETS * bytes);
		if (!maps)
			return -ENOMEM;
	}
	for (int k = 0; k < NSETS; k++) {
		s.want[k] = maps + k * s.words;
		s.got[k] = maps + (NSETS + k) * s.words;
	}

	long ret = 0;
	for (int k = 0; k < NSETS && !ret; k++) {
		if (!bytes || !usets[k])
			continue;
		if (copy_from_user(s.want[k], usets[k], bytes))
			ret = -EFAULT;
		else if (s.n % FD_BITS)     /* the last word's bits past n are ignored */
			s.want[k][s.words - 1] &= (1ul << (s.n % FD_BITS)) - 1;
	}
	if (!ret)
		ret = check_open(&s);
	if (!ret)
		ret = poll_until(select_scan, &s, deadline);
	/* The sets come back holding only the ready fds (empty on timeout). */
	for (int k = 0; k < NSETS && ret >= 0; k++) {
		if (bytes && usets[k] && copy_to_user(usets[k], s.got[k], bytes))
			ret = -EFAULT;
	}
	kfree(maps);
	return ret;
}

long sys_select(int n, __kernel_fd_set *in, __kernel_fd_set *out, __kernel_fd_set *ex,
		struct __kernel_old_timeval *utimeout)
{
	uint64_t deadline = WAIT_FOREVER;
	if (utimeout) {
		struct __kernel_old_timeval tv;
		if (copy_from_user(&tv, utimeout, sizeof(tv)))
			return -EFAULT;
		/* Linux carries whole seconds of tv_usec over into tv_sec. */
		int64_t sec;
		if (__builtin_add_overflow(tv.tv_sec, tv.tv_usec / 1000000, &sec))
			return -EINVAL;
		long err = timeout_to_deadline(sec, tv.tv_usec % 1000000 * (int64_t)NSEC_PER_USEC, &deadline);
		if (err)
			return err;
	}
	long ret = do_select(n, (__kernel_fd_set *[NSETS]){ in, out, ex }, deadline);
	put_time_left(utimeout, AS_TIMEVAL, deadline);
	return ret;
}

/* pselect6's sixth argument: the mask and its size, behind one pointer. */
struct sigset_argpack {
	const uint64_t *mask;
	size_t size;
};

long sys_pselect6(int n, __kernel_fd_set *in, __kernel_fd_set *out, __kernel_fd_set *ex,
		  struct __kernel_timespec *utimeout, const void *uargpack)
{
	struct sigset_argpack pack = { NULL, 0 };
	if (uargpack && copy_from_user(&pack, uargpack, sizeof(pack)))
		return -EFAULT;
	uint64_t deadline = WAIT_FOREVER;
	long ret;
	if (utimeout && (ret = timespec_to_deadline(utimeout, &deadline)))
		return ret;
	struct saved_sigmask saved;
	if ((ret = sigmask_replace(pack.mask, pack.size, &saved)))
		return ret;
	ret = do_select(n, (__kernel_fd_set *[NSETS]){ in, out, ex }, deadline);
	sigmask_restore(&saved, ret);
	put_time_left(utimeout, AS_TIMESPEC, deadline);
	return ret;
}
