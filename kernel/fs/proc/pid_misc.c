/* Small per-process files: limits (getrlimit's table, in Linux 6.1's
 * layout), oom_score_adj (stored and inherited; Kestrel has no OOM
 * killer to use it) and timers (the POSIX timers, time/posix_timers.h). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <linux/capability.h>
#include <linux/resource.h>
#include <proc/task.h>
#include <proc/cred.h>
#include <time/posix_timers.h>
#include "proc.h"

static const struct {
	const char *name, *unit;
} limit_names[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = { "Max cpu time", "seconds" },
	[RLIMIT_FSIZE] = { "Max file size", "bytes" },
	[RLIMIT_DATA] = { "Max data size", "bytes" },
	[RLIMIT_STACK] = { "Max stack size", "bytes" },
	[RLIMIT_CORE] = { "Max core file size", "bytes" },
	[RLIMIT_RSS] = { "Max resident set", "bytes" },
	[RLIMIT_NPROC] = { "Max processes", "processes" },
	[RLIMIT_NOFILE] = { "Max open files", "files" },
	[RLIMIT_MEMLOCK] = { "Max locked memory", "bytes" },
	[RLIMIT_AS] = { "Max address space", "bytes" },
	[RLIMIT_LOCKS] = { "Max file locks", "locks" },
	[RLIMIT_SIGPENDING] = { "Max pending signals", "signals" },
	[RLIMIT_MSGQUEUE] = { "Max msgqueue size", "bytes" },
	[RLIMIT_NICE] = { "Max nice priority", NULL },
	[RLIMIT_RTPRIO] = { "Max realtime priority", NULL },
	[RLIMIT_RTTIME] = { "Max realtime timeout", "us" },
};

static void print_limit(struct pbuf *b, uint64_t v)
{
	if (v == RLIM_INFINITY)
		pbuf_printf(b, "%-20s ", "unlimited");
	else
		pbuf_printf(b, "%-20lu ", v);
}

int proc_pid_limits(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct task *t = pseudo_task(ctx);
	if (!t)
		return -ESRCH;
	struct rlimit64 rlim[RLIM_NLIMITS];
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	memcpy(rlim, t->group_leader->rlim, sizeof(rlim));
	spin_unlock_irqrestore(&tasklist_lock, flags);
	task_put(t);
	pbuf_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		pbuf_printf(b, "%-25s ", limit_names[i].name);
		print_limit(b, rlim[i].rlim_cur);
		print_limit(b, rlim[i].rlim_max);
		if (limit_names[i].unit)
			pbuf_printf(b, "%-10s\n", limit_names[i].unit);
		else
			pbuf_putc(b, '\n');
	}
	return 0;
}

int proc_pid_oom_score_adj(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct task *t = pseudo_task(ctx);
	if (!t)
		return -ESRCH;
	pbuf_printf(b, "%d\n", READ_ONCE(t->group_leader->oom_score_adj));
	task_put(t);
	return 0;
}

/* A decimal int with optional sign and surrounding white space (kstrtoint). */
static int parse_int(const char *s, int *out)
{
	while (*s == ' ' || *s == '\t')
		s++;
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	long v = 0;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s++ - '0');
		if (v > 1000000)
			return -EINVAL;
	}
	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	if (*s)
		return -EINVAL;
	*out = neg ? -v : v;
	return 0;
}

/* Linux's oom_score_adj_write: -1000..1000; only root lowers it. */
int proc_pid_oom_score_adj_store(const struct pseudo_ctx *ctx, const char *data, size_t len)
{
	int v;
	if (parse_int(data, &v) || v < -1000 || v > 1000)
		return -EINVAL;
	struct task *t = pseudo_task(ctx);
	if (!t)
		return -ESRCH;
	struct task *leader = t->group_leader;
	int err = 0;
	if (v < READ_ONCE(leader->oom_score_adj) && !capable(CAP_SYS_RESOURCE))
		err = -EACCES;
	else
		WRITE_ONCE(leader->oom_score_adj, v);
	task_put(t);
	return err;
}

/* The process's POSIX timers (a process's directory only, as Linux's). */
int proc_pid_timers(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct task *t = pseudo_task(ctx);
	if (!t)
		return -ESRCH;
	if (t == t->group_leader)   /* the leader keeps them; a thread's task has none */
		posix_timers_show(b, t);
	task_put(t);
	return 0;
}
