/* Job control: stops, continues and their reports to the parent
 * (proc/jobctl.h). */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <linux/wait.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <proc/jobctl.h>
#include <proc/sched.h>
#include <proc/signal.h>
#include <proc/task.h>

#define STOP_SIGNALS (SIGMASK(SIGSTOP) | SIGMASK(SIGTSTP) | SIGMASK(SIGTTIN) | SIGMASK(SIGTTOU))

/* wait4's encodings (<sys/wait.h>: WIFSTOPPED, WIFCONTINUED). */
#define W_STOPCODE(sig) (((sig) << 8) | 0x7f)
#define W_CONTINUED 0xffff

bool jobctl_continue_locked(struct task *proc)
{
	signal_discard_locked(proc, STOP_SIGNALS);
	proc->stop_signal = 0;
	if (!proc->stopped)
		return false;
	proc->stopped = false;
	proc->stop_unreported = false;
	proc->cont_unreported = true;
	return true;
}

void jobctl_notify_parent(struct task *proc, int why, int sig)
{
	struct task *parent = proc->parent;
	if (!parent)
		return;
	struct k_sigaction act;
	if (signal_action(parent, SIGCHLD, &act) && !(act.flags & SA_NOCLDSTOP)) {
		struct ksiginfo info = { .code = why, .pid = proc->tgid, .uid = proc->cred.uid, .status = sig };
		send_signal(parent, SIGCHLD, &info);
	}
	wake_up_all(&parent->child_exit);
}

void jobctl_stop_by(struct task *proc, int sig)
{
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	if (!proc->stop_signal && !proc->stopped)
		proc->stop_signal = sig;
	spin_unlock_irqrestore(&proc->siglock, flags);
}

bool jobctl_stop_due(struct task *t)
{
	struct task *proc = t->group_leader;
	return READ_ONCE(proc->stop_signal) || READ_ONCE(proc->stopped);
}

/* Takes the stop recorded in proc, if any: true if proc has just
 * stopped (the parent is then to be told). tasklist_lock held: the
 * orphan check walks the processes. */
static bool take_stop(struct task *proc)
{
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	int sig = proc->stop_signal;
	proc->stop_signal = 0;
	bool stops = sig && !proc->stopped && !proc->group_exiting &&
		     (sig == SIGSTOP || !pgrp_orphaned(proc->pgid));
	if (stops) {
		proc->stopped = true;
		proc->stop_code = sig;
		proc->stop_unreported = true;
		proc->cont_unreported = false;
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	return stops;
}

/* Asleep while stopped. The flags are read under the siglock, which the
 * continuing side holds to change them before it wakes us. */
static bool still_stopped(struct task *t)
{
	struct task *proc = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	bool stopped = proc->stopped && !t->group_exiting;
	spin_unlock_irqrestore(&proc->siglock, flags);
	return stopped;
}

void jobctl_stop_at_return(void)
{
	struct task *t = current, *proc = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	if (take_stop(proc))
		jobctl_notify_parent(proc, CLD_STOPPED, proc->stop_code);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	for (;;) {
		t->state = TASK_SLEEPING;
		if (!still_stopped(t))
			break;
		schedule();
	}
	t->state = TASK_RUNNING;
}

bool jobctl_report(struct task *c, int options, bool take, int *status)
{
	bool found = false;
	uint64_t flags = spin_lock_irqsave(&c->siglock);
	if ((options & WUNTRACED) && c->stopped && c->stop_unreported) {
		found = true;
		*status = W_STOPCODE(c->stop_code);
		if (take)
			c->stop_unreported = false;
	} else if ((options & WCONTINUED) && c->cont_unreported) {
		found = true;
		*status = W_CONTINUED;
		if (take)
			c->cont_unreported = false;
	}
	spin_unlock_irqrestore(&c->siglock, flags);
	return found;
}
