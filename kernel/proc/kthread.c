/* Kernel threads: tasks that run a kernel function and never enter user
 * mode. They have no address space of their own (mm is NULL): they run
 * on the kernel's page tables, which every address space shares. */
#include <kernel/types.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include <proc/sched.h>
#include <proc/task.h>

void kthread_prepare_stack(struct task *t, int (*fn)(void *), void *arg)
{
	/* The stack context_switch will pop: callee-saved registers, then
	 * the return address (switch.S reads %rbx and %r12 there). After
	 * the `ret`, %rsp is the 16-byte aligned top, as calls expect. */
	uint64_t *sp = (uint64_t *)t->kstack_top;
	*--sp = (uint64_t)kthread_start;
	*--sp = 0;                          /* rbp */
	*--sp = (uint64_t)fn;               /* rbx */
	*--sp = (uint64_t)arg;              /* r12 */
	*--sp = 0;                          /* r13 */
	*--sp = 0;                          /* r14 */
	*--sp = 0;                          /* r15 */
	t->saved_rsp = (uint64_t)sp;
}

/* A new kernel thread running fn(arg), scheduled at once. A joinable one
 * has a pid and the caller as its parent (kthread_join). A daemon has tid
 * 0, like the idle and boot tasks: no pid taken from user space's
 * numbers, and kill(-1) and wait do not see it. */
static struct task *kthread_spawn(const char *name, int (*fn)(void *), void *arg, bool joinable)
{
	struct task *t = task_alloc(name, true);
	if (!t)
		return NULL;
	if (joinable) {
		t->tid = t->tgid = pid_alloc();
		t->parent = current;
	}
	kthread_prepare_stack(t, fn, arg);
	task_add(t);
	sched_add_new(t);
	return t;
}

struct task *kthread_create(const char *name, int (*fn)(void *), void *arg)
{
	return kthread_spawn(name, fn, arg, true);
}

struct task *kthread_create_daemon(const char *name, int (*fn)(void *), void *arg)
{
	return kthread_spawn(name, fn, arg, false);
}

void kthread_exit(int code)
{
	struct task *t = current;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	t->exit_status = code;
	t->state = TASK_ZOMBIE;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (t->parent)
		wake_up_all(&t->parent->child_exit);
	schedule();
	panic("kthread_exit: zombie %s ran again", t->name);
}

int kthread_join(struct task *t)
{
	wait_event(&t->parent->child_exit, t->state == TASK_ZOMBIE, WAIT_FOREVER);
	int code = t->exit_status;
	task_free(t);
	return code;
}
