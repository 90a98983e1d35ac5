/* Taking signals on the way back to user mode (proc/signal.h), as
 * Linux's arch_do_signal_or_restart: get_signal() is the one place a
 * signal is taken, handle_signal() runs a handler, and a system call a
 * signal cut short is made again or fails with EINTR. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <asm/signal.h>
#include <asm/unistd.h>
#include <asm-generic/siginfo.h>
#include <proc/exit.h>
#include <proc/jobctl.h>
#include <proc/sigframe.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <proc/trace.h>
#include <x86/trap.h>

/* The default action of sig, taken now: nothing (ignored, or init
 * spared), a stop recorded for get_signal's next turn, or the end. */
static void act_by_default(int sig, const struct ksiginfo *info)
{
	struct task *t = current;
	if (sig_default_ignores(sig))
		return;
	/* Like Linux, init is spared what it has no handler for, unless it
	 * caused the signal itself (a fault: then it dies, and so does the
	 * machine). */
	bool forced = (SIGMASK(sig) & SYNCHRONOUS_SIGNALS) && info->code > 0;
	if (t->group_leader == init_task && !forced)
		return;
	if (sig_default_stops(sig)) {
		jobctl_stop_by(t->group_leader, sig);
		return;
	}
	group_exit_at_return(signal_death_status(t, sig));
	do_exit(t->exit_status);
}

/* The one place a signal is taken (Linux's get_signal): the process's
 * end or stop first, then the pending signals this thread does not
 * block, faults first. Those with a default action are acted on here;
 * the first with a handler is returned, its action in *ka and its
 * siginfo in *info. 0 once nothing is left. */
static int get_signal(struct ksiginfo *info, struct k_sigaction *ka)
{
	struct task *t = current;
	for (;;) {
		if (t->group_exiting)
			do_exit(t->exit_status);
		if (jobctl_stop_due(t)) {
			jobctl_stop_at_return();
			continue;
		}
		int sig = signal_dequeue(~t->blocked, info);
		if (!sig)
			return 0;
		trace_signal_taken(t, sig, info);
		if (!signal_action(t, sig, ka) || ka->handler == (uint64_t)SIG_IGN)
			continue;
		if (ka->handler == (uint64_t)SIG_DFL) {
			act_by_default(sig, info);
			continue;
		}
		if (ka->flags & SA_RESETHAND)
			signal_reset_handler(sig);
		return sig;
	}
}

/* Was tf's way into the kernel a system call (not one rt_sigreturn
 * ended: that sets orig_rax, our error_code, to -1 as Linux does)? */
static bool in_syscall(const struct trap_frame *tf)
{
	return tf->vector == VEC_SYSCALL && (long)tf->error_code >= 0;
}

/* Back over the 2-byte syscall instruction, with the call's number
 * (kept in error_code by the dispatcher) in %rax. */
static void make_again(struct trap_frame *tf, uint64_t nr)
{
	tf->rax = nr;
	tf->rip -= 2;
}

/* No handler runs: every cut-short call is made again;
 * RESTART_RESTARTBLOCK goes to restart_syscall, which resumes the call
 * with what it saved (a sleep's deadline). */
static void restart_without_handler(struct trap_frame *tf)
{
	if (!in_syscall(tf))
		return;
	long ret = (long)tf->rax;
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND)
		make_again(tf, tf->error_code);
	else if (ret == -ERESTART_RESTARTBLOCK)
		make_again(tf, __NR_restart_syscall);
}

/* A handler runs first: EINTR, unless the call said it may always be
 * made again (ERESTARTNOINTR) or SA_RESTART asks for it (ERESTARTSYS). */
static void restart_with_handler(struct trap_frame *tf, const struct k_sigaction *ka)
{
	if (!in_syscall(tf))
		return;
	long ret = (long)tf->rax;
	if (ret == -ERESTARTNOINTR || (ret == -ERESTARTSYS && (ka->flags & SA_RESTART)))
		make_again(tf, tf->error_code);
	else if (ret == -ERESTARTSYS || ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK)
		tf->rax = -EINTR;
}

/* Runs ka's handler for sig: the frame on the user stack, then the mask
 * it runs with (its sa_mask, and sig itself unless SA_NODEFER). False if
 * no frame was built and the handler does not run. */
static bool handle_signal(struct trap_frame *tf, int sig, const struct ksiginfo *info,
			  const struct k_sigaction *ka)
{
	struct task *t = current;
	struct trap_frame before = *tf;
	restart_with_handler(tf, ka);
	uint64_t old_mask = t->restore_sigmask ? t->saved_sigmask : t->blocked;
	long err = sigframe_build(tf, sig, info, ka, old_mask);
	if (err == -ENOSYS) {
		*tf = before;           /* no signal frames (the lab's start): as if ignored */
		return false;
	}
	t->restore_sigmask = false;
	if (err) {
		/* Linux's force_sigsegv: the program's stack is unusable, so
		 * no handler could run; the default action ends it, now. */
		struct ksiginfo segv = { .code = SI_KERNEL };
		struct k_sigaction dfl;
		signal_force(SIGSEGV, &segv, true);
		while (get_signal(&segv, &dfl))
			;               /* handlers of faults before it cannot run either */
		return false;
	}
	uint64_t mask = t->blocked | ka->mask;
	if (!(ka->flags & SA_NODEFER))
		mask |= SIGMASK(sig);
	signal_set_blocked(mask);
	return true;
}

bool signal_deliver(struct trap_frame *tf)
{
	struct task *t = current;
	struct ksiginfo info;
	struct k_sigaction ka;
	int sig = get_signal(&info, &ka);
	if (sig && handle_signal(tf, sig, &info, &ka))
		return true;
	restart_without_handler(tf);
	if (t->restore_sigmask) {
		t->restore_sigmask = false;
		signal_set_blocked(t->saved_sigmask);
		if (t->group_exiting)
			do_exit(t->exit_status);
	}
	return false;
}
