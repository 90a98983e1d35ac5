/* rt_sigqueueinfo: a signal with a siginfo of the sender's making
 * (sigqueue(3): SI_QUEUE and a value for the handler). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>

long sys_rt_sigqueueinfo(int pid, int sig, siginfo_t *uinfo)
{
	siginfo_t si;
	if (copy_from_user(&si, uinfo, sizeof(si)))
		return -EFAULT;
	/* As Linux: another process may not be told the kernel or kill()
	 * sent it (a non-negative si_code, or SI_TKILL). */
	if ((si.si_code >= 0 || si.si_code == SI_TKILL) && pid != current->tgid)
		return -EPERM;
	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	struct ksiginfo info = { .code = si.si_code, .pid = si.si_pid, .uid = si.si_uid,
				 .value = (uint64_t)si.si_value.sival_ptr };
	long ret = -ESRCH;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *t = pid > 0 ? process_by_pid(pid) : NULL;
	if (t) {
		ret = 0;
		if (sig)
			send_signal(t, sig, &info);
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}
