/* Signals: what each one is to do (rt_sigaction), their generation and
 * queueing (proc/signal.c, proc/signal_send.c, proc/kill.c,
 * proc/sigwait.c), and their delivery: taken on the way back to user
 * mode (proc/signal_deliver.c), a handler run on a frame pushed on the
 * user stack and left through rt_sigreturn (proc/sigframe.c), on the
 * alternate stack if asked (proc/sigaltstack.c).
 *
 * A process's pending set lives in its thread group leader (struct
 * sigpending in proc/task.h), guarded by the leader's siglock. */
#pragma once
#include <kernel/types.h>

struct task;
struct ksiginfo;

#define SIGMASK(sig) (1ull << ((sig) - 1))
/* Signals no mask may hold back. */
#define UNBLOCKABLE (SIGMASK(SIGKILL) | SIGMASK(SIGSTOP))
/* The signals faults raise (Linux's SYNCHRONOUS_MASK): taken before any
 * other, and with a positive si_code they carry a fault's address. */
#define SYNCHRONOUS_SIGNALS (SIGMASK(SIGSEGV) | SIGMASK(SIGBUS) | SIGMASK(SIGILL) | SIGMASK(SIGTRAP) | \
			     SIGMASK(SIGFPE) | SIGMASK(SIGSYS))

/* The one way to generate a signal, as Linux's send_signal_locked: sig
 * (1.._NSIG) to process proc, from whoever info names. tasklist_lock
 * held (it keeps proc from being freed). Depending on the target:
 *   - blocked: made pending, and a sleeper in rt_sigtimedwait woken;
 *   - ignored (SIG_IGN, or SIG_DFL for SIGCHLD, SIGCONT, SIGURG,
 *     SIGWINCH): discarded;
 *   - SIG_DFL whose default ends the process (SIGKILL always): the whole
 *     process ends "killed by sig". A thread sleeping in a wait that a
 *     signal does not cut short (a disk read) ends at its next return to
 *     user mode; interruptible and killable sleeps (kernel/wait.h) end
 *     at once;
 *   - SIG_DFL stopping (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU): the process
 *     stops at its next return to user mode (proc/jobctl.h), its
 *     sleepers woken for it; SIGCONT, whatever its action, continues a
 *     stopped process and cancels stops not yet taken, and a stop
 *     signal cancels a pending SIGCONT;
 *   - a handler installed: pending, and delivered at the thread's next
 *     return to user mode (its sleeps end: EINTR or a restart).
 * Like Linux, the first process (init) is spared signals it has no
 * handler for, SIGKILL included. A process already ending, a zombie or a
 * kernel thread takes nothing. */
void send_signal(struct task *proc, int sig, const struct ksiginfo *info);

/* Sends sig to the current process, as Linux's send_sig(sig, current):
 * SIGPIPE for a write to a pipe nobody reads. A fatal signal ends the
 * process when it next returns to user mode. */
void signal_raise_self(int sig);

/* rt_sigprocmask's work: sets the calling thread's mask, then acts on
 * the pending signals it unblocks: one whose default ends the process
 * does so (at the next return to user mode), ignored ones are dropped. */
void signal_set_blocked(uint64_t set);

/* Removes and returns the lowest pending signal of the current process
 * in set (Linux's synchronous ones, SIGSEGV and the like, first), or 0;
 * its siginfo goes to *info. */
int signal_dequeue(uint64_t set, struct ksiginfo *info);

/* Copies proc's action for sig to *act; false if proc has no handlers
 * any more (it is ending) or never had (a kernel thread). Takes proc's
 * siglock: call with at most tasklist_lock held. */
struct k_sigaction;
bool signal_action(struct task *proc, int sig, struct k_sigaction *act);

/* The default actions other than ending the process. */
bool sig_default_ignores(int sig);     /* SIGCHLD, SIGCONT, SIGURG, SIGWINCH */
bool sig_default_stops(int sig);       /* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
/* Is this action "ignore", explicitly or by default? */
bool sig_handler_ignores(uint64_t handler, int sig);

/* execve: handlers are addresses in the old program, so caught signals go
 * back to their default action; ignored ones stay ignored (Linux's
 * flush_signal_handlers). */
void signals_reset_for_exec(struct task *t);

/* Must a sleep of t end for a signal (kernel/wait.h's interruptible
 * waits)? True when its process is ending (a fatal signal), has a stop
 * to take, or has a handler to run (a pending signal t does not block). */
bool signal_pending(struct task *t);
/* Is t's process ending (Linux's fatal_signal_pending)? */
bool fatal_signal_pending(struct task *t);

/* wait4's status for a process that sig ends: the signal, and the core
 * dump bit (0x80) for a signal whose default dumps core, as Linux sets
 * it when RLIMIT_CORE allows a dump (Kestrel writes no core file). */
int signal_death_status(struct task *proc, int sig);

/* Sends sig to every process of group pgid (kill(-pgid), the tty's ^C);
 * false if the group has no process. tasklist_lock held. */
bool signal_pgrp(int pgid, int sig, const struct ksiginfo *info);

struct siginfo;
/* The user's siginfo_t for a signal taken with info (the fields of its
 * si_code's class: kill, sigqueue, SIGCHLD, a fault). */
void signal_fill_siginfo(struct siginfo *si, int sig, const struct ksiginfo *info);

/* A signal the current thread caused (a fault, a frame that could not be
 * written): made pending with info, unblocked, and its handler reset to
 * SIG_DFL if it is ignored or blocked or to_default says so (Linux's
 * force_sig_info). True if a handler will run for it; false if its
 * default action will (the process ends at its return to user mode). */
bool signal_force(int sig, const struct ksiginfo *info, bool to_default);

/* On every return to user mode (proc/user_return.c): takes the signals
 * to act on, runs a handler by building its frame over the user
 * registers tf, ends or stops the process for a default action, and
 * makes again (or fails with EINTR) the system call a signal cut short.
 * May not return (the process ends). True if a handler's frame was
 * built: the caller calls again, as another signal's handler may run
 * first (nested frames, as Linux delivers them). */
struct trap_frame;
bool signal_deliver(struct trap_frame *tf);

/* rt_sigsuspend, ppoll, pselect6: old is the mask to put back once the
 * call returns, after a handler runs with the call's own mask (the
 * handler's frame keeps old). */
void signal_restore_mask_later(uint64_t old);

/* SA_RESETHAND: sig's action back to SIG_DFL as its handler starts. */
void signal_reset_handler(int sig);

/* The alternate signal stack (proc/sigaltstack.c). t's sas_ss_flags
 * are what sigaltstack was given (SS_AUTODISARM, SS_ONSTACK...). */
/* None any more (SS_DISABLE). */
void sas_ss_reset(struct task *t);
/* Is sp on t's alternate stack? */
bool on_sig_stack(struct task *t, uint64_t sp);
/* sigaltstack's ss_flags for a thread whose stack pointer is sp. */
int sas_ss_flags(struct task *t, uint64_t sp);
struct sigaltstack;
/* sigaltstack's setting part, ss a kernel copy; sp the user's %rsp. */
long sigaltstack_set(const struct sigaltstack *ss, uint64_t sp);

/* ITIMER_REAL dies with its process (time/itimer.c). */
void itimer_exit(struct task *proc);
/* De-threading: the process's ITIMER_REAL moves to its new leader. */
void itimer_take_over(struct task *to, struct task *from);
