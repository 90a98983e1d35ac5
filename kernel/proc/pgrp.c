/* Process groups and sessions: setpgid, getpgid, getpgrp, setsid, getsid.
 *
 * A shell puts each pipeline in a process group of its own (job control)
 * and a login starts a session. Both are ids stored in every process (in
 * its thread group leader): pgid and sid, inherited by fork and kept by
 * execve. A group's id is the pid of the process that made it, and a
 * group lives as long as one process is in it (a zombie too), so "does
 * group g exist" is a walk over the processes. The first process starts in group 0 and
 * session 0, as Linux's init does until it calls setsid. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <proc/task.h>
#include <syscall/syscalls.h>

struct task *process_by_pid(int pid)
{
	assert_held(&tasklist_lock);
	struct task *t;
	list_for_each_entry(t, &all_tasks, all_link)
		if (t->tid == pid && t == t->group_leader && (t->state != TASK_ZOMBIE || t->group_live))
			return t;
	return NULL;
}

/* Is some process in group pgid (of session sid, unless sid < 0)? A
 * zombie counts, as on Linux, until its parent collects it: a shell
 * that puts the second process of a pipeline into the group of the
 * first (setpgid, then TIOCSPGRP) must succeed even when the first has
 * already ended. tasklist_lock held. */
static bool group_in_session(int pgid, int sid)
{
	assert_held(&tasklist_lock);
	struct task *t;
	list_for_each_entry(t, &all_tasks, all_link)
		if (t == t->group_leader && !t->detached && t->pgid == pgid && (sid < 0 || t->sid == sid))
			return true;
	return false;
}

bool pgrp_orphaned(int pgid)
{
	struct task *t;
	list_for_each_entry(t, &all_tasks, all_link) {
		if (t != t->group_leader || t->detached || t->pgid != pgid || t->state == TASK_ZOMBIE)
			continue;
		struct task *p = t->parent;
		if (p && p != init_task && p->pgid != pgid && p->sid == t->sid)
			return false;
	}
	return true;
}

bool pgrp_in_session(int pgid, int sid)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	bool found = group_in_session(pgid, sid);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return found;
}

long sys_setpgid(int pid, int pgid)
{
	struct task *me = current->group_leader;
	if (pgid < 0)
		return -EINVAL;
	if (pid == 0)
		pid = me->tgid;
	if (pgid == 0)
		pgid = pid;
	long err = 0;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *p = process_by_pid(pid);
	/* Only the caller itself or one of its children, and a child only
	 * before it has run another program. */
	if (!p || (p != me && p->parent != me))
		err = -ESRCH;
	else if (p != me && p->did_exec)
		err = -EACCES;
	else if (p->sid != me->sid || p->sid == p->tgid)
		err = -EPERM;       /* another session, or a session leader */
	else if (pgid != p->tgid && !group_in_session(pgid, me->sid))
		err = -EPERM;       /* join only a group of the same session */
	else
		p->pgid = pgid;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return err;
}

/* Process pid's group, or its session if sid (pid 0: the caller's). */
static long group_or_session(int pid, bool sid)
{
	if (pid == 0)
		return sid ? current->group_leader->sid : current->group_leader->pgid;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *p = process_by_pid(pid);
	long ret = !p ? -ESRCH : sid ? p->sid : p->pgid;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

long sys_getpgid(int pid)
{
	return group_or_session(pid, false);
}

long sys_getpgrp(void)
{
	return sys_getpgid(0);
}

long sys_setsid(void)
{
	struct task *me = current->group_leader;
	long ret;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	/* Not if a group with the caller's pid exists (it leads one, or a
	 * group it made lives on): the new session's group would clash. */
	if (group_in_session(me->tgid, -1)) {
		ret = -EPERM;
	} else {
		me->sid = me->pgid = me->tgid;
		ret = me->sid;
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

long sys_getsid(int pid)
{
	return group_or_session(pid, true);
}
