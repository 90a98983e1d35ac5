/* /proc itself: the top directory's table, the self and thread-self
 * links, and the list of processes after them, as Linux lists them. The
 * system-wide files (meminfo, cpuinfo...) and the mount table add their
 * entries to root_entries[] here, a line each. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/magic.h>
#include <proc/task.h>
#include <fs/procfs.h>
#include "proc.h"
#include "system.h"

/* /proc/self: the caller's process directory, "PID". */
static int self_link(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	pbuf_printf(b, "%d", current->tgid);
	return 0;
}

/* /proc/thread-self: the caller's thread directory, "PID/task/TID". */
static int thread_self_link(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	pbuf_printf(b, "%d/task/%d", current->tgid, current->tid);
	return 0;
}

static const struct pseudo_entry root_entries[] = {
	{ "self", S_IFLNK | 0777, .link = self_link },
	{ "thread-self", S_IFLNK | 0777, .link = thread_self_link },
	PROC_SYSTEM_ENTRIES,
	{ "mounts", S_IFLNK | 0777, .link = proc_mounts_link },
	{ 0 }
};

static const struct pseudo_entry proc_root = {
	.name = "", .mode = S_IFDIR | 0555, .children = root_entries, .list = &proc_pid_list,
};

static const struct pseudo_fs proc_fs = {
	.name = "proc",
	.root = &proc_root,
	.magic = PROC_SUPER_MAGIC,
};

void proc_init(void)
{
	pseudofs_register(&proc_fs);
}
