/* /proc/PID/stat and /proc/PID/statm: one line of numbers each, in the
 * order Linux 6.1 prints them (fs/proc/array.c: do_task_stat,
 * proc_pid_statm). ps and top read these. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <x86/memlayout.h>
#include <proc/task.h>
#include "proc.h"

int proc_pid_stat(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct proc_task_info in;
	struct proc_mm_info m;
	int err = proc_task_info(ctx, &in);
	if (!err)
		err = proc_mm_info(ctx, &m);
	if (err)
		return err;
	// LAB 7 BEGIN(exercise 2): the stat line: 52 fields, as Linux's do_task_stat prints them
	/* 1-7: pid (comm) state ppid pgrp session tty_nr */
	pbuf_printf(b, "%d (%s) %c %d %d %d %d ", ctx->tid ? in.tid : in.pid, in.comm, in.state,
		    in.ppid, in.pgid, in.sid, in.tty_nr);
	/* 8-17: tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime */
	pbuf_printf(b, "%d %u %lu 0 0 0 %lu %lu %lu %lu ", in.tpgid, 0x400000u /* PF_RANDOMIZE */,
		    in.minflt, proc_ticks(in.utime), proc_ticks(in.stime), proc_ticks(in.cutime),
		    proc_ticks(in.cstime));
	/* 18-22: priority nice num_threads itrealvalue starttime */
	pbuf_printf(b, "%d %d %d 0 %lu ", in.rt_priority ? -1 - in.rt_priority : 20 + in.nice, in.nice,
		    in.threads, proc_ticks(in.start_ns));
	/* 23-25: vsize rss rsslim (RLIM_INFINITY) */
	pbuf_printf(b, "%lu %lu %lu ", m.vsize, m.resident, ~0ul);
	/* 26-30: startcode endcode startstack kstkesp kstkeip (0 unless dumping) */
	pbuf_printf(b, "%lu %lu %lu 0 0 ", m.start_code, m.end_code,
		    m.start_stack);
	/* 31-35: the obsolete signal bitmaps (the first 32 signals), wchan */
	pbuf_printf(b, "%lu %lu %lu %lu 0 ", (in.pending | in.shared_pending) & 0xffffffffu,
		    in.blocked & 0xffffffffu, in.ignored & 0xffffffffu, in.caught & 0xffffffffu);
	/* 36-41: nswap cnswap exit_signal processor rt_priority policy */
	pbuf_printf(b, "0 0 %d %d %d %d ", in.exit_signal, in.processor, in.rt_priority, in.policy);
	/* 42-44: delayacct_blkio_ticks guest_time cguest_time */
	pbuf_printf(b, "0 0 0 ");
	/* 45-52: start_data end_data start_brk arg_start arg_end env_start env_end exit_code */
	pbuf_printf(b, "%lu %lu %lu %lu %lu %lu %lu 0\n", m.start_data, m.end_data, m.start_brk,
		    m.arg_start, m.arg_end, m.env_start, m.env_end);
	return 0;
	// LAB 7 STUB: (void)in;
	// LAB 7 STUB: (void)m;
	// LAB 7 STUB: return -ENOSYS;
	// LAB 7 END
}

int proc_pid_statm(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct proc_mm_info m;
	int err = proc_mm_info(ctx, &m);
	if (err)
		return err;
	/* size resident shared text lib data dt, in pages */
	pbuf_printf(b, "%lu %lu 0 %lu 0 %lu 0\n", m.vsize / PAGE_SIZE, m.resident, m.exec / PAGE_SIZE,
		    (m.data + m.stack) / PAGE_SIZE);
	return 0;
}
