/* /proc/PID/cmdline, environ and auxv: read from the process's own
 * memory, where execve put them (mm->arg_start...), as Linux does: a
 * process that rewrites its argv strings (setproctitle) changes what ps
 * shows. NUL-separated; empty for a zombie or a kernel thread. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/vm.h>
#include <mm/kmalloc.h>
#include <proc/task.h>
#include "proc.h"

/* At most this much of a process's arguments or environment is shown. */
#define ARGS_MAX (256u << 10)

/* Appends [start, end) of the process's memory to b. */
static int show_range(struct pbuf *b, const struct pseudo_ctx *ctx, int which)
{
	struct mm *mm;
	int err = proc_task_mm(ctx, &mm);
	if (err || !mm)
		return err;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	uint64_t start = which ? mm->env_start : mm->arg_start;
	uint64_t end = which ? mm->env_end : mm->arg_end;
	spin_unlock_irqrestore(&mm->lock, irq);
	size_t len = end > start ? end - start : 0;
	if (len > ARGS_MAX)
		len = ARGS_MAX;
	char *buf = len ? kmalloc(len) : NULL;
	err = len && !buf ? -ENOMEM : 0;
	if (buf) {
		size_t got = vm_read(mm, start, buf, len);
		/* argv's last NUL overwritten (setproctitle): up to the first NUL. */
		if (!which && got && buf[got - 1] != 0)
			got = strnlen(buf, got);
		pbuf_write(b, buf, got);
		kfree(buf);
	}
	mm_put(mm);
	return err;
}

int proc_pid_cmdline(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	return show_range(b, ctx, 0);
}

int proc_pid_environ(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	return show_range(b, ctx, 1);
}

/* auxv: the (type, value) pairs up to and with AT_NULL, binary. */
int proc_pid_auxv(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct mm *mm;
	int err = proc_task_mm(ctx, &mm);
	if (err || !mm)
		return err;
	uint64_t at = mm->auxv_start;
	for (int i = 0; at && i < 64; i++, at += 16) {
		uint64_t pair[2];
		if (vm_read(mm, at, pair, sizeof(pair)) != sizeof(pair))
			break;
		pbuf_write(b, pair, sizeof(pair));
		if (pair[0] == 0)
			break;
	}
	mm_put(mm);
	return 0;
}
