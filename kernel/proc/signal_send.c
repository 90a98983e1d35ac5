/* Generating signals and taking them from the pending set (proc/signal.h).
 *
 * Locking: a process's pending set is its leader's, guarded by the
 * leader's siglock; senders hold tasklist_lock around send_signal so the
 * target cannot be freed under them. Order: tasklist_lock, siglock,
 * sighand->lock (then wait-queue and scheduler locks, for wake-ups). A
 * thread's blocked mask changes under its process's siglock too, so a
 * signal is never checked against a mask that is being unblocked. */
#include <kernel/types.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <proc/exit.h>
#include <proc/signal.h>
#include <proc/task.h>

/* Faults: Linux's dequeue takes these before any other. */
#define SYNCHRONOUS (SIGMASK(SIGSEGV) | SIGMASK(SIGBUS) | SIGMASK(SIGILL) | SIGMASK(SIGTRAP) | \
		     SIGMASK(SIGFPE) | SIGMASK(SIGSYS))

enum fate { DISCARD, PEND, KILL };

/* What sig does to proc given its action (proc's siglock held). */
static enum fate fate_of(struct task *proc, int sig, uint64_t handler)
{
	if (sig != SIGKILL && (proc->blocked & SIGMASK(sig)))
		return PEND;
	if (sig_handler_ignores(handler, sig))
		return DISCARD;
	if (handler != (uint64_t)SIG_DFL)
		return PEND;            /* a handler: delivered by the signals lab */
	if (proc == init_task)
		return DISCARD;         /* Linux's SIGNAL_UNKILLABLE */
	if (sig_default_stops(sig))
		return PEND;            /* no job control: it waits, stopping nothing */
	return KILL;
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

	enum fate fate = fate_of(proc, sig, handler);
	if (fate == PEND && !(proc->pending.set & SIGMASK(sig))) {
		proc->pending.set |= SIGMASK(sig);
		proc->pending.info[sig - 1] = *info;
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	if (fate == PEND)
		wake_up_all(&proc->signal_wait);
	else if (fate == KILL)
		group_exit_locked(proc, W_SIGNALED(sig));
}

void signal_raise_self(int sig)
{
	struct ksiginfo info = { .code = SI_USER, .pid = current->tgid, .uid = 0 };
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
		 * process for a fatal one; a handler's or a stop signal waits. */
		enum fate fate = fate_of(proc, sig, handler);
		if (fate != PEND)
			proc->pending.set &= ~SIGMASK(sig);
		if (fate == KILL && !fatal)
			fatal = sig;
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	if (fatal)
		group_exit_at_return(W_SIGNALED(fatal));
}

int signal_dequeue(uint64_t set, struct ksiginfo *info)
{
	struct task *proc = current->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	uint64_t ready = proc->pending.set & set;
	if (ready & SYNCHRONOUS)
		ready &= SYNCHRONOUS;
	int sig = ready ? __builtin_ctzll(ready) + 1 : 0;
	if (sig) {
		proc->pending.set &= ~SIGMASK(sig);
		*info = proc->pending.info[sig - 1];
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	return sig;
}
