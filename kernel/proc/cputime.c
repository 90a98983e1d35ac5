/* CPU time accounting, the way Linux does it (kernel/sched/cputime.c).
 *
 * The precise part is the total: at every switch the scheduler adds the
 * time since the task was switched in (CLOCK_MONOTONIC, from the TSC) to
 * its runtime. How that total splits into user and system time is only
 * sampled: each timer tick counts one for user or system mode, whichever
 * the interrupt came from. Reports share the runtime out in the ratio of
 * those counts (Linux's cputime_adjust), so utime + stime is exact and
 * the split is right on average. */
#include <kernel/types.h>
#include <proc/cputime.h>
#include <time/clock.h>

void cputime_switch(struct task *prev, struct task *next)
{
	uint64_t now = clock_now_ns();
	if (now > prev->exec_start_ns)
		prev->runtime_ns += now - prev->exec_start_ns;
	next->exec_start_ns = now;
	if (prev->state == TASK_RUNNING)
		prev->nivcsw++;         /* preempted, or yielded: still runnable */
	else
		prev->nvcsw++;          /* went to sleep or ended */
}

void cputime_tick(struct task *t, bool user)
{
	if (user)
		t->user_ticks++;
	else
		t->system_ticks++;
}

uint64_t task_runtime(struct task *t)
{
	uint64_t ns = t->runtime_ns;
	if (t == current) {
		uint64_t now = clock_now_ns();
		if (now > t->exec_start_ns)
			ns += now - t->exec_start_ns;
	}
	return ns;
}

/* Linux's cputime_adjust: rtime shared in the ratio of the samples, and
 * neither part less than it was last time (a later sample may tilt the
 * ratio back). Read by the task itself, or by its parent once it is a
 * zombie: never by two at once. */
struct cputime task_cputime(struct task *t)
{
	uint64_t rtime = task_runtime(t);
	uint64_t u = t->user_ticks, s = t->system_ticks;
	struct cputime *prev = &t->prev_split;
	if (prev->utime + prev->stime >= rtime)
		return *prev;
	uint64_t stime;
	if (s == 0)
		stime = 0;
	else if (u == 0)
		stime = rtime;
	else    /* rtime * s / (u + s) without overflow or a 128-bit division */
		stime = rtime / (u + s) * s + rtime % (u + s) * s / (u + s);
	if (stime < prev->stime)
		stime = prev->stime;
	uint64_t utime = rtime - stime;
	if (utime < prev->utime) {
		utime = prev->utime;
		stime = rtime - utime;
	}
	*prev = (struct cputime){ utime, stime };
	return *prev;
}

struct usage task_usage(struct task *t)
{
	return (struct usage){
		.time = task_cputime(t), .nvcsw = t->nvcsw, .nivcsw = t->nivcsw, .minflt = t->minflt,
	};
}

void usage_add(struct usage *to, const struct usage *u)
{
	to->time.utime += u->time.utime;
	to->time.stime += u->time.stime;
	to->nvcsw += u->nvcsw;
	to->nivcsw += u->nivcsw;
	to->minflt += u->minflt;
}
