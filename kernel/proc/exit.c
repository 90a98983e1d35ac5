/* exit and exit_group: a task ends, becomes a zombie holding its exit
 * status, and tells its parent (SIGCHLD); the parent collects that
 * status (and frees what is left) with wait4 or waitid (proc/wait_child.c). Children outliving their
 * parent are handed to the first process, which must collect them in
 * turn. A parent that ignores SIGCHLD (or set SA_NOCLDWAIT) never sees
 * zombies: its children are reaped as they end (proc/reaper.c). */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/power.h>
#include <kernel/string.h>
#include <linux/wait.h>
#include <linux/resource.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <mm/vm.h>
#include <proc/cputime.h>
#include <proc/exit.h>
#include <proc/jobctl.h>
#include <proc/futex.h>
#include <proc/pidfd.h>
#include <proc/reaper.h>
#include <proc/sched.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <time/posix_timers.h>
#include <proc/trace.h>
#include <syscall/syscalls.h>
#include <fs/fs.h>
#include <fs/writeback.h>
#include <x86/paging.h>
#include <x86/tlb.h>
#include <x86/uaccess.h>

/* The first process is special: when it ends there is nobody to adopt
 * the orphans, so the machine stops (Linux panics: "Attempted to kill
 * init!"). Its status is the last line of a test run. */
static void __attribute__((noreturn)) init_exited(int status)
{
	for (int i = 0; i < ncpus; i++)
		if (cpus[i].online)
			printk("kestrel: cpu%d: %lu switches, %lu ticks in user mode\n",
			       i, cpus[i].switches, cpus[i].user_ticks);
	sched_print_stats();
	int code, n;
	wait_status_decode(status, &code, &n);
	if (code == CLD_EXITED)
		printk("kestrel: init (%s) exited with code %d\n", init_task->name, n);
	else
		printk("kestrel: init (%s) killed by signal %d\n", init_task->name, n);
	/* Close init's files first (a file unlinked while open is freed on the
	 * disk only when closed), then write back what is still only in
	 * memory before the power goes. */
	mm_activate(NULL);
	task_release_parts(current);
	int err = writeback_final_sync();
	if (err)
		printk("kestrel: writing the filesystems back failed: error %d\n", err);
	poweroff(POWEROFF_OK);
}

/* Is the first process down to one thread (the caller)? */
static bool init_alone(void)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	bool alone = init_task->group_live == 1;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return alone;
}

/* --- telling the parent ------------------------------------------------------ */

bool process_ended(const struct task *p)
{
	assert_held(&tasklist_lock);
	return p->state == TASK_ZOMBIE && p->group_live == 0;
}

/* Sends t's exit signal (SIGCHLD, unless clone chose another or none) to
 * parent: Linux's do_notify_parent. tasklist_lock held. */
static void send_exit_signal(struct task *t, struct task *parent, int status)
{
	assert_held(&tasklist_lock);
	if (t->exit_signal < 1 || t->exit_signal > _NSIG)
		return;
	struct ksiginfo info = { .pid = t->tgid, .uid = t->cred.uid };
	wait_status_decode(status, &info.code, &info.status);
	send_signal(parent, t->exit_signal, &info);
}

/* Does parent not wait for child t: SIGCHLD ignored (*ignored: then no
 * signal goes either) or SA_NOCLDWAIT? Only for children that end with
 * SIGCHLD, as in Linux. tasklist_lock held. */
static bool parent_does_not_wait(struct task *t, struct task *parent, bool *ignored)
{
	assert_held(&tasklist_lock);
	struct k_sigaction act;
	*ignored = false;
	if (t->exit_signal != SIGCHLD || !signal_action(parent, SIGCHLD, &act))
		return false;
	*ignored = act.handler == (uint64_t)SIG_IGN;
	return *ignored || (act.flags & SA_NOCLDWAIT);
}

/* Takes t out of its parent's children: nobody will collect it, the
 * reaper frees it. tasklist_lock held. */
static void detach(struct task *t)
{
	assert_held(&tasklist_lock);
	list_del(&t->sibling);
	t->parent = NULL;
	t->detached = true;
}

/* Before t becomes a zombie: if its parent does not wait for it, t
 * leaves now, so no wait4 can ever find it, and true is returned; a
 * wait4 in the parent wakes up, maybe to ECHILD. */
static bool leave_unwaiting_parent(struct task *t, int status)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *parent = t->parent;
	bool ignored, leave = parent && parent_does_not_wait(t, parent, &ignored);
	if (leave) {
		if (!ignored)
			send_exit_signal(t, parent, status);
		detach(t);
		wake_up_all(&parent->child_exit);
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return leave;
}

/* Once t is a zombie its parent may collect it: now the signal. The
 * parent is read again, as it may have ended and left t to init. */
static void tell_parent(struct task *t, int status)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	if (t->parent)
		send_exit_signal(t, t->parent, status);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

/* Child c of the ending task t is init's now (Linux's reparent_leader):
 * it gets its parent-death signal, and if it is a zombie already, init
 * is told as its parent would have been. tasklist_lock held. */
static void adopted_by_init(struct task *t, struct task *c)
{
	assert_held(&tasklist_lock);
	c->exit_signal = SIGCHLD;   /* whatever clone chose: init waits for SIGCHLD */
	if (c->pdeath_signal) {
		struct ksiginfo info = { .code = SI_USER, .pid = t->tgid, .uid = t->cred.uid };
		send_signal(c, c->pdeath_signal, &info);
	}
	if (!process_ended(c))
		return;
	bool ignored, unwaited = parent_does_not_wait(c, init_task, &ignored);
	if (!ignored)
		send_exit_signal(c, init_task, c->exit_status);
	if (unwaited) {
		detach(c);
		reap_later(c);
	}
}

/* Gives t's children to the first process (tasklist_lock held). */
static __maybe_unused void reparent_children(struct task *t)
{
	assert_held(&tasklist_lock);
	bool zombies = false;
	struct task *c, *tmp;
	list_for_each_entry_safe(c, tmp, &t->children, sibling) {
		list_del(&c->sibling);
		c->parent = init_task;
		list_add_tail(&c->sibling, &init_task->children);
		zombies |= process_ended(c);
		adopted_by_init(t, c);
	}
	if (zombies)
		wake_up_all(&init_task->child_exit);
}

void task_clear_child_tid(struct task *t)
{
	uint32_t *tidptr = (uint32_t *)t->clear_child_tid;
	t->clear_child_tid = 0;
	// LAB 6 BEGIN(exercise 2): CLONE_CHILD_CLEARTID: write 0 to *tidptr and wake a joiner
	/* Only if someone else shares the memory to see it (Linux's
	 * mm_release): a process ending alone has nobody to tell. */
	if (tidptr && t->mm && __atomic_load_n(&t->mm->refcount, __ATOMIC_RELAXED) > 1) {
		uint32_t zero = 0;
		if (!copy_to_user(tidptr, &zero, sizeof(zero)))
			futex_wake_addr(tidptr, 1);
	}
	// LAB 6 STUB: (void)tidptr;
	// LAB 6 END
}

/* A thread other than the leader is done: the reaper frees it once it
 * is off this CPU. Nothing may sleep after this, on a stack that may be
 * freed by then. */
static void thread_gone(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	t->state = TASK_ZOMBIE;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	reap_later(t);
}

/* Takes thread t out of its group (tasklist_lock held); true if it was
 * the last one, so the process ends with it. A thread other than the
 * leader is then nobody's child: it leaves the leader's list and is
 * freed by the reaper once off its CPU. The leader stays, as the
 * process's zombie that the parent collects after the last thread
 * (Linux's delay_group_leader). */
static bool leave_thread_group(struct task *t, int status)
{
	assert_held(&tasklist_lock);
	struct task *leader = t->group_leader;
	/* An exit_group (or fatal signal) that came while t was ending has
	 * set the status every thread reports: t's own exit code loses. */
	if (!t->group_exiting)
		t->exit_status = status;
	bool last = --leader->group_live == 0;
	if (t != leader) {
		cputime_thread_ended(t, leader);
		list_del(&t->thread_link);
		t->group_leader = t;    /* the leader may be freed before t is */
		t->detached = true;     /* a zombie at its last schedule: thread_gone() */
	} else if (!last) {
		t->state = TASK_ZOMBIE; /* unreported until the last thread ends */
	}
	wake_up_all(&leader->group_wait);       /* an execve waiting for the others to go */
	return last;
}

void do_exit(int status)
{
	struct task *t = current;
	trace_exit(t, status);
	if (t == init_task && init_alone())
		init_exited(status);

	/* The robust mutexes first, then the tid word (Linux's mm_release):
	 * a pthread_join woken by the tid word may at once try a mutex this
	 * thread held, and must find it marked FUTEX_OWNER_DIED. */
	futex_exit_robust_list(t);
	task_clear_child_tid(t);
	/* Leave the address space before dropping it: it may be the last
	 * reference, and a CPU must never run on freed page tables. */
	cputime_sample_rss(t);      /* getrusage's ru_maxrss, before the memory goes */
	mm_activate(NULL);
	task_release_parts(t);
	vfork_release(t);

	/* The thread ends; the process p ends with its last thread. */
	struct task *p = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	bool last = leave_thread_group(t, status);
	if (!last)
		jobctl_thread_gone(p);  /* a group stop may have waited for t */
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (!last) {
		if (t != p)
			thread_gone(t);
		schedule();
		panic("do_exit: thread %d ran again", t->tid);
	}
	/* The process's status: exit_group's (or a fatal signal's) for all,
	 * else the last thread's, as Linux's synchronize_group_exit. */
	if (p->group_exiting)
		status = p->exit_status;
	if (p == init_task)
		init_exited(status);        /* its last thread: the machine stops */
	itimer_exit(p);             /* no SIGALRM for a process that is gone */
	posix_timers_exit(p);       /* nor a POSIX timer's signal */
	bool unwaited = leave_unwaiting_parent(p, status);

	// LAB 3 BEGIN(exercise 9): orphans to init; become a zombie; tell the parent
	flags = spin_lock_irqsave(&tasklist_lock);
	reparent_children(p);
	p->exit_status = status;
	p->state = TASK_ZOMBIE;
	struct task *parent = p->parent;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (parent)
		wake_up_all(&parent->child_exit);
	// LAB 3 STUB: p->state = TASK_ZOMBIE;     /* nobody told, nothing reparented */
	// LAB 3 END
	pidfd_process_ended();
	if (unwaited)
		reap_later(p);
	else
		tell_parent(p, status);
	if (t != p)
		thread_gone(t);
	schedule();
	panic("do_exit: zombie %d ran again", t->tid);
}

void group_exit_locked(struct task *leader, int status)
{
	assert_held(&tasklist_lock);
	if (leader->group_exiting)
		return;                 /* the first reason to end stands, as in Linux */
	struct task *t;
	list_for_each_entry(t, &leader->threads, thread_link) {
		t->exit_status = status;
		t->group_exiting = true;
		task_wake(t);           /* a sleeper leaves at its next return to user mode */
	}
}

void group_exit_at_return(int status)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	group_exit_locked(current->group_leader, status);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void do_exit_group(int status)
{
	group_exit_at_return(status);
	do_exit(current->exit_status);  /* a fatal signal may have come first */
}

long sys_exit(int code)
{
	do_exit(W_EXITCODE(code));
}

long sys_exit_group(int code)
{
	do_exit_group(W_EXITCODE(code));
}
