/* The scheduling calls: policies and priorities (sched_setscheduler and
 * friends), nice values (getpriority, setpriority), CPU affinity and the
 * round-robin interval, with Linux's values and errors.
 *
 * Kestrel keeps and reports all of them, but its scheduler treats every
 * task alike (one round-robin queue, proc/sched.c): a SCHED_FIFO task
 * gets no precedence, a nice one no smaller share. The affinity mask is
 * obeyed: a task runs only on the CPUs it allows (Lab 6). Without CAP_SYS_NICE a user may only
 * change their own processes, never raise a priority (RLIMIT_NICE and
 * RLIMIT_RTPRIO are 0, Linux's defaults) nor choose a real-time policy. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/time_types.h>
#include <proc/cred.h>
#include <proc/sched.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <time/clock.h>
#include <x86/apic.h>
#include <x86/uaccess.h>

/* glibc's and the kernel's struct sched_param (not in the UAPI headers). */
struct sched_param {
	int sched_priority;
};

#define MAX_RT_PRIO     100         /* real-time priorities are 1..99 */
#define RR_TIMESLICE_NS (100 * 1000 * 1000)     /* Linux's sched_rr_timeslice */
#define NICE_MIN        (-20)
#define NICE_MAX        19
#define CPUMASK_BYTES   8           /* Linux's cpumask_size() for up to 64 CPUs */

static bool rt_policy(int policy) { return policy == SCHED_FIFO || policy == SCHED_RR; }

static bool valid_policy(int policy)
{
	return policy == SCHED_NORMAL || policy == SCHED_BATCH || policy == SCHED_IDLE || rt_policy(policy);
}

/* The process pid names (0: the caller), or NULL. tasklist_lock held. */
static struct task *target(int pid)
{
	return pid == 0 ? current : process_by_pid(pid);
}

/* Linux's check_same_owner: the caller's euid is t's real or effective
 * uid. tasklist_lock held. */
static bool same_owner(const struct task *t)
{
	uint32_t euid = current_cred()->euid;
	return euid == t->cred.euid || euid == t->cred.uid;
}

/* Without threads (Lab 6) every task is a process: the fork child gets
 * its parent's policy, nice value and mask, unless the parent asked for
 * SCHED_RESET_ON_FORK (then a normal policy and no negative nice). */
void sched_params_fork(struct task *child, const struct task *parent)
{
	child->policy = parent->policy;
	child->rt_priority = parent->rt_priority;
	child->nice = parent->nice;
	child->cpus_allowed = parent->cpus_allowed;
	if (parent->reset_on_fork) {
		child->policy = SCHED_NORMAL;
		child->rt_priority = 0;
		if (child->nice < 0)
			child->nice = 0;
	}
}

/* --- policies ------------------------------------------------------------- */

/* policy < 0: keep the task's (sched_setparam). */
static long set_scheduler(int pid, int policy, const struct sched_param *uparam)
{
	struct sched_param param;
	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(&param, uparam, sizeof(param)))
		return -EFAULT;
	long err = 0;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *t = target(pid);
	if (!t) {
		err = -ESRCH;
		goto out;
	}
	bool reset = t->reset_on_fork;
	if (policy >= 0) {
		reset = policy & SCHED_RESET_ON_FORK;
		policy &= ~SCHED_RESET_ON_FORK;
	} else {
		policy = t->policy;
	}
	unsigned prio = (unsigned)param.sched_priority;
	if (!valid_policy(policy) || prio >= MAX_RT_PRIO || rt_policy(policy) != (prio != 0)) {
		err = -EINVAL;
		goto out;
	}
	/* Linux's user checks: a real-time policy or priority needs
	 * RLIMIT_RTPRIO (0) or the capability, as does leaving SCHED_IDLE. */
	if (!capable(CAP_SYS_NICE) &&
	    ((rt_policy(policy) && (policy != t->policy || prio > (unsigned)t->rt_priority)) ||
	     (t->policy == SCHED_IDLE && policy != SCHED_IDLE) || !same_owner(t))) {
		err = -EPERM;
		goto out;
	}
	t->policy = policy;
	t->rt_priority = prio;
	t->reset_on_fork = reset;
out:
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return err;
}

long sys_sched_setscheduler(int pid, int policy, const struct sched_param *param)
{
	if (policy < 0)
		return -EINVAL;
	return set_scheduler(pid, policy, param);
}

long sys_sched_setparam(int pid, const struct sched_param *param)
{
	return set_scheduler(pid, -1, param);
}

long sys_sched_getscheduler(int pid)
{
	if (pid < 0)
		return -EINVAL;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *t = target(pid);
	long ret = t ? t->policy | (t->reset_on_fork ? SCHED_RESET_ON_FORK : 0) : -ESRCH;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

long sys_sched_getparam(int pid, struct sched_param *uparam)
{
	if (!uparam || pid < 0)
		return -EINVAL;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *t = target(pid);
	struct sched_param param = { t ? t->rt_priority : 0 };
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (!t)
		return -ESRCH;
	return copy_to_user(uparam, &param, sizeof(param)) ? -EFAULT : 0;
}

long sys_sched_get_priority_max(int policy)
{
	if (policy == SCHED_DEADLINE || valid_policy(policy))
		return rt_policy(policy) ? MAX_RT_PRIO - 1 : 0;
	return -EINVAL;
}

long sys_sched_get_priority_min(int policy)
{
	if (policy == SCHED_DEADLINE || valid_policy(policy))
		return rt_policy(policy) ? 1 : 0;
	return -EINVAL;
}

/* SCHED_RR's slice is Linux's 100 ms; SCHED_FIFO has none (0); the
 * others get the slice Kestrel's round robin gives everyone. */
long sys_sched_rr_get_interval(int pid, struct __kernel_timespec *uinterval)
{
	if (pid < 0)
		return -EINVAL;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *t = target(pid);
	int policy = t ? t->policy : 0;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (!t)
		return -ESRCH;
	uint64_t ns = policy == SCHED_RR ? RR_TIMESLICE_NS : policy == SCHED_FIFO ? 0 : SCHED_SLICE_TICKS * (NSEC_PER_SEC / LAPIC_TIMER_HZ);
	struct __kernel_timespec ts = { .tv_sec = ns / NSEC_PER_SEC, .tv_nsec = ns % NSEC_PER_SEC };
	return copy_to_user(uinterval, &ts, sizeof(ts)) ? -EFAULT : 0;
}

/* --- affinity ------------------------------------------------------------- */

static uint64_t online_cpus_mask(void)
{
	uint64_t mask = 0;
	for (int i = 0; i < ncpus; i++)
		if (cpus[i].online)
			mask |= 1ull << i;
	return mask;
}

/* The thread tid names (0: the caller), as Linux's affinity calls take
 * any thread's id; an ended main thread still names its process while
 * other threads run. tasklist_lock held. */
static struct task *thread_target(int tid)
{
	if (tid == 0)
		return current;
	struct task *t;
	list_for_each_entry(t, &all_tasks, all_link)
		if (t->tid == tid && (t->state != TASK_ZOMBIE || (t == t->group_leader && t->group_live)))
			return t;
	return NULL;
}

long sys_sched_getaffinity(int pid, unsigned len, uint64_t *umask)
{
	if (len * 8ull < (unsigned)ncpus || (len & (sizeof(uint64_t) - 1)))
		return -EINVAL;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *t = thread_target(pid);
	uint64_t mask = t && t->cpus_allowed ? t->cpus_allowed : online_cpus_mask();
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (!t)
		return -ESRCH;
	return copy_to_user(umask, &mask, CPUMASK_BYTES) ? -EFAULT : CPUMASK_BYTES;
}

long sys_sched_setaffinity(int pid, unsigned len, const uint64_t *umask)
{
	uint64_t mask = 0;
	if (copy_from_user(&mask, umask, len < CPUMASK_BYTES ? len : CPUMASK_BYTES))
		return -EFAULT;
	mask &= online_cpus_mask();
	long err = 0;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *t = thread_target(pid);
	if (!t)
		err = -ESRCH;
	else if (!same_owner(t) && !capable(CAP_SYS_NICE))
		err = -EPERM;
	else if (!mask)
		err = -EINVAL;
	else
		sched_set_allowed(t, mask == online_cpus_mask() ? 0 : mask);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return err;
}

/* --- nice values ---------------------------------------------------------- */

/* Does process t (a group leader) match (which, who)? who 0 is the
 * caller's own process, group or user (its real uid). */
static bool prio_matches(struct task *t, int which, int who)
{
	struct task *me = current->group_leader;
	switch (which) {
	case PRIO_PROCESS:
		return who ? t->tgid == who : t == me;
	case PRIO_PGRP:
		return t->pgid == (who ? who : me->pgid);
	default:
		return t->cred.uid == (who ? (uint32_t)who : current_cred()->uid);   /* PRIO_USER */
	}
}

/* Linux answers 20 - nice (1..40, never negative, so never an error
 * code); glibc's getpriority turns it back into a nice value. The
 * highest priority (lowest nice) among the matches wins. */
long sys_getpriority(int which, int who)
{
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	long ret = -ESRCH;
	struct task *t;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	list_for_each_entry(t, &all_tasks, all_link)
		if (t == t->group_leader && t->mm && t->state != TASK_ZOMBIE && prio_matches(t, which, who))
			ret = 20 - t->nice > ret ? 20 - t->nice : ret;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

/* Linux's set_one_prio: one matching process. err: the answer so far
 * (-ESRCH until a process matched); a refusal sticks, as Linux's does. */
static long set_one_nice(struct task *t, int niceval, long err)
{
	const struct cred *c = current_cred();
	if (t->cred.uid != c->euid && t->cred.euid != c->euid && !capable(CAP_SYS_NICE))
		return -EPERM;
	if (niceval < t->nice && !capable(CAP_SYS_NICE))
		return -EACCES;     /* RLIMIT_NICE is 0: only the capability lowers nice */
	t->nice = niceval;
	return err == -ESRCH ? 0 : err;
}

long sys_setpriority(int which, int who, int niceval)
{
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	niceval = niceval < NICE_MIN ? NICE_MIN : niceval > NICE_MAX ? NICE_MAX : niceval;
	long err = -ESRCH;
	struct task *t;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	list_for_each_entry(t, &all_tasks, all_link)
		if (t == t->group_leader && t->mm && t->state != TASK_ZOMBIE && prio_matches(t, which, who))
			err = set_one_nice(t, niceval, err);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return err;
}
