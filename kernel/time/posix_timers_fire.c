/* POSIX timers' expiry (time/posix_timers.c says what they are): the
 * timer interrupt's function, the signal sent or counted as an overrun,
 * the overrun handed to the signal when it is taken, the wall clock
 * followed, and /proc/PID/timers. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/mutex.h>
#include <kernel/spinlock.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <time/clock.h>
#include <time/posix_timers.h>
#include <fs/pseudofs.h>
#include "posix_timers_internal.h"
#include <x86/uaccess.h>

struct mutex posix_timers_wall_lock = {
	.waiters = WAIT_QUEUE_INIT(posix_timers_wall_lock.waiters, "posix-timers-wall-waiters")
	LOCKDEP_MAP_INIT("posix-timers-wall")
};
struct list_head posix_timers_wall = LIST_HEAD_INIT(posix_timers_wall);

static int saturating_add(int a, uint64_t b)
{
	return b >= (uint64_t)(DELAYTIMER_MAX - a) ? DELAYTIMER_MAX : a + (int)b;
}

/* --- expiry (the timer interrupt) ------------------------------------------ */

struct task *posix_timer_thread(struct task *proc, int tid)
{
	struct task *t;
	list_for_each_entry(t, &proc->threads, thread_link)
		if (t->tid == tid && signal_thread_alive(t))
			return t;
	return NULL;
}

/* Is this timer's last signal still pending in set? siglock held. */
static bool signal_still_pending(struct posix_timer *pt, struct sigpending *set)
{
	const struct ksiginfo *info = &set->info[pt->signo - 1];
	return (set->set & SIGMASK(pt->signo)) && info->code == SI_TIMER && info->from_timer &&
	       info->timerid == pt->id;
}

/* The signal of an expiry, missed periods skipped before it: sent, or
 * counted as overruns while the last one is pending. */
static void send_timer_signal(struct posix_timer *pt, uint64_t missed)
{
	struct task *proc = pt->proc;
	bool to_thread = pt->notify & SIGEV_THREAD_ID;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *target = to_thread ? posix_timer_thread(proc, pt->tid) : proc;
	if (target) {
		uint64_t sflags = spin_lock_irqsave(&proc->siglock);
		bool pending = signal_still_pending(pt, to_thread ? &target->pending : &proc->shared_pending);
		pt->overrun = saturating_add(pending ? pt->overrun : 0, pending ? missed + 1 : missed);
		spin_unlock_irqrestore(&proc->siglock, sflags);
		struct ksiginfo info = { .code = SI_TIMER, .timerid = pt->id, .from_timer = 1,
					 .value = pt->value };
		if (!pending && to_thread)
			send_signal_thread(target, pt->signo, &info);
		else if (!pending)
			send_signal(proc, pt->signo, &info);
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void posix_timer_expired(struct timer *t)
{
	struct posix_timer *pt = container_of(t, struct posix_timer, timer);
	uint64_t now = clock_now_ns(), missed = 0;
	uint64_t flags = spin_lock_irqsave(&pt->lock);
	if (pt->interval) {
		missed = now > pt->expires ? (now - pt->expires) / pt->interval : 0;
		pt->expires += (missed + 1) * pt->interval;
		timer_rearm_from_fn(t, pt->expires);
	} else {
		pt->expires = 0;
	}
	spin_unlock_irqrestore(&pt->lock, flags);
	if (pt->notify != SIGEV_NONE)
		send_timer_signal(pt, missed);
}

void posix_timer_signal_taken(struct task *proc, struct ksiginfo *info)
{
	if (!info->from_timer)
		return;                 /* a sigqueue'd SI_TIMER: no timer's */
	struct posix_timer *pt;
	info->overrun = 0;
	list_for_each_entry(pt, &proc->posix_timers, link) {
		if (pt->id == info->timerid) {
			info->overrun = pt->overrun_last = pt->overrun;
			pt->overrun = 0;
			return;
		}
	}
}

/* --- the wall clock was set ------------------------------------------------- */

void posix_timers_clock_was_set(void)
{
	int64_t offset = clock_wall_offset();
	mutex_lock(&posix_timers_wall_lock);
	struct posix_timer *pt;
	list_for_each_entry(pt, &posix_timers_wall, wall_link) {
		if (!READ_ONCE(pt->wall))
			continue;
		timer_cancel(&pt->timer);
		uint64_t flags = spin_lock_irqsave(&pt->lock);
		/* A time now past is due at once, its missed periods counted from it. */
		int64_t expires = (int64_t)pt->expires - (offset - pt->wall_offset);
		pt->wall_offset = offset;
		if (pt->expires)
			pt->expires = expires > 0 ? (uint64_t)expires : 1;
		uint64_t arm = pt->expires;
		spin_unlock_irqrestore(&pt->lock, flags);
		if (arm)
			timer_arm(&pt->timer, arm);
	}
	mutex_unlock(&posix_timers_wall_lock);
}

/* --- /proc/PID/timers ------------------------------------------------------- */

/* Linux's show_timer (fs/proc/base.c), newest timer first. */
static void show_timer(struct pbuf *b, struct posix_timer *pt)
{
	static const char *const notify_names[] = {
		[SIGEV_SIGNAL] = "signal", [SIGEV_NONE] = "none", [SIGEV_THREAD] = "thread",
	};
	int notify = pt->user_notify & ~SIGEV_THREAD_ID;
	bool to_thread = pt->user_notify & SIGEV_THREAD_ID;
	pbuf_printf(b, "ID: %d\nsignal: %d/%016lx\nnotify: %s/%s.%d\nClockID: %d\n", pt->id, pt->signo,
		    (unsigned long)pt->value, notify >= 0 && notify <= SIGEV_THREAD ? notify_names[notify] : "?",
		    to_thread ? "tid" : "pid", to_thread ? pt->tid : pt->proc->tgid, pt->clock);
}

void posix_timers_show(struct pbuf *b, struct task *proc)
{
	mutex_lock(&proc->posix_timers_lock);
	struct posix_timer *pt;
	list_for_each_entry(pt, &proc->posix_timers, link)
		show_timer(b, pt);
	mutex_unlock(&proc->posix_timers_lock);
}
