/* fork: a new process that is a copy of the caller. Its address space is
 * a copy-on-write copy (mm/vm.c), it gets copies of the descriptor table,
 * filesystem context and signal handlers, and it starts life returning
 * from the same system call — with 0 in %rax, while the parent gets the
 * child's pid. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/printk.h>
#include <linux/sched.h>
#include <asm-generic/signal.h>
#include <x86/uaccess.h>
#include <mm/vm.h>
#include <proc/sched.h>
#include <proc/task.h>
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

/* What clone can do so far: a new process (not a thread), with the tid
 * reported or cleared at addresses the caller gives. Sharing memory,
 * files or handlers between tasks (threads, vfork) comes with the vfork
 * and futex lab. */
#define CLONE_SUPPORTED (CSIGNAL | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID)

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

static long do_fork(uint64_t flags, int *parent_tid, int *child_tid)
{
	struct task *p = current;
	if (flags & ~CLONE_SUPPORTED) {
		printk("kestrel: clone flags %#lx are not supported yet: EINVAL to pid %d (%s)\n",
		       flags & ~CLONE_SUPPORTED, p->tgid, p->name);
		return -EINVAL;
	}
	/* An exit signal beyond NSIG is accepted and never sent, as by
	 * Linux's clone (only clone3 checks it). */
	struct task *c = task_alloc(p->name, true);
	if (!c)
		return -ENOMEM;
	c->tid = c->tgid = pid_alloc();
	if (c->tid < 0) {
		task_free(c);
		return -EAGAIN;
	}
	c->mm = mm_copy(p->mm);
	c->files = files_copy(p->files);
	c->fs = fs_copy(p->fs);
	c->sighand = sighand_copy(p->sighand);
	if (!c->mm || !c->files || !c->fs || !c->sighand || task_alloc_fpu(c)) {
		task_free(c);
		return -ENOMEM;
	}
	fpu_save(c->fpu);           /* the parent's registers, live in the CPU */
	c->blocked = p->blocked;
	memcpy(c->rlim, p->group_leader->rlim, sizeof(c->rlim));
	c->fs_base = p->fs_base;
	c->gs_base = p->gs_base;
	c->dumpable = p->dumpable;
	c->no_new_privs = p->no_new_privs;
	if (flags & CLONE_CHILD_SETTID)
		c->set_child_tid = (uint64_t)child_tid;
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = (uint64_t)child_tid;

	/* The child returns from the same system call, with result 0. */
	struct trap_frame *regs = task_user_regs(c);
	*regs = *task_user_regs(p);
	regs->rax = 0;
	task_start_in_user_mode(c);

	/* The parent is the calling process (its thread group leader). */
	uint64_t irq = spin_lock_irqsave(&tasklist_lock);
	c->parent = p->group_leader;
	list_add_tail(&c->sibling, &c->parent->children);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	task_add(c);

	int tid = c->tid;
	/* Into the parent's memory only: the child's copy was made before. */
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(parent_tid, &tid, sizeof(tid));
	sched_add_new(c);
	return tid;
}

long sys_fork(void)
{
	return do_fork(SIGCHLD, NULL, NULL);
}

/* x86_64's argument order: flags, stack, parent_tid, child_tid, tls. */
long sys_clone(uint64_t flags, uint64_t stack, int *parent_tid, int *child_tid, uint64_t tls)
{
	if (stack)
		return -EINVAL;         /* a new stack is for threads: later */
	return do_fork(flags, parent_tid, child_tid);
}
