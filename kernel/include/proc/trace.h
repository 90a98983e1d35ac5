/* The system-call tracer (Lab 5): lines in strace -f format for the calls
 * of traced processes, to the console or a file. Turned on by prctl
 * (proc/trace_abi.h) or for every process by "syscall_log" on the command
 * line. The hooks below are called from one place each. */
#pragma once
#include <kernel/types.h>
#include <x86/trap.h>

struct task;
struct ksiginfo;

/* core/main.c, once the command line is read: "syscall_log" or not. */
void trace_init(void);

/* syscall/table.c, around the handler: the call's entry and its result. */
void trace_syscall_enter(const struct trap_frame *tf);
void trace_syscall_exit(long ret);

/* proc/fork.c: the child of a traced process is traced (0, or -ENOMEM). */
int trace_fork(struct task *parent, struct task *child);

/* proc/exit.c: t ends with wait4's status: "+++ exited with N +++". Drops
 * t's tracing. */
void trace_exit(struct task *t, int status);

/* proc/task.c: what is left of the tracing of a task that never ran. */
void trace_release(struct task *t);

/* Where a signal is taken by process proc (acted on by default, or
 * discarded): the tracer shows "--- SIGCHLD {...} ---" when proc next
 * returns to user mode or exits. Called with proc's siglock held. */
void trace_signal(struct task *proc, int sig, const struct ksiginfo *info);

/* proc/signal_deliver.c's get_signal: t takes sig now (a handler runs,
 * or its default action): shown at once, before the handler's calls or
 * the death it causes. */
void trace_signal_taken(struct task *t, int sig, const struct ksiginfo *info);

/* proc/user_return.c: prints the signals trace_signal recorded. */
void trace_user_return(struct task *t);

/* syscall/prctl.c: PR_KESTREL_TRACE. */
long trace_prctl(long fd, uint64_t filter, uint64_t filter_bytes);
