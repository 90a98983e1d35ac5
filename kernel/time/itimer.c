/* alarm, setitimer and getitimer: SIGALRM after a time, once or every
 * interval (proc/signal.h). ITIMER_REAL only counts: it is a timer of
 * the process (its leader's) on the monotonic clock, firing from the
 * timer interrupt. ITIMER_VIRTUAL and ITIMER_PROF count CPU time, which
 * Kestrel does not account yet: they are accepted, read back as
 * disarmed, and never fire. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <kernel/wait.h>
#include <syscall/syscalls.h>
#include <time/clock.h>
#include <x86/uaccess.h>

#define NSEC_PER_USEC 1000ull
#define USEC_PER_SEC 1000000ull

/* From the timer interrupt, timer lock held: SIGALRM (SI_KERNEL, as
 * Linux's it_real_fn), and the next period. */
static void itimer_fire(struct timer *tm)
{
	struct task *proc = container_of(tm, struct task, itimer_real);
	struct ksiginfo info = { .code = SI_KERNEL };
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	send_signal(proc, SIGALRM, &info);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	uint64_t period = proc->itimer_interval;
	if (period) {
		uint64_t next = tm->deadline_ns + period, now = clock_now_ns();
		if (next <= now)        /* ticks were missed: skip them, as an overrun */
			next = now + period - (now - tm->deadline_ns) % period;
		timer_rearm_from_fn(tm, next);
	}
}

static uint64_t timeval_ns(const struct __kernel_old_timeval *tv)
{
	return tv->tv_sec * NSEC_PER_SEC + tv->tv_usec * NSEC_PER_USEC;
}

static struct __kernel_old_timeval ns_timeval(uint64_t ns)
{
	/* Rounded up: a timer still armed never reads as 0. */
	uint64_t us = (ns + NSEC_PER_USEC - 1) / NSEC_PER_USEC;
	return (struct __kernel_old_timeval){ .tv_sec = us / USEC_PER_SEC, .tv_usec = us % USEC_PER_SEC };
}

static bool timeval_valid(const struct __kernel_old_timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < (long)USEC_PER_SEC &&
	       (uint64_t)tv->tv_sec < UINT64_MAX / NSEC_PER_SEC / 2;
}

/* The process's ITIMER_REAL as it stands. */
static struct __kernel_old_itimerval itimer_read(struct task *proc)
{
	struct __kernel_old_itimerval v = { 0 };
	struct timer *tm = &proc->itimer_real;
	uint64_t deadline = READ_ONCE(tm->deadline_ns), now = clock_now_ns();
	if (READ_ONCE(tm->armed))
		v.it_value = ns_timeval(deadline > now ? deadline - now : 1);
	v.it_interval = ns_timeval(proc->itimer_interval);
	return v;
}

/* Sets ITIMER_REAL (value 0: disarms), returning what it was. */
static struct __kernel_old_itimerval itimer_set(const struct __kernel_old_itimerval *v)
{
	struct task *proc = current->group_leader;
	struct timer *tm = &proc->itimer_real;
	struct __kernel_old_itimerval old = itimer_read(proc);
	timer_cancel(tm);
	uint64_t value = timeval_ns(&v->it_value);
	proc->itimer_interval = value ? timeval_ns(&v->it_interval) : 0;
	if (value) {
		tm->fn = itimer_fire;
		timer_arm(tm, clock_now_ns() + value);
	}
	return old;
}

long sys_getitimer(int which, struct __kernel_old_itimerval *uvalue)
{
	struct __kernel_old_itimerval v = { 0 };
	if (which == ITIMER_REAL)
		v = itimer_read(current->group_leader);
	else if (which != ITIMER_VIRTUAL && which != ITIMER_PROF)
		return -EINVAL;
	return copy_to_user(uvalue, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_setitimer(int which, const struct __kernel_old_itimerval *uvalue,
		   struct __kernel_old_itimerval *uovalue)
{
	struct __kernel_old_itimerval v = { 0 }, old = { 0 };
	if (uvalue && copy_from_user(&v, uvalue, sizeof(v)))
		return -EFAULT;         /* Linux: a NULL value disarms */
	if (!timeval_valid(&v.it_value) || !timeval_valid(&v.it_interval))
		return -EINVAL;
	if (which == ITIMER_REAL)
		old = itimer_set(&v);
	else if (which != ITIMER_VIRTUAL && which != ITIMER_PROF)
		return -EINVAL;
	if (uovalue && copy_to_user(uovalue, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* alarm: the seconds left of the previous alarm, rounded as Linux's
 * alarm_setitimer (to the nearest second, and never 0 if one was set). */
long sys_alarm(unsigned seconds)
{
	struct __kernel_old_itimerval v = { .it_value = { .tv_sec = seconds } };
	struct __kernel_old_itimerval old = itimer_set(&v);
	long left = old.it_value.tv_sec;
	if ((!left && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
		left++;
	return left;
}

void itimer_take_over(struct task *to, struct task *from)
{
	struct timer *tm = &from->itimer_real;
	bool armed = READ_ONCE(tm->armed);
	uint64_t deadline = READ_ONCE(tm->deadline_ns);
	timer_cancel(tm);
	to->itimer_interval = from->itimer_interval;
	if (armed) {
		to->itimer_real.fn = itimer_fire;
		timer_arm(&to->itimer_real, deadline);
	}
}

void itimer_exit(struct task *proc)
{
	if (proc == proc->group_leader)
		timer_cancel(&proc->itimer_real);
}
