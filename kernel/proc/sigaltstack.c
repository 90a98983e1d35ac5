/* The alternate signal stack (sigaltstack, SA_ONSTACK): where handlers
 * run when the program's own stack cannot be used, typically because it
 * overflowed (proc/signal.h). Per thread; kept by fork, dropped by
 * execve, as Linux does. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <asm/signal.h>
#include <linux/signal.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>

void sas_ss_reset(struct task *t)
{
	t->sas_ss_sp = t->sas_ss_size = 0;
	t->sas_ss_flags = SS_DISABLE;
}

bool on_sig_stack(struct task *t, uint64_t sp)
{
	/* With SS_AUTODISARM the kernel cannot tell: the setting is gone
	 * while a handler runs on it (Linux says "not on it" too). */
	if (t->sas_ss_flags & SS_AUTODISARM)
		return false;
	return sp > t->sas_ss_sp && sp - t->sas_ss_sp <= t->sas_ss_size;
}

int sas_ss_flags(struct task *t, uint64_t sp)
{
	if (!t->sas_ss_size)
		return SS_DISABLE;
	return on_sig_stack(t, sp) ? SS_ONSTACK : 0;
}

long sigaltstack_set(const struct sigaltstack *ss, uint64_t sp)
{
	struct task *t = current;
	unsigned mode = ss->ss_flags & ~SS_FLAG_BITS;
	if (on_sig_stack(t, sp))
		return -EPERM;          /* not while a handler runs on it */
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		t->sas_ss_sp = t->sas_ss_size = 0;
	} else {
		if (ss->ss_size < MINSIGSTKSZ)
			return -ENOMEM;
		t->sas_ss_sp = (uint64_t)ss->ss_sp;
		t->sas_ss_size = ss->ss_size;
	}
	t->sas_ss_flags = ss->ss_flags;    /* as given: the frame keeps them so */
	return 0;
}

long sys_sigaltstack(const struct sigaltstack *uss, struct sigaltstack *uoss)
{
	struct task *t = current;
	uint64_t sp = task_user_regs(t)->rsp;
	struct sigaltstack old = {
		.ss_sp = (void *)t->sas_ss_sp,
		.ss_size = t->sas_ss_size,
		.ss_flags = sas_ss_flags(t, sp) | (t->sas_ss_flags & SS_FLAG_BITS),
	};
	if (uss) {
		struct sigaltstack ss;
		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		long err = sigaltstack_set(&ss, sp);
		if (err)
			return err;
	}
	if (uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
