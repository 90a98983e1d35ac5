/* POSIX timers' own structure, shared by time/posix_timers.c (the system
 * calls) and time/posix_timers_fire.c (expiry, signals, the wall clock,
 * /proc/PID/timers). The locking is described in posix_timers.c. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <linux/time.h>
#include <time/clock.h>

struct task;

#define DELAYTIMER_MAX 0x7fffffff       /* overruns saturate here */

struct posix_timer {
	int id;
	int clock;
	int notify;                 /* SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID (| SIGEV_SIGNAL) */
	int user_notify;            /* as asked (SIGEV_THREAD too): /proc/PID/timers shows it */
	int signo;
	int tid;                    /* SIGEV_THREAD_ID: the thread */
	uint64_t value;             /* sigev_value */
	struct task *proc;          /* the leader; the timer goes before it does */
	struct list_head link;      /* in proc->posix_timers */
	struct timer timer;
	struct spinlock lock;       /* expires, interval */
	uint64_t expires;           /* the next expiry, monotonic ns; 0: disarmed */
	uint64_t interval;          /* ns; 0: one-shot */
	/* Under proc's siglock: */
	int overrun;                /* expirations while the signal was pending */
	int overrun_last;           /* timer_getoverrun's: the taken signal's count */
	/* CLOCK_REALTIME and TAI, under wall_lock: */
	bool wall;                  /* armed for a wall time: follows the clock */
	int64_t wall_offset;        /* CLOCK_REALTIME - CLOCK_MONOTONIC when expires was set */
	struct list_head wall_link;
};

/* The CLOCK_REALTIME and CLOCK_TAI timers of every process, and their lock. */
extern struct mutex posix_timers_wall_lock;
extern struct list_head posix_timers_wall;


/* The live thread tid of process proc, or NULL; tasklist_lock held. */
struct task *posix_timer_thread(struct task *proc, int tid);

/* The timer interrupt's function of every timer (posix_timers_fire.c). */
void posix_timer_expired(struct timer *t);

