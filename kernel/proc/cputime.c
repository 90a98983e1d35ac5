/* CPU time accounting, measured at every change of mode.
 *
 * A task's time is user time from the moment it returns to user mode to
 * the moment it enters the kernel again (a system call, an interrupt, a
 * fault), and system time from then until it returns or is switched
 * out. Each change reads CLOCK_MONOTONIC (the TSC) and adds the stretch
 * since the last one to the right total, so both are exact to the
 * nanosecond: Linux's CONFIG_VIRT_CPU_ACCOUNTING_GEN does the same.
 *
 * Linux's default instead samples: each timer tick charges a whole tick
 * to the mode it interrupted, and reports share the exact runtime out in
 * that ratio (cputime_adjust). Under QEMU on a busy host the ticks come
 * late and merged, so a 0.3 s spin may see a handful of ticks or none;
 * measuring at the mode changes does not depend on them.
 *
 * The same changes end the CPU's stretches of user, system and idle time
 * (proc/cpustat.c), which /proc/stat shows per CPU. */
#include <kernel/types.h>
#include <mm/vm.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <proc/cputime.h>
#include <proc/cpustat.h>
#include <x86/percpu.h>
#include <time/clock.h>

/* The stretch since t's last mode change, which starts a new one. */
static uint64_t stretch(struct task *t, uint64_t now)
{
	uint64_t ns = now > t->mode_start_ns ? now - t->mode_start_ns : 0;
	t->mode_start_ns = now;
	return ns;
}

void cputime_switch(struct task *prev, struct task *next)
{
	uint64_t now = clock_now_ns();
	prev->time.stime += stretch(prev, now);   /* a task switches out in the kernel */
	next->mode_start_ns = now;
	cpustat_enter(next == this_cpu()->idle ? CPUSTAT_IDLE : CPUSTAT_SYSTEM);
	if (prev->state == TASK_RUNNING)
		prev->nivcsw++;         /* preempted, or yielded: still runnable */
	else
		prev->nvcsw++;          /* went to sleep or ended */
}

void cputime_enter_kernel(void)
{
	struct task *t = current;
	t->time.utime += stretch(t, clock_now_ns());
	cpustat_enter(CPUSTAT_SYSTEM);
}

void cputime_return_to_user(void)
{
	struct task *t = current;
	t->time.stime += stretch(t, clock_now_ns());
	cpustat_enter(t->nice > 0 ? CPUSTAT_NICE : CPUSTAT_USER);
}

struct cputime task_cputime(struct task *t)
{
	struct cputime c = t->time;
	if (t == current) {
		uint64_t now = clock_now_ns();
		if (now > t->mode_start_ns)
			c.stime += now - t->mode_start_ns;
	}
	return c;
}

uint64_t task_runtime(struct task *t)
{
	struct cputime c = task_cputime(t);
	return c.utime + c.stime;
}

struct usage process_usage_locked(struct task *leader)
{
	assert_held(&tasklist_lock);
	struct usage u = leader->exited_threads_usage;
	struct task *t;
	list_for_each_entry(t, &leader->threads, thread_link) {
		struct usage mine = task_usage(t);
		usage_add(&u, &mine);
	}
	return u;
}

struct usage process_usage(struct task *leader)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct usage u = process_usage_locked(leader);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return u;
}

void cputime_thread_ended(struct task *t, struct task *leader)
{
	assert_held(&tasklist_lock);
	struct usage mine = task_usage(t);
	usage_add(&leader->exited_threads_usage, &mine);
}

void cputime_sample_rss(struct task *t)
{
	if (!t->mm)
		return;
	uint64_t kb = vm_resident_pages(t->mm) * (PAGE_SIZE / 1024);
	if (kb > t->maxrss_kb)
		t->maxrss_kb = kb;
}

struct usage task_usage(struct task *t)
{
	return (struct usage){
		.time = task_cputime(t), .nvcsw = t->nvcsw, .nivcsw = t->nivcsw, .minflt = t->minflt,
		.maxrss_kb = t->maxrss_kb,
	};
}

void usage_add(struct usage *to, const struct usage *u)
{
	to->time.utime += u->time.utime;
	to->time.stime += u->time.stime;
	to->nvcsw += u->nvcsw;
	to->nivcsw += u->nivcsw;
	to->minflt += u->minflt;
	if (u->maxrss_kb > to->maxrss_kb)
		to->maxrss_kb = u->maxrss_kb;   /* Linux: the largest child's, not a sum */
}
