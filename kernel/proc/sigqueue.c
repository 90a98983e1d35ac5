/* rt_sigqueueinfo and rt_tgsigqueueinfo: a signal with a siginfo of the
 * sender's making (sigqueue(3), pthread_sigqueue(3): SI_QUEUE and a
 * value for the handler), to a process or to one of its threads. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>

/* The user's siginfo as the kernel keeps it, if the caller may send it:
 * as Linux, another task may not be told the kernel or kill() sent it
 * (a non-negative si_code, or SI_TKILL). self: is the target the caller? */
static long info_from_user(const siginfo_t *uinfo, bool self, struct ksiginfo *info)
{
	siginfo_t si;
	if (copy_from_user(&si, uinfo, sizeof(si)))
		return -EFAULT;
	if ((si.si_code >= 0 || si.si_code == SI_TKILL) && !self)
		return -EPERM;
	*info = (struct ksiginfo){ .code = si.si_code, .pid = si.si_pid, .uid = si.si_uid,
				   .value = (uint64_t)si.si_value.sival_ptr };
	return 0;
}

long sys_rt_sigqueueinfo(int pid, int sig, siginfo_t *uinfo)
{
	struct ksiginfo info;
	long err = info_from_user(uinfo, pid == current->tgid, &info);
	if (err)
		return err;
	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
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

long sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, siginfo_t *uinfo)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	struct ksiginfo info;
	long err = info_from_user(uinfo, tid == current->tid, &info);
	if (err)
		return err;
	return signal_thread_info(tgid, tid, sig, &info);
}
