/* Job control: stopping a process (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU by
 * default action), continuing it (SIGCONT), and telling its parent
 * (SIGCHLD with CLD_STOPPED or CLD_CONTINUED, and wait4's WUNTRACED and
 * WCONTINUED). proc/jobctl.c.
 *
 * send_signal records a stop in the process (stop_signal) and wakes its
 * threads; each thread, on its way back to user mode, stops there, so a
 * stop never happens in the middle of a system call: a sleep it cuts
 * short returns -ERESTARTSYS and the call is made again after SIGCONT.
 *
 * In a process of several threads (Lab 6) the stop is the group's: the
 * first thread to take it marks the process stopped, every thread stops
 * on its way back to user mode, and the last one in tells the parent
 * (Linux's group stop), so wait4(WUNTRACED) sees a process whose threads
 * have all stopped. A thread that exits meanwhile counts as stopped: if
 * it was the last one awaited, its exit tells the parent
 * (jobctl_thread_gone), as Linux's exit does. */
#pragma once
#include <kernel/types.h>

struct task;

/* SIGCONT's work at generation, siglock of proc held: cancels stops not
 * yet taken and, if proc is stopped, continues it. True if it was
 * stopped: the caller then tells the parent (jobctl_notify_parent) and
 * wakes the threads once the siglock is released. */
bool jobctl_continue_locked(struct task *proc);

/* Tells proc's parent that proc stopped or continued (why: CLD_STOPPED
 * or CLD_CONTINUED, by sig): SIGCHLD unless the parent set SA_NOCLDSTOP,
 * and a wake-up for its wait4. tasklist_lock held. */
void jobctl_notify_parent(struct task *proc, int why, int sig);

/* A stop signal taken with its default action (one that had a handler
 * when sent, reset since): records the stop, taken as send_signal's. */
void jobctl_stop_by(struct task *proc, int sig);

/* Has t's process a stop to take, or is it stopped? */
bool jobctl_stop_due(struct task *t);

/* proc/exit.c: a thread of proc (not its last) has exited; if a group
 * stop was waiting only for it, the parent is told now. tasklist_lock
 * held. */
void jobctl_thread_gone(struct task *proc);

/* At the return to user mode: takes the stop (unless it is a terminal
 * stop for an orphaned process group, which POSIX discards) and sleeps
 * until the process is continued or killed. */
void jobctl_stop_at_return(void);

/* wait4's and waitid's side: whether child c has a stop (WUNTRACED or
 * WSTOPPED in options) or a continue (WCONTINUED) to report, with its
 * status in *status; if take, the report is consumed (not for WNOWAIT).
 * tasklist_lock held. */
bool jobctl_report(struct task *c, int options, bool take, int *status);
