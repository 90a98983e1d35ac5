/* Which thread of a process takes a signal (Lab 6; proc/signal.h), as
 * Linux's wants_signal and complete_signal choose it: a signal sent to a
 * process is taken by one of its threads that does not block it, the
 * one it was sent to (the main thread, for kill) if it can, else the
 * next one round the thread list. If every thread blocks it, it waits in
 * the shared set until one unblocks it or takes it with sigwait. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/list.h>
#include <asm/signal.h>
#include <proc/signal.h>
#include <proc/task.h>

bool signal_thread_alive(struct task *t)
{
	/* exit drops sighand first thing (task_release_parts). */
	return t->sighand && t->state != TASK_ZOMBIE;
}

bool signal_wants(struct task *t, int sig)
{
	if (!signal_thread_alive(t) || t->group_exiting)
		return false;
	if (sig == SIGKILL)
		return true;
	if (t->blocked & SIGMASK(sig))
		return false;
	return !t->group_leader->stopped;   /* a stopped process takes signals after SIGCONT */
}

/* The thread of proc with this tid, or NULL (it has gone). */
static __maybe_unused struct task *thread_by_tid(struct task *proc, int tid)
{
	struct task *t;
	list_for_each_entry(t, &proc->threads, thread_link)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct task *signal_pick_thread(struct task *t, int sig)
{
	// LAB 6 BEGIN(exercise 4): t if it wants sig, else the next thread that does, round robin
	if (signal_wants(t, sig))
		return t;
	struct task *proc = t->group_leader;
	struct task *start = thread_by_tid(proc, proc->signal_target_tid);
	if (!start)
		start = proc;
	/* Round the list from start (Linux's curr_target), skipping its head. */
	struct list_head *pos = &start->thread_link;
	do {
		if (pos != &proc->threads) {
			struct task *c = list_entry(pos, struct task, thread_link);
			if (signal_wants(c, sig)) {
				proc->signal_target_tid = c->tid;
				return c;
			}
		}
		pos = pos->next;
	} while (pos != &start->thread_link);
	return NULL;                /* all block it: it waits in the shared set */
	// LAB 6 STUB: return signal_wants(t, sig) ? t : NULL;     /* only the task it was sent to */
	// LAB 6 END
}

struct sighand *signal_group_sighand(struct task *proc)
{
	if (proc->sighand)
		return proc->sighand;
	struct task *t;                 /* the main thread has ended, others run on */
	list_for_each_entry(t, &proc->threads, thread_link)
		if (signal_thread_alive(t))
			return t->sighand;
	return NULL;
}

void signal_discard_locked(struct task *proc, uint64_t mask)
{
	proc->shared_pending.set &= ~mask;
	struct task *t;
	list_for_each_entry(t, &proc->threads, thread_link)
		t->pending.set &= ~mask;
}
