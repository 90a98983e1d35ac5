/* De-threading (Linux's de_thread): an execve in a process with several
 * threads first ends all the others, since the new program starts with
 * one thread. If the caller was not the leader, it then takes the
 * leader's place: its pid (the process keeps the pid its parent knows),
 * its parent and children, its process group, limits, pending signals
 * and timer, all of which Kestrel keeps in the leader's task. The old
 * leader, already a zombie, goes to the reaper with the caller's old tid. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <proc/exec.h>
#include <proc/exit.h>
#include <proc/sched.h>
#include <proc/reaper.h>
#include <proc/signal.h>
#include <proc/cputime.h>
#include <proc/task.h>
#include <time/posix_timers.h>
#include <kernel/wait.h>

/* Marks every thread of t's group but t to end at once (and wakes it). */
static __maybe_unused void kill_other_threads(struct task *t)
{
	assert_held(&tasklist_lock);
	struct task *th;
	list_for_each_entry(th, &t->group_leader->threads, thread_link) {
		if (th == t)
			continue;
		th->exit_status = W_SIGNALED(SIGKILL);
		th->group_exiting = true;
		task_wake(th);
	}
}

static __maybe_unused bool others_gone(struct task *leader)
{
	return __atomic_load_n(&leader->group_live, __ATOMIC_ACQUIRE) == 1;
}

/* The process's state moves from its old leader to t (tasklist_lock
 * held, every other thread gone). */
static __maybe_unused void take_leader_place(struct task *t, struct task *leader)
{
	assert_held(&tasklist_lock);
	int tid = t->tid;
	t->tid = leader->tid;
	leader->tid = tid;          /* freed with the old leader */

	t->parent = leader->parent;
	t->exit_signal = leader->exit_signal;
	if (t->parent)
		list_add(&t->sibling, &leader->sibling);
	list_del(&leader->sibling);
	while (!list_empty(&leader->children)) {
		struct task *c = list_first_entry(&leader->children, struct task, sibling);
		list_del(&c->sibling);
		c->parent = t;
		list_add_tail(&c->sibling, &t->children);
	}
	t->pgid = leader->pgid;
	t->sid = leader->sid;
	memcpy(t->rlim, leader->rlim, sizeof(t->rlim));
	t->children_usage = leader->children_usage;
	t->exited_threads_usage = leader->exited_threads_usage;
	cputime_thread_ended(leader, t);        /* the old leader is an ended thread now */

	uint64_t flags = spin_lock_irqsave(&leader->siglock);
	t->shared_pending = leader->shared_pending;     /* t->pending is t's own: it stays */
	t->stop_signal = leader->stop_signal;
	t->stop_unreported = leader->stop_unreported;
	t->cont_unreported = leader->cont_unreported;
	spin_unlock_irqrestore(&leader->siglock, flags);

	list_del(&t->thread_link);
	t->group_leader = t;
	list_add_tail(&t->thread_link, &t->threads);
	t->group_live = 1;
	if (init_task == leader)
		init_task = t;

	/* The old leader is now an ended thread that nobody waits for. */
	list_del(&leader->thread_link);
	leader->group_leader = leader;
	leader->parent = NULL;
	leader->detached = true;
}

int de_thread(struct task *t)
{
	struct task *leader = t->group_leader;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	bool alone = leader == t && leader->group_live == 1;
	bool ending = leader->group_exiting || t->group_exiting;   /* maybe another execve's doing */
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (alone)
		return 0;
	if (ending)
		return -EINTR;          /* a fatal signal came first: the process ends */
	// LAB 6 BEGIN(exercise 3): end the other threads, wait for them, then take the leader's place
	flags = spin_lock_irqsave(&tasklist_lock);
	kill_other_threads(t);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	/* Only the leader's own execve can be cut short (by a fatal signal
	 * to the process): otherwise the leader is ending, and signals to
	 * the process wait for the caller to become its leader. */
	long err = wait_event_killable(&leader->group_wait, others_gone(leader), WAIT_FOREVER);
	if (err)
		return -EINTR;
	if (leader == t)
		return 0;
	flags = spin_lock_irqsave(&tasklist_lock);
	take_leader_place(t, leader);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	itimer_take_over(t, leader);        /* outside tasklist_lock, which the timer's signal takes */
	posix_timers_take_over(t, leader);  /* deleted by exec in any case */
	reap_later(leader);
	return 0;
	// LAB 6 STUB: return 0;
	// LAB 6 END
}
