/* wait4 and waitid: a parent collects what happened to its children: a
 * child that ended (its zombie is freed, unless WNOWAIT), and, when
 * asked, one that stopped (WUNTRACED, WSTOPPED) or continued
 * (WCONTINUED: proc/jobctl.c). Both sleep interruptibly on the parent's
 * child_exit queue, which do_exit and job control wake. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <linux/wait.h>
#include <linux/resource.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <proc/exit.h>
#include <proc/cputime.h>
#include <proc/jobctl.h>
#include <proc/pidfd.h>
#include <proc/task.h>
#include <kernel/wait.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>

/* Which children a wait is about (waitid's idtype and id). */
struct selector {
	int type;               /* P_ALL, P_PID, P_PGID */
	int id;
};

/* A "clone" child (one that sends no SIGCHLD at its end) is waited for
 * only with __WCLONE, the others only without it; __WALL: any (Linux's
 * eligible_child). */
static bool wait_kind_matches(struct task *c, int options)
{
	return (options & __WALL) || (c->exit_signal != SIGCHLD) == !!(options & __WCLONE);
}

static bool selects(const struct selector *sel, struct task *c)
{
	switch (sel->type) {
	case P_PID:
		return c->tgid == sel->id;
	case P_PGID:
		return c->pgid == sel->id;
	default:
		return true;
	}
}

/* What was found: a zombie, or a stop or continue report. */
struct found {
	struct task *child;
	int tid;
	int status;             /* wait4's encoding */
	bool zombie;
};

/* Looks for a child sel selects that has something to report under
 * options (WEXITED: an ended child). A report is taken (consumed) if
 * take. Returns true if one was found; *any says whether sel selects a
 * child at all. tasklist_lock held. */
static bool find_waitable(struct task *me, const struct selector *sel, int options, bool take,
			  bool *any, struct found *f)
{
	assert_held(&tasklist_lock);
	*any = false;
	struct task *c;
	list_for_each_entry(c, &me->children, sibling) {
		if (!selects(sel, c) || !wait_kind_matches(c, options))
			continue;
		*any = true;
		f->child = c;
		f->tid = c->tid;
		f->zombie = process_ended(c);     /* not while its threads run on */
		if (f->zombie) {
			if (!(options & WEXITED))
				continue;
			f->status = c->exit_status;
			return true;
		}
		if (jobctl_report(c, options, take, &f->status))
			return true;
	}
	return false;
}

static bool waitable_ready(struct task *me, const struct selector *sel, int options)
{
	bool any;
	struct found f;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	bool ready = find_waitable(me, sel, options, false, &any, &f) || !any;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ready;
}

/* Finds something to report, sleeping (unless WNOHANG) until there is:
 * 1 with *f filled in, 0 for WNOHANG with nothing yet, -ECHILD, or
 * -ERESTARTSYS if a signal cut the sleep short (made again after a
 * stop). A stop or continue report is consumed unless WNOWAIT. */
static long wait_for_child(const struct selector *sel, int options, struct found *f)
{
	struct task *me = current->group_leader;
	for (;;) {
		bool any;
		uint64_t flags = spin_lock_irqsave(&tasklist_lock);
		bool found = find_waitable(me, sel, options, !(options & WNOWAIT), &any, f);
		spin_unlock_irqrestore(&tasklist_lock, flags);
		if (found)
			return 1;
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		long err = wait_event_interruptible(&me->child_exit, waitable_ready(me, sel, options),
						    WAIT_FOREVER);
		if (err)
			return err;
	}
}

/* Frees a collected zombie. Only this task collects its children, so it
 * stayed a zombie while the caller copied its status out. */
static void reap(struct task *z)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	list_del(&z->sibling);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	task_free(z);
}

/* What the child used, with its own reaped children (Linux's RUSAGE_BOTH). */
static struct usage child_usage(struct task *c)
{
	struct usage u = process_usage(c);
	usage_add(&u, &c->children_usage);
	return u;
}

/* A reaped child's times become the parent's children's times. */
static void reap_accounted(struct task *z)
{
	struct usage u = child_usage(z);
	usage_add(&current->group_leader->children_usage, &u);
	reap(z);
}

long sys_wait4(int pid, int *ustatus, int options, void *rusage)
{
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	/* -1: any child; 0: one in the caller's group; < -1: one in group
	 * -pid; > 0: that one. */
	struct selector sel = { P_ALL, 0 };
	if (pid == 0)
		sel = (struct selector){ P_PGID, current->group_leader->pgid };
	else if (pid < -1)
		sel = (struct selector){ P_PGID, -pid };
	else if (pid > 0)
		sel = (struct selector){ P_PID, pid };
	struct found f;
	long ret = wait_for_child(&sel, options | WEXITED, &f);
	if (ret <= 0)
		return ret;
	/* A zombie is reaped only once the copies worked. */
	if (ustatus && copy_to_user(ustatus, &f.status, sizeof(int)))
		return -EFAULT;
	struct usage u = child_usage(f.child);
	if (put_rusage(rusage, &u))
		return -EFAULT;
	if (f.zombie)
		reap_accounted(f.child);
	return f.tid;
}

/* waitid's siginfo for what was found (wait4's status decoded). */
static void fill_child_siginfo(siginfo_t *si, const struct found *f)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = SIGCHLD;
	si->si_pid = f->tid;
	si->si_uid = f->child->cred.uid;   /* its real uid, as Linux */
	wait_status_decode(f->status, &si->si_code, &si->si_status);
}

/* waitid(idtype, id, infop, options, rusage): as wait4, but the child is
 * chosen by (P_ALL | P_PID | P_PGID, id), what to wait for is said
 * (WEXITED, WSTOPPED, WCONTINUED), WNOWAIT leaves it to be waited for
 * again, and the answer is a siginfo. Returns 0; with WNOHANG and
 * nothing to report, the siginfo's fields are zeroed, as Linux does. */
long sys_waitid(int idtype, int id, siginfo_t *uinfo, int options, void *rusage)
{
	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	struct selector sel = { idtype, id };
	if (idtype == P_PID && id <= 0)
		return -EINVAL;
	if (idtype == P_PGID) {
		if (id < 0)
			return -EINVAL;
		if (id == 0)
			sel.id = current->group_leader->pgid;
	} else if (idtype == P_PIDFD) {
		if (id < 0)
			return -EINVAL;
		int pid = pidfd_to_pid(id);
		if (pid < 0)
			return pid;
		sel = (struct selector){ P_PID, pid };
	} else if (idtype != P_ALL && idtype != P_PID) {
		return -EINVAL;
	}
	struct found f;
	long ret = wait_for_child(&sel, options, &f);
	if (ret < 0)
		return ret;
	siginfo_t si;
	if (ret)
		fill_child_siginfo(&si, &f);
	else
		memset(&si, 0, sizeof(si));
	if (uinfo && copy_to_user(uinfo, &si, sizeof(si)))
		return -EFAULT;
	struct usage u = {};
	if (ret)
		u = child_usage(f.child);
	if (put_rusage(rusage, &u))
		return -EFAULT;
	if (ret && f.zombie && !(options & WNOWAIT))
		reap_accounted(f.child);
	return 0;
}
