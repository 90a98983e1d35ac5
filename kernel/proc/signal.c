/* rt_sigaction and the default actions of signals the kernel raises
 * itself (proc/signal.h). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <asm/signal.h>
#include <proc/exit.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>

#define SIGMASK(sig) (1ull << ((sig) - 1))

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
	struct sighand *sh = current->sighand;
	uint64_t flags = spin_lock_irqsave(&sh->lock);
	old = sh->action[sig - 1];
	if (uact) {
		act.flags &= KNOWN_SA_FLAGS;
		act.mask &= ~(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP));
		sh->action[sig - 1] = act;
	}
	spin_unlock_irqrestore(&sh->lock, flags);
	if (uoact && copy_to_user(uoact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* The signals whose default action is not to end the process: ignore
 * (SIGCHLD, SIGURG, SIGWINCH, SIGCONT) or stop (no job control yet). */
static bool default_spares(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return true;
	default:
		return false;
	}
}

void signal_raise_self(int sig)
{
	struct task *t = current;
	uint64_t flags = spin_lock_irqsave(&t->sighand->lock);
	uint64_t handler = t->sighand->action[sig - 1].handler;
	spin_unlock_irqrestore(&t->sighand->lock, flags);
	if (handler != (uint64_t)SIG_DFL || (t->blocked & SIGMASK(sig)) || default_spares(sig))
		return;
	group_exit_at_return(W_SIGNALED(sig));
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
}
