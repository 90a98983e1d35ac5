/* What each signal is to do: rt_sigaction, the default actions, the
 * reset at execve, and the siginfo_t a taken signal shows (proc/signal.h). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <proc/exit.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <time/posix_timers.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>

/* The sa_flags Linux keeps (its UAPI_SA_FLAGS); unknown bits are dropped,
 * so a program reading the action back can tell what is supported. */
#define KNOWN_SA_FLAGS (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | \
			SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_RESTORER)

/* The user's struct sigaction on x86_64 is struct k_sigaction's layout:
 * handler, flags, restorer, mask. */
long sys_rt_sigaction(int sig, const struct k_sigaction *uact, struct k_sigaction *uoact,
		      size_t sigsetsize)
{
	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	struct k_sigaction act, old;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	if (sig < 1 || sig > _NSIG || (uact && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	struct task *proc = current->group_leader;
	struct sighand *sh = current->sighand;
	uint64_t lflags = spin_lock_irqsave(&tasklist_lock);   /* the thread list */
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	uint64_t inner = spin_lock_irqsave(&sh->lock);
	old = sh->action[sig - 1];
	if (uact) {
		act.flags &= KNOWN_SA_FLAGS;
		act.mask &= ~UNBLOCKABLE;
		sh->action[sig - 1] = act;
		/* POSIX: ignoring a pending signal discards it, blocked or
		 * not, in every thread. */
		if (sig_handler_ignores(act.handler, sig))
			signal_discard_locked(proc, SIGMASK(sig));
	}
	spin_unlock_irqrestore(&sh->lock, inner);
	spin_unlock_irqrestore(&proc->siglock, flags);
	spin_unlock_irqrestore(&tasklist_lock, lflags);
	if (uoact && copy_to_user(uoact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

bool sig_default_ignores(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

bool sig_default_stops(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* The signals whose default action dumps core (Linux's SIG_KERNEL_COREDUMP_MASK). */
static bool sig_default_dumps_core(int sig)
{
	return sig == SIGQUIT || sig == SIGILL || sig == SIGTRAP || sig == SIGABRT || sig == SIGBUS ||
	       sig == SIGFPE || sig == SIGSEGV || sig == SIGXCPU || sig == SIGXFSZ || sig == SIGSYS;
}

int signal_death_status(struct task *proc, int sig)
{
	bool core = sig_default_dumps_core(sig) && proc->group_leader->rlim[RLIMIT_CORE].rlim_cur > 0;
	return W_SIGNALED(sig) | (core ? 0x80 : 0);
}

bool sig_handler_ignores(uint64_t handler, int sig)
{
	return handler == (uint64_t)SIG_IGN || (handler == (uint64_t)SIG_DFL && sig_default_ignores(sig));
}

bool signal_action(struct task *t, int sig, struct k_sigaction *act)
{
	/* t's own handlers (a thread's main thread may have ended). */
	struct task *proc = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&proc->siglock);
	struct sighand *sh = t->sighand ? t->sighand : proc->sighand;
	if (sh) {
		uint64_t inner = spin_lock_irqsave(&sh->lock);
		*act = sh->action[sig - 1];
		spin_unlock_irqrestore(&sh->lock, inner);
	}
	spin_unlock_irqrestore(&proc->siglock, flags);
	return sh != NULL;
}

void signals_reset_for_exec(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&t->sighand->lock);
	for (int i = 0; i < _NSIG; i++) {
		struct k_sigaction *a = &t->sighand->action[i];
		uint64_t handler = a->handler == (uint64_t)SIG_IGN ? (uint64_t)SIG_IGN : (uint64_t)SIG_DFL;
		*a = (struct k_sigaction){ .handler = handler };     /* no flags, mask or restorer */
	}
	spin_unlock_irqrestore(&t->sighand->lock, flags);
	sas_ss_reset(t);            /* the alternate stack was in the old program */
}

void signal_reset_handler(int sig)
{
	struct sighand *sh = current->sighand;
	uint64_t flags = spin_lock_irqsave(&sh->lock);
	sh->action[sig - 1].handler = (uint64_t)SIG_DFL;
	spin_unlock_irqrestore(&sh->lock, flags);
}

void signal_restore_mask_later(uint64_t old)
{
	current->saved_sigmask = old;
	current->restore_sigmask = true;
}

/* Faults: the signals whose si_code below SI_KERNEL says "the CPU refused". */
static bool is_fault(int sig, int code)
{
	return code > 0 && code < SI_KERNEL && (SIGMASK(sig) & SYNCHRONOUS_SIGNALS);
}

void signal_fill_siginfo(siginfo_t *si, int sig, const struct ksiginfo *info)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = info->code;
	if (is_fault(sig, info->code)) {
		si->si_addr = (void *)info->addr;
		return;
	}
	if (info->code == SI_TIMER) {   /* _timer's fields lie over _rt's pid and uid */
		si->si_tid = info->timerid;
		si->si_overrun = info->overrun;
		si->si_value.sival_ptr = (void *)info->value;
		return;
	}
	si->si_pid = info->pid;
	si->si_uid = info->uid;
	if (info->code == SI_QUEUE)
		si->si_value.sival_ptr = (void *)info->value;
	else if (sig == SIGCHLD && info->code > 0 && info->code < SI_KERNEL)
		si->si_status = info->status;   /* si_utime, si_stime: 0 */
}
