/* Taking signals synchronously: rt_sigtimedwait and rt_sigpending
 * (proc/signal.h). busybox's init lives on the first: it blocks SIGCHLD
 * and waits for it to know when to reap and respawn its children. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <linux/time_types.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <kernel/wait.h>
#include <syscall/syscalls.h>
#include <time/clock.h>
#include <x86/uaccess.h>

#define NSEC_PER_SECOND 1000000000ull

/* The timeout as a deadline on the monotonic clock; -EINVAL for a
 * negative or denormal one, as Linux's timespec64_valid. */
static long timeout_deadline(const struct __kernel_timespec *uts, uint64_t *deadline)
{
	struct __kernel_timespec ts;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NSEC_PER_SECOND)
		return -EINVAL;
	uint64_t now = clock_now_ns();
	uint64_t max_sec = (WAIT_FOREVER - 1 - now) / NSEC_PER_SECOND - 1;
	*deadline = (uint64_t)ts.tv_sec > max_sec ? WAIT_FOREVER - 1
		    : now + ts.tv_sec * NSEC_PER_SECOND + ts.tv_nsec;
	return 0;
}

/* Sleeps until a signal of set is pending, the deadline passes, or a
 * signal to act on comes; takes the signal (0 if none, -EINTR). The mask
 * stays as it is, as in Linux: a signal of set that is not blocked and
 * whose default is fatal ends the process rather than coming here (so
 * programs block what they wait for); one with a handler is kept
 * pending, and taken here. */
static int wait_for_signal(uint64_t set, uint64_t deadline, struct ksiginfo *info)
{
	int sig = 0;
	/* The condition takes the signal once it is there: wait_event tests
	 * it again only after it was false. A signal acted on (a fatal one,
	 * a stop) ends the wait with EINTR, as on Linux: not restarted. */
	long err = wait_event_interruptible(&current->group_leader->signal_wait,
					    (sig = signal_dequeue(set, info)) != 0, deadline);
	return err == -ERESTARTSYS ? -EINTR : sig;
}

long sys_rt_sigtimedwait(const uint64_t *uset, siginfo_t *uinfo, const struct __kernel_timespec *uts,
			 size_t sigsetsize)
{
	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	uint64_t set;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	set &= ~(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP));     /* never taken this way */
	uint64_t deadline = WAIT_FOREVER;
	if (uts) {
		long err = timeout_deadline(uts, &deadline);
		if (err)
			return err;
	}
	struct ksiginfo info;
	int sig = signal_dequeue(set, &info);
	if (!sig && deadline > clock_now_ns())
		sig = wait_for_signal(set, deadline, &info);
	if (sig < 0)
		return sig;
	if (!sig)
		return -EAGAIN;
	if (uinfo) {
		siginfo_t si;
		signal_fill_siginfo(&si, sig, &info);
		if (copy_to_user(uinfo, &si, sizeof(si)))
			return -EFAULT;
	}
	return sig;
}

/* The signals pending while blocked, for this thread or its process:
 * the others would have been acted on or delivered already. */
long sys_rt_sigpending(uint64_t *uset, size_t sigsetsize)
{
	if (sigsetsize > sizeof(uint64_t))
		return -EINVAL;
	uint64_t set = signal_pending_set() & current->blocked;
	return copy_to_user(uset, &set, sigsetsize) ? -EFAULT : 0;
}

/* rt_sigsuspend: waits with mask in place for a signal to act on. A
 * handler runs with mask too; the old mask comes back as it returns
 * (the frame's uc_sigmask), so nothing slips in between. */
long sys_rt_sigsuspend(const uint64_t *umask, size_t sigsetsize)
{
	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	uint64_t mask;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	signal_restore_mask_later(current->blocked);
	signal_set_blocked(mask);
	sleep_until(WAIT_FOREVER);  /* not on signal_wait: only the thread a signal picks wakes */
	return -ERESTARTNOHAND;     /* EINTR once a handler ran; made again after a stop */
}

long sys_pause(void)
{
	sleep_until(WAIT_FOREVER);
	return -ERESTARTNOHAND;
}
