/* /proc/PID/comm and /proc/PID/task/TID/comm: a thread's 16-byte name
 * (prctl's PR_SET_NAME). Writable by the threads of the process itself,
 * as on Linux 6.1 (comm_write): the first 15 bytes, as given. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <proc/task.h>
#include "proc.h"

int proc_pid_comm(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct task *t = pseudo_task(ctx);
	if (!t)
		return -ESRCH;
	char name[sizeof(t->name)];
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	memcpy(name, t->name, sizeof(name));
	spin_unlock_irqrestore(&tasklist_lock, flags);
	name[sizeof(name) - 1] = 0;
	task_put(t);
	pbuf_printf(b, "%s\n", name);
	return 0;
}

int proc_pid_comm_store(const struct pseudo_ctx *ctx, const char *data, size_t len)
{
	struct task *t = pseudo_task(ctx);
	if (!t)
		return -ESRCH;
	int err = 0;
	if (t->tgid != current->tgid) {
		err = -EINVAL;
	} else {
		char name[sizeof(t->name)] = { 0 };
		memcpy(name, data, len < sizeof(name) - 1 ? len : sizeof(name) - 1);
		uint64_t flags = spin_lock_irqsave(&tasklist_lock);
		memcpy(t->name, name, sizeof(name));
		spin_unlock_irqrestore(&tasklist_lock, flags);
	}
	task_put(t);
	return err;
}
