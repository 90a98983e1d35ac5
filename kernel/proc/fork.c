/* fork, vfork and the work of clone: a new task. A process (fork) gets a
 * copy-on-write copy of the address space (mm/vm.c) and copies of the
 * descriptor table, filesystem context and signal handlers; clone's
 * flags share each of these parts instead, and CLONE_THREAD puts the
 * task in the caller's thread group (a thread: same pid, no parent of
 * its own). The child starts life returning from the same system call —
 * with 0 in %rax, on the stack it was given if any — while the parent
 * gets the child's tid. The system calls' arguments: proc/clone.c. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/printk.h>
#include <linux/sched.h>
#include <asm-generic/signal.h>
#include <x86/uaccess.h>
#include <mm/mempolicy.h>
#include <mm/vm.h>
#include <proc/clone.h>
#include <proc/pidfd.h>
#include <fs/fdtable.h>
#include <proc/sched.h>
#include <kernel/wait.h>
#include <proc/task.h>
#include <proc/trace.h>
#include <syscall/syscalls.h>

void task_start_in_user_mode(struct task *t)
{
	/* Below the user registers, what context_switch pops the first
	 * time: six callee-saved registers and ret_from_fork (switch.S),
	 * which returns to user mode through those registers. */
	uint64_t *sp = (uint64_t *)task_user_regs(t);
	*--sp = (uint64_t)ret_from_fork;
	for (int i = 0; i < 6; i++)
		*--sp = 0;              /* rbp rbx r12 r13 r14 r15 */
	t->saved_rsp = (uint64_t)sp;
}

/* vfork: the parent sleeps until the child has let go of the address
 * space they share, by execve or exit, or until a fatal signal ends the
 * parent (a stop does not: Linux's killable wait). The completion lives
 * on the parent's kernel stack, so it must never be touched once the
 * parent returns: the child releases it under tasklist_lock, and the
 * parent, on its way out, takes that lock and unhooks it from a child
 * that has not released it yet. */
struct vfork_completion {
	struct wait_queue wq;
	int released;
};

void vfork_release(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct vfork_completion *c = t->vfork_done;
	t->vfork_done = NULL;
	if (c) {
		__atomic_store_n(&c->released, 1, __ATOMIC_RELEASE);
		wake_up_all(&c->wq);
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

static void vfork_wait(struct task *child, struct vfork_completion *c)
{
	wait_event_killable(&c->wq, __atomic_load_n(&c->released, __ATOMIC_ACQUIRE), WAIT_FOREVER);
	/* Once released, the child may be gone (reaped already); until then
	 * it is alive, and (killed first) it must forget us. */
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	if (!__atomic_load_n(&c->released, __ATOMIC_ACQUIRE))
		child->vfork_done = NULL;
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void fork_child_start(void)
{
	/* CLONE_CHILD_SETTID writes into the child's memory, which is only
	 * the child's own (not the parent's copy-on-write page) from here. */
	struct task *t = current;
	if (t->set_child_tid) {
		int tid = t->tid;
		copy_to_user((void *)t->set_child_tid, &tid, sizeof(tid));
		t->set_child_tid = 0;
	}
}

/* The new task's parts (proc/task.h): each one shared with the parent
 * (one more reference) or copied, as the flags say. */
static int clone_parts(struct task *c, struct task *p, uint64_t flags)
{
	/* The address space: vfork borrowed it long before threads shared it. */
	c->mm = flags & CLONE_VM ? mm_get(p->mm) : mm_copy(p->mm);
	if (!c->mm)
		return -ENOMEM;
	// LAB 6 BEGIN(exercise 1): share or copy the descriptor table, fs context and signal handlers per flag
	c->files = flags & CLONE_FILES ? files_get(p->files) : files_copy(p->files);
	if (!c->files)
		return -ENOMEM;
	c->fs = flags & CLONE_FS ? fs_get(p->fs) : fs_copy(p->fs);
	if (!c->fs)
		return -ENOMEM;
	c->sighand = flags & CLONE_SIGHAND ? sighand_get(p->sighand) : sighand_copy(p->sighand);
	// LAB 6 STUB: /* Copies only, as fork makes them: a thread gets its own. */
	// LAB 6 STUB: c->files = files_copy(p->files);
	// LAB 6 STUB: c->fs = c->files ? fs_copy(p->fs) : NULL;
	// LAB 6 STUB: c->sighand = c->fs ? sighand_copy(p->sighand) : NULL;
	// LAB 6 END
	if (!c->sighand)
		return -ENOMEM;
	if (flags & CLONE_CLEAR_SIGHAND)
		sighand_clear_handlers(c->sighand);
	return 0;
}

/* Whose child the new task is, and what it sends at its end: a thread
 * or CLONE_PARENT's sibling has the caller's parent, and a thread
 * sends nothing (its process ends with its last thread). tasklist_lock
 * held. */
static void clone_family(struct task *c, struct task *p, const struct clone_request *req)
{
	assert_held(&tasklist_lock);
	struct task *leader = p->group_leader;
	if (req->flags & CLONE_THREAD) {
		c->group_leader = leader;
		c->tgid = leader->tgid;
		c->exit_signal = -1;
		c->parent = NULL;       /* the process's parent is the leader's */
		return;
	}
	c->exit_signal = req->flags & CLONE_PARENT ? leader->exit_signal : req->exit_signal;
	c->parent = req->flags & CLONE_PARENT ? leader->parent : leader;
	if (!c->parent) {
		/* The caller's process has no parent left to share: init's. */
		c->parent = init_task;
	}
	list_add_tail(&c->sibling, &c->parent->children);
}

/* What the child inherits besides its parts. */
static void clone_inherit(struct task *c, struct task *p, const struct clone_request *req)
{
	fpu_save(c->fpu);           /* the parent's registers, live in the CPU */
	c->blocked = p->blocked;
	if (!(req->flags & CLONE_VM) || (req->flags & CLONE_VFORK)) {
		/* The alternate signal stack: a copy of the memory has it
		 * (Linux drops it for threads, which share the memory). */
		c->sas_ss_sp = p->sas_ss_sp;
		c->sas_ss_size = p->sas_ss_size;
		c->sas_ss_flags = p->sas_ss_flags;
	}
	memcpy(c->rlim, p->group_leader->rlim, sizeof(c->rlim));
	c->oom_score_adj = p->group_leader->oom_score_adj;     /* /proc/PID/oom_score_adj */
	c->fs_base = req->flags & CLONE_SETTLS ? req->tls : p->fs_base;
	c->gs_base = p->gs_base;
	c->dumpable = p->dumpable;
	c->pgid = p->group_leader->pgid;
	c->sid = p->group_leader->sid;
	c->did_exec = req->flags & CLONE_THREAD ? p->group_leader->did_exec : false;
	c->no_new_privs = p->no_new_privs;
	c->cred = p->cred;
	c->mempolicy = mpol_get(p->mempolicy);     /* set_mempolicy's: threads too */
	sched_params_fork(c, p);
	if (req->flags & CLONE_CHILD_SETTID)
		c->set_child_tid = (uint64_t)req->child_tid;
	if (req->flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = (uint64_t)req->child_tid;

	/* The child returns from the same system call, with result 0, on
	 * the stack it was given if any. */
	struct trap_frame *regs = task_user_regs(c);
	*regs = *task_user_regs(p);
	regs->rax = 0;
	if (req->stack)
		regs->rsp = req->stack;
	task_start_in_user_mode(c);
}

long do_clone(const struct clone_request *req)
{
	struct task *p = current;
	long err = clone_flags_check(req->flags);
	if (err)
		return err;
	struct task *c = task_alloc(p->name, true);
	if (!c)
		return -ENOMEM;
	c->tid = c->tgid = pid_alloc();
	if (c->tid < 0) {
		err = -EAGAIN;
		goto bad_free_task;
	}
	err = -ENOMEM;
	if (clone_parts(c, p, req->flags) || task_alloc_fpu(c) || trace_fork(p, c))
		goto bad_free_task;     /* task_free drops the parts, the FPU area and the tracing */
	clone_inherit(c, p, req);

	int pidfd = -1;
	if (req->flags & CLONE_PIDFD) {
		/* Before the child is seen: its fd is in the caller's table
		 * and written out, or there is no child. */
		if ((pidfd = err = pidfd_create(c->tid, 0)) < 0)
			goto bad_free_task;
		err = -EFAULT;
		if (copy_to_user(req->pidfd, &pidfd, sizeof(pidfd)))
			goto bad_close_pidfd;
	}
	/* The check and the joining under one lock: an exit_group or an
	 * execve's de-thread marks the threads it finds in the list, so a
	 * caller marked to end must not add one it would miss (Linux's
	 * fatal_signal_pending check in copy_process). */
	uint64_t irq = spin_lock_irqsave(&tasklist_lock);
	if (p->group_exiting || p->group_leader->group_exiting) {
		spin_unlock_irqrestore(&tasklist_lock, irq);
		err = -EINTR;
		goto bad_close_pidfd;
	}
	clone_family(c, p, req);
	task_add_locked(c);
	spin_unlock_irqrestore(&tasklist_lock, irq);

	int tid = c->tid;
	/* Into the parent's memory only: the child's copy was made before. */
	if (req->flags & CLONE_PARENT_SETTID)
		copy_to_user(req->parent_tid, &tid, sizeof(tid));
	struct vfork_completion done = { .released = 0 };
	if (req->flags & CLONE_VFORK) {
		wait_queue_init(&done.wq);
		c->vfork_done = &done;
	}
	sched_add_new(c);
	if (req->flags & CLONE_VFORK)
		vfork_wait(c, &done);
	return tid;

bad_close_pidfd:
	if (pidfd >= 0)
		fd_close(pidfd);
bad_free_task:
	task_free(c);       /* the task: its parts, its pid and kernel stack */
	return err;
}

long sys_fork(void)
{
	struct clone_request req = { .exit_signal = SIGCHLD };
	return do_clone(&req);
}

long sys_vfork(void)
{
	struct clone_request req = { .flags = CLONE_VM | CLONE_VFORK, .exit_signal = SIGCHLD };
	return do_clone(&req);
}
