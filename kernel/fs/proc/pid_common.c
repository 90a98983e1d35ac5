/* What the per-process files of /proc share (fs/proc/proc.h): a task's
 * state letter, and one consistent reading of the fields stat and status
 * print, taken under tasklist_lock. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <asm/signal.h>
#include <proc/task.h>
#include <proc/cputime.h>
#include <fs/fs_struct.h>
#include "proc.h"

char proc_state_letter(struct task *t)
{
	struct task *leader = t->group_leader;
	if (t->state == TASK_ZOMBIE)
		return 'Z';
	if (leader->stopped || t->stop_parked)
		return 'T';
	return t->state == TASK_RUNNING ? 'R' : 'S';
}

const char *proc_state_name(char letter)
{
	switch (letter) {
	case 'R': return "R (running)";
	case 'Z': return "Z (zombie)";
	case 'T': return "T (stopped)";
	default: return "S (sleeping)";
	}
}

/* The fields of the whole process (ctx->tid == 0: every thread, the
 * ended ones too) or of one thread; the reaped children's either way, as
 * Linux's do_task_stat shows them. tasklist_lock held. */
static void read_times(struct task *t, bool whole, struct proc_task_info *in)
{
	struct usage u = whole ? process_usage_locked(t->group_leader) : task_usage(t);
	in->utime = u.time.utime;
	in->stime = u.time.stime;
	in->minflt = u.minflt;
	in->nvcsw = u.nvcsw;
	in->nivcsw = u.nivcsw;
	in->cutime = t->group_leader->children_usage.time.utime;
	in->cstime = t->group_leader->children_usage.time.stime;
}

static void read_signals(struct task *t, struct proc_task_info *in)
{
	struct task *leader = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&leader->siglock);
	in->blocked = t->blocked;
	in->pending = t->pending.set;
	in->shared_pending = leader->shared_pending.set;
	if (t->sighand) {
		for (int sig = 1; sig <= _NSIG; sig++) {
			uint64_t h = t->sighand->action[sig - 1].handler;
			if (h == (uint64_t)SIG_IGN)
				in->ignored |= 1ull << (sig - 1);
			else if (h != (uint64_t)SIG_DFL)
				in->caught |= 1ull << (sig - 1);
		}
	}
	spin_unlock_irqrestore(&leader->siglock, flags);
}

int proc_task_info(const struct pseudo_ctx *ctx, struct proc_task_info *in)
{
	struct task *t = pseudo_task(ctx);
	if (!t)
		return -ESRCH;
	*in = (struct proc_task_info){ 0 };
	bool whole = ctx->tid == 0;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *leader = t->group_leader;
	memcpy(in->comm, t->name, sizeof(in->comm));
	in->comm[sizeof(in->comm) - 1] = 0;
	in->state = proc_state_letter(t);
	in->pid = t->tgid;
	in->tid = t->tid;
	in->ppid = leader->parent ? leader->parent->tgid : 0;
	in->pgid = leader->pgid;
	in->sid = leader->sid;
	in->tpgid = -1;
	in->threads = leader->group_live;
	const struct cred *c = &t->cred;
	in->uid = c->uid, in->euid = c->euid, in->suid = c->suid, in->fsuid = c->fsuid;
	in->gid = c->gid, in->egid = c->egid, in->sgid = c->sgid, in->fsgid = c->fsgid;
	in->ngroups = c->ngroups < 32 ? c->ngroups : 32;
	memcpy(in->groups, c->groups, in->ngroups * sizeof(uint32_t));
	read_times(t, whole, in);
	in->nice = t->nice;
	in->policy = t->policy;
	in->rt_priority = t->rt_priority;
	in->exit_signal = leader->exit_signal;
	in->processor = t->cpu ? t->cpu->id : 0;
	in->start_ns = leader->start_ns;
	if (!whole)
		in->start_ns = t->start_ns;
	in->cpus_allowed = t->cpus_allowed;
	in->no_new_privs = t->no_new_privs;
	in->umask = t->fs ? t->fs->umask : 0022;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	read_signals(t, in);
	task_put(t);
	return 0;
}

int proc_task_mm(const struct pseudo_ctx *ctx, struct mm **mm)
{
	struct task *t = pseudo_task(ctx);
	*mm = NULL;
	if (!t)
		return -ESRCH;
	*mm = task_get_mm(t);
	task_put(t);
	return 0;
}
