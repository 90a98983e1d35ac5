/* /proc/PID/ and /proc/PID/task/TID/: what is in a process's directory
 * and a thread's, and the generated lists of processes (in /proc) and of
 * a process's threads (in task/). Add a per-process file with a line in
 * pid_entries[] (and tid_entries[] if threads have it too). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <proc/task.h>
#include "proc.h"

#define DIR(n, m, ...)  { .name = n, .mode = S_IFDIR | (m), __VA_ARGS__ }
#define FILE(n, m, ...) { .name = n, .mode = S_IFREG | (m), __VA_ARGS__ }
#define LINK(n, ...)    { .name = n, .mode = S_IFLNK | 0777, __VA_ARGS__ }

/* Linux's order (fs/proc/base.c: tgid_base_stuff); a thread's directory
 * has the same files about the one thread (tid_base_stuff), no task/. */
#define COMMON_ENTRIES \
	DIR("fd", 0500, .list = &proc_fd_list), \
	DIR("fdinfo", 0555, .list = &proc_fdinfo_list), \
	FILE("environ", 0400, .show = proc_pid_environ, .access = proc_may_access), \
	FILE("auxv", 0400, .show = proc_pid_auxv, .access = proc_may_access), \
	FILE("status", 0444, .show = proc_pid_status), \
	FILE("limits", 0444, .show = proc_pid_limits), \
	FILE("comm", 0644, .show = proc_pid_comm, .store = proc_pid_comm_store), \
	FILE("cmdline", 0444, .show = proc_pid_cmdline), \
	FILE("stat", 0444, .show = proc_pid_stat), \
	FILE("statm", 0444, .show = proc_pid_statm), \
	FILE("maps", 0444, .show = proc_pid_maps, .access = proc_may_access), \
	LINK("cwd", .link = proc_cwd_link, .follow = proc_cwd_follow, .access = proc_may_access), \
	LINK("root", .link = proc_root_link, .follow = proc_root_follow, .access = proc_may_access), \
	LINK("exe", .link = proc_exe_link, .follow = proc_exe_follow, .access = proc_may_access), \
	FILE("mounts", 0444, .show = proc_pid_mounts), \
	FILE("mountinfo", 0444, .show = proc_pid_mountinfo), \
	FILE("oom_score_adj", 0644, .show = proc_pid_oom_score_adj, .store = proc_pid_oom_score_adj_store)

static const struct pseudo_entry tid_entries[] = {
	COMMON_ENTRIES,
	{ 0 }
};

const struct pseudo_entry proc_tid_dir = DIR("", 0555, .children = tid_entries);

static const struct pseudo_entry pid_entries[] = {
	DIR("task", 0555, .list = &proc_task_list),
	COMMON_ENTRIES,
	FILE("timers", 0444, .show = proc_pid_timers),
	{ 0 }
};

const struct pseudo_entry proc_pid_dir = DIR("", 0555, .children = pid_entries);

/* The processes: the thread-group leaders, zombies too, by pid. */
static long next_pid(const struct pseudo_ctx *dir, long from)
{
	long best = -1;
	struct task *t;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	list_for_each_entry(t, &all_tasks, all_link)
		if (t->tid > 0 && t == t->group_leader && t->tid >= from && (best < 0 || t->tid < best))
			best = t->tid;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return best;
}

/* /proc/TID of a thread that does not lead its group is not listed, but
 * resolves, as on Linux: to that thread's view of its process. */
static bool pid_exists(const struct pseudo_ctx *dir, long item)
{
	struct task *t = item > 0 && item < INT32_MAX ? task_get_by_tid(item) : NULL;
	task_put(t);
	return t != NULL;
}

static void enter_pid(const struct pseudo_ctx *dir, long item, struct pseudo_ctx *child)
{
	struct task *t = task_get_by_tid(item);
	int tgid = t ? t->tgid : item;
	task_put(t);
	*child = (struct pseudo_ctx){ .pid = tgid, .tid = tgid == item ? 0 : item };
}

const struct pseudo_list proc_pid_list = {
	.next = next_pid,
	.entry = &proc_pid_dir,
	.enter = enter_pid,
	.exists = pid_exists,
};

/* A process's threads, by tid. */
static long next_tid(const struct pseudo_ctx *dir, long from)
{
	long best = -1;
	struct task *t;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	list_for_each_entry(t, &all_tasks, all_link)
		if (t->tgid == dir->pid && t->tid >= from && (best < 0 || t->tid < best))
			best = t->tid;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return best;
}

static void enter_tid(const struct pseudo_ctx *dir, long item, struct pseudo_ctx *child)
{
	*child = (struct pseudo_ctx){ .pid = dir->pid, .tid = item };
}

const struct pseudo_list proc_task_list = {
	.next = next_tid,
	.entry = &proc_tid_dir,
	.enter = enter_tid,
};
