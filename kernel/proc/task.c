/* Allocating tasks and the parts they share (proc/task.h), and pids. */
#include <kernel/types.h>
#include <kernel/string.h>
#include <kernel/panic.h>
#include <kernel/errno.h>
#include <mm/kmalloc.h>
#include <mm/kstack.h>
#include <mm/mempolicy.h>
#include <mm/vm.h>
#include <asm/signal.h>
#include <proc/task.h>
#include <fs/eventpoll.h>
#include <proc/trace.h>
#include <time/clock.h>

struct spinlock tasklist_lock = SPINLOCK_INIT("tasklist");
struct list_head all_tasks = LIST_HEAD_INIT(all_tasks);
struct task *init_task;

/* Pids: 1 is the first user process's; the rest are handed out in
 * increasing order and wrap around, as Linux does, so a pid is not reused
 * soon after its process is gone. */
static uint64_t pid_used[PID_MAX / 64];
static int pid_next = 2;
static int pid_last = 1;                /* the latest pid handed out (1: the first process's, set apart) */
static uint64_t pids_handed_out;        /* forks and clones since boot */
static struct spinlock pid_lock = SPINLOCK_INIT("pid");

int pid_alloc(void)
{
	uint64_t flags = spin_lock_irqsave(&pid_lock);
	int pid = -1;
	for (int i = 0; i < PID_MAX - 2; i++) {
		int p = pid_next;
		pid_next = pid_next + 1 >= PID_MAX ? 2 : pid_next + 1;
		if (!(pid_used[p / 64] & (1ull << (p % 64)))) {
			pid_used[p / 64] |= 1ull << (p % 64);
			pid = pid_last = p;
			pids_handed_out++;
			break;
		}
	}
	spin_unlock_irqrestore(&pid_lock, flags);
	return pid;
}

unsigned nr_tasks(void)
{
	unsigned n = 0;
	struct task *t;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	list_for_each_entry(t, &all_tasks, all_link)
		n++;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return n;
}

int pid_latest(void) { return __atomic_load_n(&pid_last, __ATOMIC_RELAXED); }
uint64_t pid_total_forks(void) { return __atomic_load_n(&pids_handed_out, __ATOMIC_RELAXED); }

static void pid_free(int pid)
{
	if (pid <= 1)           /* 0: no pid; 1 is never handed out */
		return;
	uint64_t flags = spin_lock_irqsave(&pid_lock);
	pid_used[pid / 64] &= ~(1ull << (pid % 64));
	spin_unlock_irqrestore(&pid_lock, flags);
}

int task_alloc_fpu(struct task *t)
{
	t->fpu = kmalloc(sizeof(*t->fpu));
	if (!t->fpu)
		return -ENOMEM;
	/* fxsave needs 16-byte alignment: kmalloc's 512-byte class has it. */
	if ((uint64_t)t->fpu % 16)
		panic("task_alloc_fpu: kmalloc returned %p, not 16-byte aligned", t->fpu);
	return 0;
}

struct task *task_alloc(const char *name, bool with_kstack)
{
	struct task *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	if (with_kstack && !(t->kstack_top = kstack_alloc())) {
		kfree(t);
		return NULL;
	}
	strlcpy(t->name, name, sizeof(t->name));
	t->state = TASK_SLEEPING;       /* not runnable until sched_add_new */
	list_init(&t->run_link);
	list_init(&t->children);
	list_init(&t->sibling);
	list_init(&t->threads);
	list_init(&t->thread_link);
	list_init(&t->all_link);
	wait_queue_init(&t->child_exit);
	wait_queue_init(&t->signal_wait);
	wait_queue_init(&t->group_wait);
	spin_lock_init(&t->siglock, "siglock");
	mutex_init(&t->posix_timers_lock);
	list_init(&t->posix_timers);
	t->group_leader = t;
	t->usage = 1;
	t->start_ns = clock_now_ns();
	return t;
}

void task_add_locked(struct task *t)
{
	assert_held(&tasklist_lock);
	list_add_tail(&t->thread_link, &t->group_leader->threads);
	t->group_leader->group_live++;
	list_add_tail(&t->all_link, &all_tasks);
}

void task_add(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	task_add_locked(t);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void task_release_parts(struct task *t)
{
	/* Unhook each part before dropping it: dropping may sleep (a file's
	 * release may wait for a lock or the disk), and the scheduler must
	 * not switch back into an address space that is already freed. */
	struct mm *mm = t->mm;
	struct files *files = t->files;
	struct fs *fs = t->fs;
	/* Under tasklist_lock: vm_unmap_file_past() visits every t->mm. */
	uint64_t lflags = spin_lock_irqsave(&tasklist_lock);
	t->mm = NULL;
	t->files = NULL;            /* /proc reads them under this lock too */
	t->fs = NULL;
	spin_unlock_irqrestore(&tasklist_lock, lflags);
	/* Under siglock: a sender may be reading the actions (proc/signal.c). */
	uint64_t flags = spin_lock_irqsave(&t->group_leader->siglock);
	struct sighand *sighand = t->sighand;
	t->sighand = NULL;
	spin_unlock_irqrestore(&t->group_leader->siglock, flags);
	mm_put(mm);
	files_put(files);
	fs_put(fs);
	sighand_put(sighand);
}

/* Frees what is left of a task: one that exited and was collected, or
 * one that never ran. */
void task_free(struct task *t)
{
	/* It may still be finishing its last switch on another CPU. */
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		__asm__ __volatile__("pause");
	task_release_parts(t);
	eventpoll_queue_free(&t->signal_wait);      /* a signalfd's epoll items */
	trace_release(t);
	mpol_put(t->mempolicy);
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	list_del(&t->all_link);
	list_del(&t->thread_link);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	pid_free(t->tid);
	task_put(t);
}

void task_get(struct task *t)
{
	__atomic_add_fetch(&t->usage, 1, __ATOMIC_RELAXED);
}

/* The kernel stack goes with the last reference too: nobody reads it,
 * but the task may have been switched away from it only just now. */
void task_put(struct task *t)
{
	if (!t || __atomic_sub_fetch(&t->usage, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (t->kstack_top)
		kstack_free(t->kstack_top);
	kfree(t->fpu);
	kfree(t);
}

struct task *task_get_by_tid(int tid)
{
	struct task *t, *found = NULL;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	list_for_each_entry(t, &all_tasks, all_link)
		if (t->tid == tid && tid > 0) {
			found = t;
			task_get(t);
			break;
		}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return found;
}

struct mm *task_get_mm(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct mm *mm = t->mm ? mm_get(t->mm) : NULL;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return mm;
}

struct files *task_get_files(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct files *f = t->files ? files_get(t->files) : NULL;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return f;
}

struct fs *task_get_fs(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct fs *f = t->fs ? fs_get(t->fs) : NULL;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return f;
}

/* --- the shared parts ------------------------------------------------------ */

static bool ref_put(int *r) { return __atomic_sub_fetch(r, 1, __ATOMIC_ACQ_REL) == 0; }

struct sighand *sighand_alloc(void)
{
	struct sighand *s = kzalloc(sizeof(*s));
	if (s) {
		s->refcount = 1;
		spin_lock_init(&s->lock, "sighand");
	}
	return s;
}

struct sighand *sighand_copy(struct sighand *old)
{
	struct sighand *s = sighand_alloc();
	if (s)
		memcpy(s->action, old->action, sizeof(s->action));
	return s;
}

struct sighand *sighand_get(struct sighand *s)
{
	__atomic_add_fetch(&s->refcount, 1, __ATOMIC_RELAXED);
	return s;
}

void sighand_clear_handlers(struct sighand *s)
{
	/* As Linux's flush_signal_handlers(p, 0): no flags or mask either. */
	for (int i = 0; i < _NSIG; i++) {
		struct k_sigaction *a = &s->action[i];
		uint64_t handler = a->handler == (uint64_t)SIG_IGN ? (uint64_t)SIG_IGN : (uint64_t)SIG_DFL;
		*a = (struct k_sigaction){ .handler = handler };
	}
}

void sighand_put(struct sighand *s)
{
	if (s && ref_put(&s->refcount))
		kfree(s);
}
