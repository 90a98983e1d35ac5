/* Generating signals and taking them from the pending set (proc/signal.h).
 *
 * Locking: a process's pending set is its leader's, guarded by the
 * leader's siglock; senders hold tasklist_lock around send_signal so the
 * target cannot be freed under them. Order: tasklist_lock, siglock,
 * sighand->lock (then wait-queue and scheduler locks, for wake-ups). A
 * thread's blocked mask changes under its process's siglock too, so a
 * signal is never checked against a mask that is being unblocked. */
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

enum fate { DISCARD, PEND, KILL, STOP };

/* What sig does to proc given its action (proc's siglock held). */
static enum fate fate_of(struct task *proc, int sig, uint64_t handler)
{
	if (sig != SIGKILL && (proc->blocked & SIGMASK(sig)))
		return PEND;
	if (sig_handler_ignores(handler, sig))
		return DISCARD;
	if (handler != (uint64_t)SIG_DFL)
		return PEND;            /* a handler: run at the next return to user mode */
	if (proc == init_task)
		return DISCARD;         /* Linux's SIGNAL_UNKILLABLE */
	if (sig_default_stops(sig))
		return STOP;
	if (proc->stopped && sig != SIGKILL)
		return PEND;            /* as Linux: it acts once SIGCONT wakes the process */
	return KILL;
}

/* After SIGCONT: the first fatal signal that waited while the process
 * was stopped, taken from the pending set, or 0. siglock held. */
static int fatal_after_continue(struct task *proc, struct sighand *sh)
{
	uint64_t ready = proc->pending.set & ~proc->blocked;
	for (int sig = 1; sig <= _NSIG && ready; sig++) {
		if (!(ready & SIGMASK(sig)))
			continue;
		ready &= ~SIGMASK(sig);
		if (fate_of(proc, sig, sh->action[sig - 1].handler) == KILL) {
			proc->pending.set &= ~SIGMASK(sig);
			return sig;
		}
	}
	return 0;
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
 * (returns true if proc was stopped), a stop cancels a pending SIGCONT. */
static bool stop_or_continue(struct task *proc, int sig)
{
	if (sig == SIGCONT)
		return jobctl_continue_locked(proc);
	if (sig_default_stops(sig))
		proc->pending.set &= ~SIGMASK(SIGCONT);
	return false;
}

void send_signal(struct task *proc, int sig, const struct ksiginfo *info)
{
	proc = proc->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	struct sighand *sh = proc->sighand;
	if (!sh || proc->state == TASK_ZOMBIE || proc->group_exiting) {
		spin_unlock_irqrestore(&proc->siglock, flags);
		return;
	}
	uint64_t inner = spin_lock_irqsave(&sh->lock);
	uint64_t handler = sh->action[sig - 1].handler;
	spin_unlock_irqrestore(&sh->lock, inner);

	bool continued = stop_or_continue(proc, sig);
	enum fate fate = fate_of(proc, sig, handler);
	if (fate == PEND && !(proc->pending.set & SIGMASK(sig))) {
		proc->pending.set |= SIGMASK(sig);
		proc->pending.info[sig - 1] = *info;
	}
	if (fate == STOP && !proc->stop_signal)
		proc->stop_signal = sig;
	if (fate == DISCARD || fate == KILL)
		trace_signal(proc, sig, info);  /* taken: ignored, or acted on by default */
	int fatal = fate == KILL ? sig : 0;
	if (continued && !fatal) {
		uint64_t inner = spin_lock_irqsave(&sh->lock);
		fatal = fatal_after_continue(proc, sh);
		spin_unlock_irqrestore(&sh->lock, inner);
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	if (continued)
		jobctl_notify_parent(proc, CLD_CONTINUED, SIGCONT);
	if (fate == PEND)
		wake_up_all(&proc->signal_wait);
	if (fate == PEND && !(proc->blocked & SIGMASK(sig)))
		wake_threads(proc);     /* a handler to run: sleeps end (EINTR or a restart) */
	if (fatal)
		group_exit_locked(proc, signal_death_status(proc, fatal));
	else if (fate == STOP || continued)
		wake_threads(proc);
}

bool signal_pending(struct task *t)
{
	/* What stays pending unblocked has a handler to run (the rest was
	 * acted on or dropped when sent or unblocked). */
	return t->group_exiting || jobctl_stop_due(t) ||
	       (READ_ONCE(t->group_leader->pending.set) & ~READ_ONCE(t->blocked));
}

bool fatal_signal_pending(struct task *t)
{
	return t->group_exiting;
}

void signal_raise_self(int sig)
{
	struct ksiginfo info = { .code = SI_USER, .pid = current->tgid, .uid = current->cred.uid };
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	send_signal(current, sig, &info);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void signal_set_blocked(uint64_t set)
{
	struct task *t = current, *proc = t->group_leader;
	int fatal = 0;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	t->blocked = set & ~UNBLOCKABLE;
	uint64_t ready = proc->pending.set & ~t->blocked;
	for (int sig = 1; sig <= _NSIG && ready && t->sighand; sig++) {
		if (!(ready & SIGMASK(sig)))
			continue;
		ready &= ~SIGMASK(sig);
		uint64_t inner = spin_lock_irqsave(&t->sighand->lock);
		uint64_t handler = t->sighand->action[sig - 1].handler;
		spin_unlock_irqrestore(&t->sighand->lock, inner);
		/* What delivery would do now: drop what is ignored, end the
		 * process for a fatal one, record a stop; a handler's waits. */
		enum fate fate = fate_of(proc, sig, handler);
		if (fate != PEND)
			proc->pending.set &= ~SIGMASK(sig);
		if (fate == DISCARD || fate == KILL)
			trace_signal(proc, sig, &proc->pending.info[sig - 1]);
		if (fate == STOP && !proc->stop_signal)
			proc->stop_signal = sig;    /* taken on the way back to user mode */
		if (fate == KILL && !fatal)
			fatal = sig;
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	if (fatal)
		group_exit_at_return(signal_death_status(proc, fatal));
}

int signal_dequeue(uint64_t set, struct ksiginfo *info)
{
	struct task *proc = current->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	uint64_t ready = proc->pending.set & set;
	if (ready & SYNCHRONOUS_SIGNALS)
		ready &= SYNCHRONOUS_SIGNALS;
	int sig = ready ? __builtin_ctzll(ready) + 1 : 0;
	if (sig) {
		proc->pending.set &= ~SIGMASK(sig);
		*info = proc->pending.info[sig - 1];
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	return sig;
}

bool signal_force(int sig, const struct ksiginfo *info, bool to_default)
{
	struct task *t = current, *proc = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	struct sighand *sh = proc->sighand;
	uint64_t inner = spin_lock_irqsave(&sh->lock);
	struct k_sigaction *act = &sh->action[sig - 1];
	bool blocked = t->blocked & SIGMASK(sig);
	if (to_default || blocked || act->handler == (uint64_t)SIG_IGN) {
		act->handler = (uint64_t)SIG_DFL;   /* as Linux's force_sig_info_to_task */
		t->blocked &= ~SIGMASK(sig);
	}
	bool handled = act->handler != (uint64_t)SIG_DFL;
	spin_unlock_irqrestore(&sh->lock, inner);
	/* Pending even for the default action: signal_deliver() takes it,
	 * the one place every signal is taken. */
	proc->pending.set |= SIGMASK(sig);
	proc->pending.info[sig - 1] = *info;
	spin_unlock_irqrestore(&proc->siglock, flags);
	return handled;
}
