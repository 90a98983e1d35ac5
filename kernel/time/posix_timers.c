/* POSIX timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun and timer_delete, as Linux 6.1 has them.
 *
 * A timer belongs to a process (all its threads; the leader's list), is
 * not inherited by fork and goes at exec and exit. Ids count up from 0
 * and are never reused (Linux's next_posix_timer_id); a failed create
 * past the clock check uses one up too, as Linux's.
 *
 * Expiry runs from the timer interrupt (kernel/wait.h's timers, on the
 * monotonic clock): an interval timer is re-armed every period, and its
 * signal (SI_TIMER, si_timerid, si_value) is sent unless the last one is
 * still pending: then the expiry is counted as an overrun instead, and
 * the count goes into si_overrun when the signal is taken (Linux's one
 * preallocated sigqueue per timer). CLOCK_BOOTTIME is CLOCK_MONOTONIC
 * here (no suspend); a TIMER_ABSTIME time of CLOCK_REALTIME or CLOCK_TAI
 * becomes the monotonic time it stands for, moved when the wall clock is
 * set. The CPU-time clocks have no timers: Kestrel only reads them, so
 * timer_create says EOPNOTSUPP, as Linux for a clock without timers; the
 * _ALARM clocks have no RTC alarm to wake with (Linux: EOPNOTSUPP).
 *
 * Locking: the process's posix_timers_lock (a mutex) serialises settime,
 * delete and exit, which cancel the timer (timer_cancel waits for a
 * running expiry); the list changes under the leader's siglock too, so
 * a signal being taken can find its timer. Order: posix_timers_lock,
 * posix_timers_wall_lock, then the spinlocks; the expiry takes pt->lock, then
 * tasklist_lock and siglock, never with pt->lock held. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/compiler.h>
#include <kernel/mutex.h>
#include <kernel/spinlock.h>
#include <mm/kmalloc.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <time/clock.h>
#include <time/posix_timers.h>
#include "posix_timers_internal.h"
#include <x86/uaccess.h>

/* --- timer_create and timer_delete ----------------------------------------- */

/* Can a timer run on this clock? 0, or Linux's error for it. */
static long clock_has_timers(int clock)
{
	switch (clock) {
	case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME: case CLOCK_TAI:
	case CLOCK_REALTIME_ALARM: case CLOCK_BOOTTIME_ALARM:  /* checked later, as Linux's */
		return 0;
	case CLOCK_SGI_CYCLE:
		return -EINVAL;         /* no such clock */
	}
	return clock < 0 || clock < CLOCK_TAI ? -EOPNOTSUPP : -EINVAL;
}

/* Linux's good_sigevent: the notification asked for, checked. */
static long check_sigevent(const struct sigevent *ev)
{
	int notify = ev->sigev_notify;
	if (notify == SIGEV_NONE)
		return 0;
	if (notify != SIGEV_SIGNAL && notify != SIGEV_THREAD && notify != (SIGEV_SIGNAL | SIGEV_THREAD_ID))
		return -EINVAL;         /* SIGEV_THREAD: glibc's helper thread, a signal to the process */
	if (notify & SIGEV_THREAD_ID) {
		uint64_t flags = spin_lock_irqsave(&tasklist_lock);
		bool mine = posix_timer_thread(current->group_leader, ev->_sigev_un._tid) != NULL;
		spin_unlock_irqrestore(&tasklist_lock, flags);
		if (!mine)
			return -EINVAL;
	}
	return ev->sigev_signo <= 0 || ev->sigev_signo > _NSIG ? -EINVAL : 0;
}

/* The new timer's notification: the sigevent's, or SIGALRM with the
 * id as value for none. */
static void set_notify(struct posix_timer *pt, const struct sigevent *ev)
{
	pt->notify = ev ? (ev->sigev_notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev->sigev_notify) : SIGEV_SIGNAL;
	pt->user_notify = ev ? ev->sigev_notify : SIGEV_SIGNAL;
	pt->signo = ev ? ev->sigev_signo : SIGALRM;
	pt->value = ev ? (uint64_t)ev->sigev_value.sival_ptr : (uint64_t)pt->id;
	pt->tid = ev ? ev->_sigev_un._tid : 0;
}

/* A new timer with the next id, or an errno (the id is used up all the same). */
static long timer_new(int clock, const struct sigevent *ev, struct posix_timer **ptp)
{
	struct task *proc = current->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	bool full = (uint64_t)proc->posix_timer_count >= proc->rlim[RLIMIT_SIGPENDING].rlim_cur;
	int id = proc->posix_timer_next_id;
	if (!full)
		proc->posix_timer_next_id = (id + 1) & 0x7fffffff;
	spin_unlock_irqrestore(&proc->siglock, flags);
	if (full)
		return -EAGAIN;         /* Linux: no sigqueue under RLIMIT_SIGPENDING */
	struct posix_timer *pt = kzalloc(sizeof(*pt));
	if (!pt)
		return -EAGAIN;
	long err = ev ? check_sigevent(ev) : 0;
	if (err) {
		kfree(pt);
		return err;
	}
	pt->id = id;
	pt->clock = clock;
	pt->proc = proc;
	spin_lock_init(&pt->lock, "posix-timer");
	pt->timer.fn = posix_timer_expired;
	list_init(&pt->wall_link);
	set_notify(pt, ev);
	*ptp = pt;
	return 0;
}

static void timer_install(struct posix_timer *pt)
{
	struct task *proc = pt->proc;
	mutex_lock(&proc->posix_timers_lock);
	if (clock_is_wall(pt->clock)) {
		mutex_lock(&posix_timers_wall_lock);
		list_add_tail(&pt->wall_link, &posix_timers_wall);
		mutex_unlock(&posix_timers_wall_lock);
	}
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	list_add(&pt->link, &proc->posix_timers);   /* newest first, as /proc/PID/timers lists them */
	proc->posix_timer_count++;
	spin_unlock_irqrestore(&proc->siglock, flags);
	mutex_unlock(&proc->posix_timers_lock);
}

long sys_timer_create(int clock, struct sigevent *uevent, int *uid)
{
	struct sigevent ev;
	if (uevent && copy_from_user(&ev, uevent, sizeof(ev)))
		return -EFAULT;
	long err = clock_has_timers(clock);
	if (err)
		return err;
	struct posix_timer *pt;
	if ((err = timer_new(clock, uevent ? &ev : NULL, &pt)))
		return err;
	if (copy_to_user(uid, &pt->id, sizeof(pt->id)))
		err = -EFAULT;
	else if (clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM)
		err = -EOPNOTSUPP;      /* no RTC to wake the machine */
	if (err) {
		kfree(pt);
		return err;
	}
	timer_install(pt);
	return 0;
}

/* proc's timer id, or NULL; posix_timers_lock held. */
static struct posix_timer *timer_find(struct task *proc, int id)
{
	struct posix_timer *pt;
	list_for_each_entry(pt, &proc->posix_timers, link)
		if (pt->id == id)
			return pt;
	return NULL;
}

/* Disarms and frees pt; posix_timers_lock held. */
static void timer_remove(struct posix_timer *pt)
{
	struct task *proc = pt->proc;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	list_del(&pt->link);
	proc->posix_timer_count--;
	spin_unlock_irqrestore(&proc->siglock, flags);
	if (clock_is_wall(pt->clock)) {
		mutex_lock(&posix_timers_wall_lock);
		list_del(&pt->wall_link);
		mutex_unlock(&posix_timers_wall_lock);
	}
	timer_cancel(&pt->timer);   /* returns once a running expiry is done */
	kfree(pt);
}

long sys_timer_delete(int id)
{
	struct task *proc = current->group_leader;
	mutex_lock(&proc->posix_timers_lock);
	struct posix_timer *pt = timer_find(proc, id);
	if (pt)
		timer_remove(pt);
	mutex_unlock(&proc->posix_timers_lock);
	return pt ? 0 : -EINVAL;
}

void posix_timers_exit(struct task *proc)
{
	mutex_lock(&proc->posix_timers_lock);
	while (!list_empty(&proc->posix_timers))
		timer_remove(list_entry(proc->posix_timers.next, struct posix_timer, link));
	mutex_unlock(&proc->posix_timers_lock);
}

void posix_timers_take_over(struct task *to, struct task *from)
{
	posix_timers_exit(from);
	to->posix_timer_next_id = from->posix_timer_next_id;
}

/* --- timer_settime, timer_gettime, timer_getoverrun ------------------------- */

static struct __kernel_timespec ns_timespec(uint64_t ns)
{
	return (struct __kernel_timespec){ .tv_sec = ns / NSEC_PER_SEC, .tv_nsec = ns % NSEC_PER_SEC };
}

/* What gettime reports: the time left (due: 1 ns, as Linux) and the interval. */
static struct __kernel_itimerspec timer_setting(struct posix_timer *pt)
{
	uint64_t flags = spin_lock_irqsave(&pt->lock);
	uint64_t expires = pt->expires, interval = pt->interval;
	spin_unlock_irqrestore(&pt->lock, flags);
	uint64_t now = clock_now_ns();
	uint64_t left = !expires ? 0 : expires > now ? expires - now : 1;
	return (struct __kernel_itimerspec){ .it_value = ns_timespec(left), .it_interval = ns_timespec(interval) };
}

/* Arms pt (or disarms: value 0); posix_timers_lock held. */
static void timer_set(struct posix_timer *pt, uint64_t value, uint64_t interval, bool absolute)
{
	mutex_lock(&posix_timers_wall_lock);     /* no change of the wall clock meanwhile */
	timer_cancel(&pt->timer);
	uint64_t expires = clock_first_expiry(clock_is_wall(pt->clock), value, absolute);
	uint64_t flags = spin_lock_irqsave(&pt->lock);
	pt->expires = expires;
	pt->interval = expires ? interval : 0;
	pt->wall = expires && absolute && clock_is_wall(pt->clock);
	pt->wall_offset = clock_wall_offset();
	spin_unlock_irqrestore(&pt->lock, flags);
	flags = spin_lock_irqsave(&pt->proc->siglock);
	pt->overrun = pt->overrun_last = 0;
	spin_unlock_irqrestore(&pt->proc->siglock, flags);
	if (expires)
		timer_arm(&pt->timer, expires);
	mutex_unlock(&posix_timers_wall_lock);
}

long sys_timer_settime(int id, int flags, const struct __kernel_itimerspec *unew,
		       struct __kernel_itimerspec *uold)
{
	if (!unew)
		return -EINVAL;
	uint64_t value, interval;
	long err = timespec_from_user(&unew->it_value, &value);
	if (!err)
		err = timespec_from_user(&unew->it_interval, &interval);
	if (err)
		return err;
	struct task *proc = current->group_leader;
	mutex_lock(&proc->posix_timers_lock);
	struct posix_timer *pt = timer_find(proc, id);
	struct __kernel_itimerspec old;
	if (pt) {
		old = timer_setting(pt);
		timer_set(pt, value, interval, flags & TIMER_ABSTIME);
	}
	mutex_unlock(&proc->posix_timers_lock);
	if (!pt)
		return -EINVAL;
	return uold && copy_to_user(uold, &old, sizeof(old)) ? -EFAULT : 0;
}

long sys_timer_gettime(int id, struct __kernel_itimerspec *ucur)
{
	struct task *proc = current->group_leader;
	mutex_lock(&proc->posix_timers_lock);
	struct posix_timer *pt = timer_find(proc, id);
	struct __kernel_itimerspec cur;
	if (pt)
		cur = timer_setting(pt);
	mutex_unlock(&proc->posix_timers_lock);
	if (!pt)
		return -EINVAL;
	return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}

long sys_timer_getoverrun(int id)
{
	struct task *proc = current->group_leader;
	mutex_lock(&proc->posix_timers_lock);
	struct posix_timer *pt = timer_find(proc, id);
	int overrun = pt ? READ_ONCE(pt->overrun_last) : 0;
	mutex_unlock(&proc->posix_timers_lock);
	return pt ? overrun : -EINVAL;
}
