/* POSIX timers' links with the rest of the kernel (time/posix_timers.c):
 * the signal code, exit and exec, and the wall clock. */
#pragma once
#include <kernel/types.h>

struct task;
struct ksiginfo;

/* A timer's signal was just taken from a pending set of process proc
 * (its leader's siglock held): fills in its si_overrun, the expirations
 * counted while it was pending, which timer_getoverrun reports from now. */
void posix_timer_signal_taken(struct task *proc, struct ksiginfo *info);

/* exit and exec: every timer of process proc is disarmed and deleted,
 * none of them running when this returns. Process context. */
void posix_timers_exit(struct task *proc);

/* exec by a thread that is not the leader: the old leader's timers go,
 * and the new leader goes on handing out ids where it left off. */
void posix_timers_take_over(struct task *to, struct task *from);

/* /proc/PID/timers of process proc (its leader): Linux's lines. */
struct pbuf;
void posix_timers_show(struct pbuf *b, struct task *proc);

/* The wall clock was set: timers armed for a CLOCK_REALTIME or
 * CLOCK_TAI time move with it, as Linux's clock_was_set. Process context. */
void posix_timers_clock_was_set(void);
