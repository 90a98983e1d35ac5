/* fork: a new process that is a copy of the caller. Its address space is
 * a copy-on-write copy (mm/vm.c), it gets copies of the descriptor table,
 * filesystem context and signal handlers, and it starts life returning
 * from the same system call — with 0 in %rax, while the parent gets the
 * child's pid. */
#include <kernel/types.h>
#include <kernel/errno.h>
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

long sys_fork(void)
{
	struct task *p = current;
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
	c->fs_base = p->fs_base;
	c->gs_base = p->gs_base;

	/* The child returns from the same system call, with result 0. */
	struct trap_frame *regs = task_user_regs(c);
	*regs = *task_user_regs(p);
	regs->rax = 0;
	task_start_in_user_mode(c);

	/* The parent is the calling process (its thread group leader). */
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	c->parent = p->group_leader;
	list_add_tail(&c->sibling, &c->parent->children);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	task_add(c);

	int tid = c->tid;
	sched_add_new(c);
	return tid;
}
