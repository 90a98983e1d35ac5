/* signalfd: taking signals by reading a file (signalfd4, signalfd).
 *
 * A signalfd holds a mask. read(2) takes the pending signals of that mask
 * from the reading thread and its process, lowest first, as one struct
 * signalfd_siginfo each (as many as fit; at least one, blocking while
 * none is pending, EAGAIN with SFD_NONBLOCK), and poll says POLLIN while
 * one is pending. The signals are the reader's, not the creator's: a
 * signalfd inherited through fork reads the child's (as on Linux).
 * Programs block the signals they read, or their default action would
 * happen first.
 *
 * Wake-ups: readers and pollers sleep on the process's signal_wait
 * queue, rt_sigtimedwait's. A signal made pending that no thread takes
 * at once (all block it: what a signalfd is for) wakes that queue
 * (proc/signal_send.c, generate); one with a handler to run wakes the
 * thread that takes it, which finds it in the mask if it is the reader
 * (the wait tests its condition before the signal). So the signal code
 * needed no new hook. A second signalfd call on the same fd wakes the
 * queue too: the new mask may find a pending signal. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/compiler.h>
#include <kernel/wait.h>
#include <mm/kmalloc.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <linux/fcntl.h>
#include <linux/signalfd.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/poll.h>
#include <fs/anon_inodes.h>
#include <fs/pseudofs.h>

struct signalfd {
	uint64_t mask;              /* read and written whole (atomic) */
};

static uint64_t mask_of(struct file *f)
{
	return __atomic_load_n(&((struct signalfd *)f->private)->mask, __ATOMIC_ACQUIRE);
}

static struct wait_queue *signal_queue(void)
{
	return &current->group_leader->signal_wait;
}

/* Linux's signalfd_copyinfo: the fields of the signal's class. */
static void fill_ssi(struct signalfd_siginfo *ssi, int sig, const struct ksiginfo *info)
{
	siginfo_t si;
	signal_fill_siginfo(&si, sig, info);
	memset(ssi, 0, sizeof(*ssi));
	ssi->ssi_signo = sig;
	ssi->ssi_code = si.si_code;
	if (si.si_code > 0 && si.si_code < SI_KERNEL && (SIGMASK(sig) & SYNCHRONOUS_SIGNALS)) {
		ssi->ssi_addr = (uint64_t)si.si_addr;
		return;
	}
	if (si.si_code == SI_TIMER) {      /* a POSIX timer's: no sender */
		ssi->ssi_tid = si.si_tid;
		ssi->ssi_overrun = si.si_overrun;
		ssi->ssi_int = si.si_int;
		ssi->ssi_ptr = (uint64_t)si.si_ptr;
		return;
	}
	ssi->ssi_pid = si.si_pid;
	ssi->ssi_uid = si.si_uid;
	if (si.si_code == SI_QUEUE) {
		ssi->ssi_int = si.si_int;
		ssi->ssi_ptr = (uint64_t)si.si_ptr;
	} else if (sig == SIGCHLD && si.si_code > 0 && si.si_code < SI_KERNEL) {
		ssi->ssi_status = si.si_status;
	}
}

/* One signal of the mask, waiting for it unless nonblock: the signal,
 * 0 (none, nonblock), or -ERESTARTSYS. */
static int take_signal(struct file *f, bool nonblock, struct ksiginfo *info)
{
	int sig = signal_dequeue(mask_of(f), info);
	if (sig || nonblock)
		return sig;
	long err = wait_event_interruptible(signal_queue(), (sig = signal_dequeue(mask_of(f), info)) != 0,
					    WAIT_FOREVER);
	return err ? (int)err : sig;
}

static ssize_t signalfd_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct signalfd_siginfo ssi;
	if (u->resid < sizeof(ssi))
		return -EINVAL;
	ssize_t done = 0;
	while (u->resid >= sizeof(ssi)) {
		struct ksiginfo info;
		int sig = take_signal(f, done > 0 || (f->flags & O_NONBLOCK), &info);
		if (sig < 0)
			return done ? done : sig;
		if (sig == 0)
			return done ? done : -EAGAIN;
		fill_ssi(&ssi, sig, &info);
		if (uio_copy_out(u, &ssi, sizeof(ssi)) != sizeof(ssi))
			return done ? done : -EFAULT;   /* as Linux: the signal is gone */
		done += sizeof(ssi);
	}
	return done;
}

static unsigned signalfd_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(signal_queue(), pt);
	return signal_pending_set() & mask_of(f) ? POLLIN | POLLRDNORM : 0;
}

static void signalfd_release(struct file *f)
{
	kfree(f->private);
}

/* /proc/PID/fdinfo's line: the signals it reads, as Linux's. */
static void signalfd_show_fdinfo(struct file *f, struct pbuf *b)
{
	pbuf_printf(b, "sigmask:\t%016llx\n", (unsigned long long)mask_of(f));
}

static const struct file_operations signalfd_fops = {
	.llseek = noop_llseek,
	.show_fdinfo = signalfd_show_fdinfo,
	.read = signalfd_read,
	.poll = signalfd_poll,
	.release = signalfd_release,
};

/* A second call on a signalfd changes its mask: readers and pollers
 * look again. */
static long update_mask(int ufd, uint64_t mask)
{
	struct file *f = fd_get(ufd);
	if (!f)
		return -EBADF;
	if (f->fop != &signalfd_fops) {
		file_put(f);
		return -EINVAL;
	}
	__atomic_store_n(&((struct signalfd *)f->private)->mask, mask, __ATOMIC_RELEASE);
	file_put(f);
	wake_up_all(signal_queue());
	return ufd;
}

long sys_signalfd4(int ufd, const uint64_t *user_mask, size_t sizemask, int flags)
{
	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	uint64_t mask;
	if (sizemask != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, user_mask, sizeof(mask)))
		return -EFAULT;
	mask &= ~UNBLOCKABLE;       /* SIGKILL and SIGSTOP are never read */
	if (ufd != -1)
		return update_mask(ufd, mask);
	struct signalfd *s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mask = mask;
	struct file *f = anon_inode_file("signalfd", &signalfd_fops, s, O_RDWR | (flags & SFD_NONBLOCK));
	if (!f) {
		kfree(s);
		return -ENOMEM;
	}
	return fd_install(f, flags & SFD_CLOEXEC, 0);
}

long sys_signalfd(int ufd, const uint64_t *user_mask, size_t sizemask)
{
	return sys_signalfd4(ufd, user_mask, sizemask, 0);
}
