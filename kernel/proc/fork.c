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

/* What clone can do so far: a new process (not a thread), with the tid
 * reported or cleared at addresses the caller gives, and vfork's
 * borrowed address space. Threads (CLONE_THREAD, CLONE_SIGHAND,
 * CLONE_FILES...) come with the vfork and futex lab. */
#define CLONE_SUPPORTED (CSIGNAL | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID | \
			 CLONE_VM | CLONE_VFORK)

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

static long do_fork(uint64_t flags, int *parent_tid, int *child_tid)
{
	struct task *p = current;
	if (flags & ~CLONE_SUPPORTED) {
		printk("kestrel: clone flags %#lx are not supported yet: EINVAL to pid %d (%s)\n",
		       flags & ~CLONE_SUPPORTED, p->tgid, p->name);
		return -EINVAL;
	}
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) {
		/* Another task running in the same memory (a thread): refused
		 * before anything is allocated. */
		printk("kestrel: clone(CLONE_VM) without CLONE_VFORK is not supported yet: EINVAL to pid %d (%s)\n",
		       p->tgid, p->name);
		return -EINVAL;
	}
	/* An exit signal beyond _NSIG is accepted and never sent, as by
	 * Linux's clone (only clone3 checks it). */
	struct mm *mm;
	struct files *files;
	struct fs *fs;
	struct sighand *sighand;
	long err = -ENOMEM;
	struct task *c = task_alloc(p->name, true);
	if (!c)
		return -ENOMEM;
	c->tid = c->tgid = pid_alloc();
	if (c->tid < 0) {
		err = -EAGAIN;
		goto bad_free_task;
	}
	if (!(mm = flags & CLONE_VM ? mm_get(p->mm) : mm_copy(p->mm)))
		goto bad_free_task;
	if (!(files = files_copy(p->files)))
		goto bad_put_mm;
	if (!(fs = fs_copy(p->fs)))
		goto bad_put_files;
	if (!(sighand = sighand_copy(p->sighand)))
		goto bad_put_fs;
	if (task_alloc_fpu(c) || trace_fork(p, c))
		goto bad_put_sighand;       /* task_free takes the FPU area and the tracing */
	c->mm = mm;
	c->files = files;
	c->fs = fs;
	c->sighand = sighand;
	fpu_save(c->fpu);           /* the parent's registers, live in the CPU */
	c->blocked = p->blocked;
	c->sas_ss_sp = p->sas_ss_sp;        /* the alternate signal stack: a copy of the memory has it */
	c->sas_ss_size = p->sas_ss_size;
	c->sas_ss_flags = p->sas_ss_flags;
	memcpy(c->rlim, p->group_leader->rlim, sizeof(c->rlim));
	c->fs_base = p->fs_base;
	c->gs_base = p->gs_base;
	c->dumpable = p->dumpable;
	c->pgid = p->group_leader->pgid;
	c->sid = p->group_leader->sid;
	c->no_new_privs = p->no_new_privs;
	c->cred = p->cred;
	sched_params_fork(c, p);
	c->exit_signal = flags & CSIGNAL;
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
	struct vfork_completion done = { .released = 0 };
	if (flags & CLONE_VFORK) {
		wait_queue_init(&done.wq);
		c->vfork_done = &done;
	}
	sched_add_new(c);
	if (flags & CLONE_VFORK)
		vfork_wait(c, &done);
	return tid;

bad_put_sighand:
	sighand_put(sighand);
bad_put_fs:
	fs_put(fs);
bad_put_files:
	files_put(files);
bad_put_mm:
	mm_put(mm);
bad_free_task:
	task_free(c);       /* the bare task: its pid and kernel stack */
	return err;
}

long sys_fork(void)
{
	return do_fork(SIGCHLD, NULL, NULL);
}

long sys_vfork(void)
{
	return do_fork(CLONE_VM | CLONE_VFORK | SIGCHLD, NULL, NULL);
}

/* x86_64's argument order: flags, stack, parent_tid, child_tid, tls. */
long sys_clone(uint64_t flags, uint64_t stack, int *parent_tid, int *child_tid, uint64_t tls)
{
	if (stack)
		return -EINVAL;         /* a new stack is for threads, not supported */
	return do_fork(flags, parent_tid, child_tid);
}
