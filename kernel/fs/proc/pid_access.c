/* Who may look inside another process (Linux's ptrace_may_access with
 * PTRACE_MODE_READ_FSCREDS, as fs/proc uses it): the process itself;
 * anyone whose fsuid and fsgid match all of its real, effective and
 * saved ids while it is dumpable; and root (CAP_SYS_PTRACE). Guards
 * environ, auxv, maps, the fd links and fdinfo. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/capability.h>
#include <proc/task.h>
#include <proc/cred.h>
#include "proc.h"

int proc_may_access(const struct pseudo_ctx *ctx)
{
	struct task *t = pseudo_task(ctx);
	if (!t)
		return -ENOENT;
	const struct cred *me = current_cred();
	int err = 0;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	const struct cred *c = &t->cred;
	bool same = t->tgid == current->tgid;
	bool ids = me->fsuid == c->uid && me->fsuid == c->euid && me->fsuid == c->suid &&
		   me->fsgid == c->gid && me->fsgid == c->egid && me->fsgid == c->sgid;
	bool dumpable = t->dumpable;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (!same && !capable(CAP_SYS_PTRACE) && (!ids || !dumpable))
		err = -EACCES;
	task_put(t);
	return err;
}
