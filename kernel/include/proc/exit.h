/* Ending tasks and collecting their status (proc/exit.c). */
#pragma once
#include <kernel/types.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>

/* wait4's status word (as <sys/wait.h> decodes it). */
#define W_EXITCODE(code) (((code) & 0xff) << 8)
#define W_SIGNALED(sig)  ((sig) & 0x7f)

/* A wait status as SIGCHLD's and waitid's siginfo tell it: *code is
 * CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED or CLD_CONTINUED, and
 * *status the exit code or the signal. */
static inline void wait_status_decode(int s, int *code, int *status)
{
	if (s == 0xffff) {
		*code = CLD_CONTINUED;
		*status = SIGCONT;
	} else if ((s & 0xff) == 0x7f) {
		*code = CLD_STOPPED;
		*status = (s >> 8) & 0xff;
	} else if ((s & 0x7f) == 0) {
		*code = CLD_EXITED;
		*status = (s >> 8) & 0xff;
	} else {
		*code = s & 0x80 ? CLD_DUMPED : CLD_KILLED;
		*status = s & 0x7f;
	}
}

/* Is process p (a leader) over, a zombie its parent may collect? Not
 * while a thread of it runs on (tasklist_lock held). */
struct task;
bool process_ended(const struct task *p);
/* CLONE_CHILD_CLEARTID (set_tid_address): at a thread's exit or exec,
 * 0 goes to the word and one futex waiter on it is woken. */
void task_clear_child_tid(struct task *t);
/* Ends the current task with a wait status; never returns. */
void __attribute__((noreturn)) do_exit(int status);
/* Marks every thread of the current thread group (the caller too) to
 * end with status when it next returns to user mode: for a caller that
 * still has references to drop on its way out (a fatal signal raised in
 * the middle of a system call). */
void group_exit_at_return(int status);
/* The same for process leader, from anywhere (a fatal signal): each
 * thread is also woken so that a sleeper notices. If the process is
 * already ending, its first status stands. tasklist_lock held. */
struct task;
void group_exit_locked(struct task *leader, int status);
/* Ends every thread of the current thread group with that status. */
void __attribute__((noreturn)) do_exit_group(int status);
