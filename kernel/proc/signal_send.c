/* Generating signals and taking them from the pending sets (proc/signal.h).
 *
 * A signal goes either to a process (kill, sigqueue, SIGCHLD, SIGALRM,
 * the tty: the leader's shared_pending) or to one thread (tgkill, tkill,
 * its faults, SIGPIPE: that thread's pending). A process-directed one is
 * taken by whichever thread does not block it: signal_target.c picks it.
 *
 * Locking: every pending set of a process is guarded by the leader's
 * siglock; senders hold tasklist_lock around the sending so the target
 * cannot be freed under them and its thread list stands still. Order:
 * tasklist_lock, siglock, sighand->lock (then wait-queue and scheduler
 * locks, for wake-ups). A thread's blocked mask changes under the
 * siglock too, so a signal is never checked against a mask that is being
 * unblocked. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <proc/exit.h>
#include <proc/jobctl.h>
#include <proc/sched.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <proc/trace.h>
#include <time/posix_timers.h>

enum fate { DISCARD, PEND, KILL, STOP };

/* What sig does, given its action: t is the task it was sent to (its
 * mask decides whether "ignored" drops it, as Linux's sig_ignored), and
 * taker the thread that would take it now (NULL: none does; it waits in
 * a pending set). siglock held. */
static enum fate fate_of(struct task *t, struct task *taker, int sig, uint64_t handler)
{
	struct task *proc = t->group_leader;
	bool blocked = sig != SIGKILL && (t->blocked & SIGMASK(sig));
	if (!blocked && sig_handler_ignores(handler, sig))
		return DISCARD;
	if (handler != (uint64_t)SIG_DFL || !taker)
		return PEND;            /* a handler, or nobody to act on it now */
	if (proc == init_task)
		return DISCARD;         /* Linux's SIGNAL_UNKILLABLE */
	if (sig_default_stops(sig))
		return STOP;
	return KILL;
}

/* The first pending signal of set that a thread would now act on by
 * ending the process (one that waited while the process was stopped),
 * removed, or 0. siglock and sh->lock held. */
static int fatal_in(struct task *proc, struct sigpending *set, uint64_t blocked, struct sighand *sh)
{
	uint64_t ready = set->set & ~blocked;
	for (int sig = 1; sig <= _NSIG && ready; sig++) {
		if (!(ready & SIGMASK(sig)))
			continue;
		ready &= ~SIGMASK(sig);
		uint64_t handler = sh->action[sig - 1].handler;
		if (proc != init_task && handler == (uint64_t)SIG_DFL && !sig_default_ignores(sig) &&
		    !sig_default_stops(sig)) {
			set->set &= ~SIGMASK(sig);
			return sig;
		}
	}
	return 0;
}

/* After SIGCONT: the first fatal signal that waited while the process
 * was stopped, in any thread's set or the shared one, or 0. siglock
 * held, tasklist_lock too (the thread list). */
static int fatal_after_continue(struct task *proc, struct sighand *sh)
{
	struct task *t;
	int sig = 0;
	uint64_t inner = spin_lock_irqsave(&sh->lock);
	list_for_each_entry(t, &proc->threads, thread_link) {
		if (!sig && signal_thread_alive(t))
			sig = fatal_in(proc, &t->pending, t->blocked, sh);
		if (!sig && signal_thread_alive(t))
			sig = fatal_in(proc, &proc->shared_pending, t->blocked, sh);
	}
	spin_unlock_irqrestore(&sh->lock, inner);
	return sig;
}

/* Wakes proc's threads, so that a sleeper finds signal_pending true and
 * ends its wait (Linux's signal_wake_up). tasklist_lock held. */
static void wake_threads(struct task *proc)
{
	struct task *t;
	list_for_each_entry(t, &proc->threads, thread_link)
		task_wake(t);
}

/* What a sending does besides the signal's own fate: SIGCONT continues
 * (returns true if proc was stopped), a stop cancels a pending SIGCONT,
 * in every set of the process. */
static bool stop_or_continue(struct task *proc, int sig)
{
	if (sig == SIGCONT)
		return jobctl_continue_locked(proc);
	if (sig_default_stops(sig))
		signal_discard_locked(proc, SIGMASK(SIGCONT));
	return false;
}

/* Makes sig pending in set unless it is already (standard signals do
 * not queue: the first siginfo stays). */
static void make_pending(struct sigpending *set, int sig, const struct ksiginfo *info)
{
	if (set->set & SIGMASK(sig))
		return;
	set->set |= SIGMASK(sig);
	set->info[sig - 1] = *info;
}

/* The thread that takes sig now: for a process-directed signal the one
 * signal_pick_thread chooses, for a thread-directed one t if it can. */
static struct task *taker_of(struct task *t, int sig, bool to_process)
{
	if (to_process)
		return signal_pick_thread(t, sig);
	return signal_wants(t, sig) ? t : NULL;
}

/* Linux's send_signal_locked and complete_signal: sig to t (to_process:
 * to t's process, in the shared set). tasklist_lock held. */
static void generate(struct task *t, int sig, const struct ksiginfo *info, bool to_process)
{
	struct task *proc = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	struct sighand *sh = to_process ? signal_group_sighand(proc) : t->sighand;
	if (!sh || proc->group_exiting || (!to_process && !signal_thread_alive(t))) {
		spin_unlock_irqrestore(&proc->siglock, flags);
		return;
	}
	uint64_t inner = spin_lock_irqsave(&sh->lock);
	uint64_t handler = sh->action[sig - 1].handler;
	spin_unlock_irqrestore(&sh->lock, inner);

	bool continued = stop_or_continue(proc, sig);
	struct task *taker = taker_of(t, sig, to_process);
	enum fate fate = fate_of(t, taker, sig, handler);
	if (fate == PEND)
		make_pending(to_process ? &proc->shared_pending : &t->pending, sig, info);
	if (fate == STOP && !proc->stop_signal)
		proc->stop_signal = sig;
	if (fate == DISCARD || fate == KILL)
		trace_signal(proc, sig, info);  /* taken: ignored, or acted on by default */
	int fatal = fate == KILL ? sig : 0;
	if (continued && !fatal)
		fatal = fatal_after_continue(proc, sh);
	spin_unlock_irqrestore(&proc->siglock, flags);
	if (continued)
		jobctl_notify_parent(proc, CLD_CONTINUED, SIGCONT);
	/* A handler to run: the taker's sleep ends (EINTR or a restart).
	 * With none, sigwaiters (which block what they wait for) look. */
	if (fate == PEND && taker)
		task_wake(taker);
	else if (fate == PEND)
		wake_up_all(&proc->signal_wait);
	if (fatal)
		group_exit_locked(proc, signal_death_status(proc, fatal));
	else if (fate == STOP || continued)
		wake_threads(proc);     /* every thread stops, or goes on */
}

void send_signal(struct task *proc, int sig, const struct ksiginfo *info)
{
	generate(proc, sig, info, true);
}

void send_signal_thread(struct task *t, int sig, const struct ksiginfo *info)
{
	generate(t, sig, info, false);
}

bool signal_pending(struct task *t)
{
	/* What stays pending unblocked has a handler to run (the rest was
	 * acted on or dropped when sent or unblocked). */
	uint64_t pending = READ_ONCE(t->pending.set) | READ_ONCE(t->group_leader->shared_pending.set);
	return t->group_exiting || jobctl_stop_due(t) || (pending & ~READ_ONCE(t->blocked));
}

bool fatal_signal_pending(struct task *t)
{
	return t->group_exiting;
}

void signal_raise_self(int sig)
{
	/* To this thread, as Linux's send_sig(SIGPIPE, current, 0). */
	struct ksiginfo info = { .code = SI_USER, .pid = current->tgid, .uid = current->cred.uid };
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	send_signal_thread(current, sig, &info);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

/* What the current thread, having just unblocked sig, does about it
 * pending in set: drops it if ignored, records a stop, or returns it if
 * it ends the process; a handler's stays. siglock held. */
static int act_on_unblocked(struct task *proc, struct sigpending *set, int sig, uint64_t handler)
{
	struct task *t = current;
	enum fate fate = fate_of(t, t, sig, handler);
	if (fate == PEND)
		return 0;
	set->set &= ~SIGMASK(sig);
	if (fate == DISCARD || fate == KILL)
		trace_signal(proc, sig, &set->info[sig - 1]);
	if (fate == STOP && !proc->stop_signal)
		proc->stop_signal = sig;    /* taken on the way back to user mode */
	return fate == KILL ? sig : 0;
}

/* The current thread's newly unblocked signals, in its own set and the
 * shared one: what delivery would do now. Returns a fatal one, or 0.
 * siglock held. */
static int act_on_unblocked_sets(struct task *proc, uint64_t unblocked)
{
	struct task *t = current;
	int fatal = 0;
	struct sigpending *sets[] = { &t->pending, &proc->shared_pending };
	for (int i = 0; i < 2; i++) {
		uint64_t ready = sets[i]->set & unblocked;
		for (int sig = 1; sig <= _NSIG && ready && t->sighand; sig++) {
			if (!(ready & SIGMASK(sig)))
				continue;
			ready &= ~SIGMASK(sig);
			uint64_t inner = spin_lock_irqsave(&t->sighand->lock);
			uint64_t handler = t->sighand->action[sig - 1].handler;
			spin_unlock_irqrestore(&t->sighand->lock, inner);
			int f = act_on_unblocked(proc, sets[i], sig, handler);
			fatal = fatal ? fatal : f;
		}
	}
	return fatal;
}

void signal_set_blocked(uint64_t set)
{
	struct task *t = current, *proc = t->group_leader;
	uint64_t lflags = spin_lock_irqsave(&tasklist_lock);
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	uint64_t old = t->blocked;
	t->blocked = set & ~UNBLOCKABLE;
	int fatal = act_on_unblocked_sets(proc, ~t->blocked);
	/* Shared signals this thread now blocks go to another thread that
	 * can take them (Linux's retarget_shared_pending). */
	struct task *wake[_NSIG];
	int nwake = 0;
	uint64_t retarget = proc->shared_pending.set & t->blocked & ~old;
	for (int sig = 1; sig <= _NSIG && retarget; sig++) {
		if (!(retarget & SIGMASK(sig)))
			continue;
		retarget &= ~SIGMASK(sig);
		struct task *taker = signal_pick_thread(proc, sig);
		if (taker)
			wake[nwake++] = taker;
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	for (int i = 0; i < nwake; i++)
		task_wake(wake[i]);
	if (fatal)
		group_exit_locked(proc, signal_death_status(proc, fatal));
	spin_unlock_irqrestore(&tasklist_lock, lflags);
}

/* The lowest signal of ready, Linux's synchronous ones (faults) first. */
static int first_of(uint64_t ready)
{
	if (ready & SYNCHRONOUS_SIGNALS)
		ready &= SYNCHRONOUS_SIGNALS;
	return ready ? __builtin_ctzll(ready) + 1 : 0;
}

int signal_dequeue(uint64_t set, struct ksiginfo *info)
{
	struct task *t = current, *proc = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	/* The thread's own first, then the process's (Linux's dequeue_signal). */
	struct sigpending *from = &t->pending;
	int sig = first_of(from->set & set);
	if (!sig) {
		from = &proc->shared_pending;
		sig = first_of(from->set & set);
	}
	if (sig) {
		from->set &= ~SIGMASK(sig);
		*info = from->info[sig - 1];
		if (info->code == SI_TIMER)
			posix_timer_signal_taken(proc, info);   /* its si_overrun */
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	return sig;
}

uint64_t signal_pending_set(void)
{
	struct task *t = current, *proc = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	uint64_t set = t->pending.set | proc->shared_pending.set;
	spin_unlock_irqrestore(&proc->siglock, flags);
	return set;
}

bool signal_force(int sig, const struct ksiginfo *info, bool to_default)
{
	struct task *t = current, *proc = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	struct sighand *sh = t->sighand;
	uint64_t inner = spin_lock_irqsave(&sh->lock);
	struct k_sigaction *act = &sh->action[sig - 1];
	bool blocked = t->blocked & SIGMASK(sig);
	if (to_default || blocked || act->handler == (uint64_t)SIG_IGN) {
		act->handler = (uint64_t)SIG_DFL;   /* as Linux's force_sig_info_to_task */
		t->blocked &= ~SIGMASK(sig);
	}
	bool handled = act->handler != (uint64_t)SIG_DFL;
	spin_unlock_irqrestore(&sh->lock, inner);
	/* Pending in this thread's own set, even for the default action:
	 * signal_deliver() takes it, the one place every signal is taken. */
	t->pending.set |= SIGMASK(sig);
	t->pending.info[sig - 1] = *info;
	spin_unlock_irqrestore(&proc->siglock, flags);
	return handled;
}
