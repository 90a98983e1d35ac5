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

/* Takes the stop recorded in proc, if any: the first thread there
 * starts the group stop. tasklist_lock held: the orphan check walks the
 * processes; siglock too. */
static void take_stop(struct task *proc)
{
	int sig = proc->stop_signal;
	proc->stop_signal = 0;
	bool stops = sig && !proc->stopped && !proc->group_exiting &&
		     (sig == SIGSTOP || !pgrp_orphaned(proc->pgid));
	if (stops) {
		proc->stopped = true;
		proc->stop_code = sig;
		proc->stop_told = false;
		proc->stop_unreported = false;  /* once every thread has stopped */
		proc->cont_unreported = false;
	}
}

/* Has every thread of proc that can stop stopped (Linux's group stop
 * count reaching zero)? tasklist_lock and siglock held. */
static bool all_parked(struct task *proc)
{
	struct task *t;
	list_for_each_entry(t, &proc->threads, thread_link)
		if (signal_thread_alive(t) && !t->group_exiting && !t->stop_parked)
			return false;
	return true;
}

/* The current thread joins the group stop; true if it is the last one
 * in, so the parent is to be told (once per stop). */
static bool park(struct task *t, struct task *proc)
{
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	take_stop(proc);
	bool tell = false;
	if (proc->stopped) {
		t->stop_parked = true;
		tell = !proc->stop_told && !proc->group_exiting && all_parked(proc);
		if (tell) {
			proc->stop_told = true;
			proc->stop_unreported = true;
		}
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	return tell;
}

void jobctl_thread_gone(struct task *proc)
{
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	bool tell = proc->stopped && !proc->stop_told && !proc->group_exiting && all_parked(proc);
	if (tell) {
		proc->stop_told = true;
		proc->stop_unreported = true;
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	if (tell)
		jobctl_notify_parent(proc, CLD_STOPPED, proc->stop_code);
}

/* Asleep while stopped. The flags are read under the siglock, which the
 * continuing side holds to change them before it wakes us. */
static bool still_stopped(struct task *t)
{
	struct task *proc = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	bool stopped = proc->stopped && !t->group_exiting;
	if (!stopped)
		t->stop_parked = false; /* under the siglock: a next stop counts it afresh */
	spin_unlock_irqrestore(&proc->siglock, flags);
	return stopped;
}

void jobctl_stop_at_return(void)
{
	struct task *t = current, *proc = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	if (park(t, proc))
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
