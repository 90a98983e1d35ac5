/* The CPU-time clocks: CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
 * and the ones clock_getcpuclockid and pthread_getcpuclockid make for
 * another process or thread. Those are negative numbers that encode a pid
 * and what to measure (Linux's include/linux/posix-timers.h):
 *
 *     clock = (~pid << 3) | thread << 2 | which
 *
 * which is PROF (user + system), VIRT (user) or SCHED (the runtime, which
 * PROCESS_CPUTIME_ID and THREAD_CPUTIME_ID read); pid 0 is the caller. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/time.h>
#include <proc/cputime.h>
#include <proc/task.h>
#include <time/clock.h>
#include <x86/apic.h>

enum { CPUCLOCK_PROF, CPUCLOCK_VIRT, CPUCLOCK_SCHED, CPUCLOCK_MAX };
#define CPUCLOCK_PERTHREAD_MASK 4
#define CPUCLOCK_WHICH_MASK     3

static int clock_pid(int clock) { return ~(clock >> 3); }

bool cpu_clock_valid(int clock)
{
	if (clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID)
		return true;
	return clock < 0 && (clock & CPUCLOCK_WHICH_MASK) < CPUCLOCK_MAX;
}

/* The task whose time the clock measures, or NULL (tasklist_lock held):
 * a thread, or a process's leader (then the whole process counts). */
static struct task *clock_task(int clock)
{
	int pid = clock_pid(clock);
	struct task *me = current;
	bool thread = clock & CPUCLOCK_PERTHREAD_MASK;
	if (pid == 0)
		return thread ? me : me->group_leader;
	if (thread)                 /* another thread: of the caller's process only */
		return pid == me->tid ? me : NULL;
	return pid == me->tgid ? me->group_leader : process_by_pid(pid);
}

/* The time of thread t, or of all the threads of process t. */
static uint64_t measure(struct task *t, bool process, int which)
{
	struct cputime c = process ? process_usage_locked(t).time : task_cputime(t);
	if (which == CPUCLOCK_VIRT)
		return c.utime;
	return c.utime + c.stime;   /* PROF's utime + stime is the runtime too */
}

long cpu_clock_read(int clock, uint64_t *ns)
{
	if (!cpu_clock_valid(clock))
		return -EINVAL;
	/* The fixed ids are the caller's runtime clocks (pid 0). */
	if (clock == CLOCK_PROCESS_CPUTIME_ID)
		clock = (int)(~0u << 3) | CPUCLOCK_SCHED;
	else if (clock == CLOCK_THREAD_CPUTIME_ID)
		clock = (int)(~0u << 3) | CPUCLOCK_PERTHREAD_MASK | CPUCLOCK_SCHED;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *t = clock_task(clock);
	long err = t ? 0 : -EINVAL;
	if (t)
		*ns = measure(t, !(clock & CPUCLOCK_PERTHREAD_MASK), clock & CPUCLOCK_WHICH_MASK);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return err;
}

uint64_t cpu_clock_resolution(int clock)
{
	/* The runtime is measured to the nanosecond; user time is sampled. */
	if (clock >= 0 || (clock & CPUCLOCK_WHICH_MASK) == CPUCLOCK_SCHED)
		return 1;
	return (NSEC_PER_SEC + LAPIC_TIMER_HZ - 1) / LAPIC_TIMER_HZ;
}
