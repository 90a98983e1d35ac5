/* Resource limits: prlimit64, getrlimit, setrlimit.
 *
 * Each process has Linux's sixteen limits, inherited by fork and kept
 * across execve. Most are only recorded (nothing here counts locked
 * memory or message queues); those the kernel enforces:
 *   RLIMIT_NOFILE  the descriptor table refuses fds at or above it;
 *   RLIMIT_STACK   reported to the C library, which sizes thread stacks
 *                  by it (the main stack is USER_STACK_SIZE).
 * Raising a hard limit takes CAP_SYS_RESOURCE (root), up to what Linux
 * allows root (nr_open for NOFILE); another process's limits, its user
 * or CAP_SYS_RESOURCE. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <linux/resource.h>
#include <fs/fdtable.h>
#include <mm/vm.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>

#define SYSCTL_NR_OPEN (1024 * 1024)    /* Linux's fs.nr_open: the ceiling for NOFILE */
#define ISYSCTL_NR_OPEN 4096            /* NOFILE's default hard limit on Linux */

void rlimits_init(struct rlimit64 *rlim)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		rlim[i] = (struct rlimit64){ RLIM_INFINITY, RLIM_INFINITY };
	/* Linux's defaults for init (include/asm-generic/resource.h). */
	rlim[RLIMIT_STACK].rlim_cur = USER_STACK_SIZE;
	rlim[RLIMIT_CORE].rlim_cur = 0;
	rlim[RLIMIT_NOFILE] = (struct rlimit64){ NR_OPEN_DEFAULT, ISYSCTL_NR_OPEN };
	rlim[RLIMIT_MEMLOCK] = (struct rlimit64){ 8 << 20, 8 << 20 };
	rlim[RLIMIT_MSGQUEUE] = (struct rlimit64){ 819200, 819200 };
	rlim[RLIMIT_NICE] = (struct rlimit64){ 0, 0 };
	rlim[RLIMIT_RTPRIO] = (struct rlimit64){ 0, 0 };
	rlim[RLIMIT_NPROC] = rlim[RLIMIT_SIGPENDING] = (struct rlimit64){ 3870, 3870 };
}

/* The process pid names (0: the caller), or NULL. tasklist_lock held. */
static struct task *find_process(int pid)
{
	if (pid == 0 || pid == current->tgid)
		return current->group_leader;
	return process_by_pid(pid);
}

/* Another process's limits: only if all its ids are the caller's real
 * ones, or with CAP_SYS_RESOURCE (Linux's check_prlimit_permission).
 * tasklist_lock held. */
static long prlimit_permission(struct task *t)
{
	const struct cred *me = current_cred(), *tc = &t->cred;
	if (t == current->group_leader)
		return 0;
	bool same = me->uid == tc->uid && me->uid == tc->euid && me->uid == tc->suid &&
		    me->gid == tc->gid && me->gid == tc->egid && me->gid == tc->sgid;
	return same || capable(CAP_SYS_RESOURCE) ? 0 : -EPERM;
}

static long do_prlimit(int pid, unsigned resource, const struct rlimit64 *new, struct rlimit64 *old)
{
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (new && new->rlim_cur > new->rlim_max)
		return -EINVAL;
	if (new && resource == RLIMIT_NOFILE && new->rlim_max > SYSCTL_NR_OPEN)
		return -EPERM;
	if (pid < 0)
		return -EINVAL;
	/* The task list lock keeps t and its limits still meanwhile. */
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *t = find_process(pid);
	long err = t ? prlimit_permission(t) : -ESRCH;
	/* Raising a hard limit takes CAP_SYS_RESOURCE. */
	if (!err && new && new->rlim_max > t->rlim[resource].rlim_max && !capable(CAP_SYS_RESOURCE))
		err = -EPERM;
	if (err) {
		spin_unlock_irqrestore(&tasklist_lock, flags);
		return err;
	}
	if (old)
		*old = t->rlim[resource];
	if (new) {
		t->rlim[resource] = *new;
		if (resource == RLIMIT_NOFILE && t->files)
			t->files->limit = new->rlim_cur;
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return 0;
}

long sys_prlimit64(int pid, unsigned resource, const struct rlimit64 *unew, struct rlimit64 *uold)
{
	struct rlimit64 new, old;
	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	long err = do_prlimit(pid, resource, unew ? &new : NULL, uold ? &old : NULL);
	if (!err && uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

/* The old calls use struct rlimit, the same two 64-bit words on x86_64.
 * Unlike prlimit64, where NULL means "not this half", their one pointer
 * must be there: NULL is EFAULT. getrlimit checks the resource before the
 * pointer, setrlimit copies the limit in first, as Linux does. */
long sys_getrlimit(unsigned resource, struct rlimit64 *ulim)
{
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (!ulim)
		return -EFAULT;
	return sys_prlimit64(0, resource, NULL, ulim);
}

long sys_setrlimit(unsigned resource, const struct rlimit64 *ulim)
{
	if (!ulim)
		return -EFAULT;
	return sys_prlimit64(0, resource, ulim, NULL);
}
