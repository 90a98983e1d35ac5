/* kill, tkill and tgkill: signals sent by processes (proc/signal.h).
 *
 * A process may signal its own, those of its user (proc/cred.h:
 * kill_ok_by_cred), and with SIGCONT any in its session; CAP_KILL
 * signals anyone. kill's signals go to a process (any of its threads
 * may take them); tgkill's and tkill's to one thread. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <proc/cred.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <syscall/syscalls.h>

/* A task (any thread) by tid, a zombie too (its pid lives until it is
 * collected), but not one the reaper is freeing. tasklist_lock held. */
static struct task *task_by_tid(int tid)
{
	assert_held(&tasklist_lock);
	struct task *t;
	list_for_each_entry(t, &all_tasks, all_link)
		if (t->tid == tid && !t->detached)
			return t;
	return NULL;
}

/* Is t a process kill(-1) or kill to a group reaches? Leaders only,
 * never the kernel's idle and boot tasks (tid 0). */
static bool is_process(struct task *t)
{
	return t->tid > 0 && t == t->group_leader && !t->detached;
}

/* May the caller send sig to t (Linux's check_kill_permission)? Its own
 * process always; SIGCONT, which job control shells send to jobs that
 * may run as other users, anyone in the same session. */
static long kill_permission(struct task *t, int sig)
{
	if (t->tgid == current->tgid || kill_ok_by_cred(t))
		return 0;
	if (sig == SIGCONT && t->group_leader->sid == current->group_leader->sid)
		return 0;
	return -EPERM;
}

/* Sends sig (0: none, only the checks) to the selected task t, to its
 * process or (to_thread) to t alone. Like Linux, sig is checked only
 * once there is a target: kill of nobody with a bad signal is ESRCH. */
static long deliver_to(struct task *t, int sig, const struct ksiginfo *info, bool to_thread)
{
	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	long err = kill_permission(t, sig);
	if (!err && sig && to_thread)
		send_signal_thread(t, sig, info);
	else if (!err && sig)
		send_signal(t, sig, info);
	return err;
}

static long deliver(struct task *t, int sig, const struct ksiginfo *info)
{
	return deliver_to(t, sig, info, false);
}

/* kill to a process group: success if any member took it, otherwise
 * the last member's error (Linux's __kill_pgrp_info). */
static long kill_pgrp(int pgid, int sig, const struct ksiginfo *info)
{
	long ret = -ESRCH;
	bool any = false;
	struct task *t;
	list_for_each_entry(t, &all_tasks, all_link) {
		if (!is_process(t) || t->pgid != pgid)
			continue;
		ret = deliver(t, sig, info);
		any |= !ret;
	}
	return any ? 0 : ret;
}

bool signal_pgrp(int pgid, int sig, const struct ksiginfo *info)
{
	bool any = false;
	struct task *t;
	list_for_each_entry(t, &all_tasks, all_link) {
		if (!is_process(t) || t->pgid != pgid)
			continue;
		any = true;
		if (sig)
			send_signal(t, sig, info);
	}
	return any;
}

/* kill(pid, sig): pid > 0 that process; 0 the caller's process group;
 * -1 every process but init and the caller; < -1 the group -pid. */
long sys_kill(int pid, int sig)
{
	if (pid == INT32_MIN)
		return -ESRCH;          /* -pid would overflow */
	struct task *me = current->group_leader;
	struct ksiginfo info = { .code = SI_USER, .pid = me->tgid, .uid = current_cred()->uid };
	int pgid = pid == 0 ? me->pgid : -pid;
	long ret = -ESRCH;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	if (pid > 0) {
		struct task *t = task_by_tid(pid);
		if (t)                  /* a thread's tid names its process */
			ret = deliver(t, sig, &info);
	} else if (pid == -1) {
		/* Everyone the caller may signal; refusals are not errors
		 * (Linux's kill_something_info), only finding nobody is. */
		struct task *t;
		list_for_each_entry(t, &all_tasks, all_link) {
			if (!is_process(t) || t == init_task || t == me)
				continue;
			long err = deliver(t, sig, &info);
			if (ret == -ESRCH)
				ret = 0;
			if (err != -EPERM)
				ret = err;
		}
	} else {
		ret = kill_pgrp(pgid, sig, &info);
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

long signal_thread_info(int tgid, int tid, int sig, const struct ksiginfo *info)
{
	if (tid <= 0)
		return -EINVAL;
	long ret = -ESRCH;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *t = task_by_tid(tid);
	if (t && (tgid < 0 || t->tgid == tgid))
		ret = deliver_to(t, sig, info, true);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

/* tgkill and tkill: to one thread, tid, of thread group tgid (tkill: of
 * any group). SI_TKILL tells the receiver it came this way. */
static long thread_kill(int tgid, int tid, int sig)
{
	struct ksiginfo info = { .code = SI_TKILL, .pid = current->tgid, .uid = current_cred()->uid };
	return signal_thread_info(tgid, tid, sig, &info);
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0)
		return -EINVAL;
	return thread_kill(tgid, tid, sig);
}

long sys_tkill(int tid, int sig)
{
	return thread_kill(-1, tid, sig);
}
