/* CPU time accounting (proc/cputime.c): how long each task ran, split
 * into user and system time as Linux splits it, and its reaped children's
 * times, for getrusage, times, wait4 and the CPU-time clocks. */
#pragma once
#include <kernel/types.h>
#include <proc/task.h>

/* The scheduler switches from prev to next (sched_lock held). */
void cputime_switch(struct task *prev, struct task *next);
/* A timer tick found t running, in user mode or not. */
void cputime_tick(struct task *t, bool user);
/* Nanoseconds t has run, including the current stretch if it is running. */
uint64_t task_runtime(struct task *t);
/* t's runtime split into user and system time (never decreasing). */
struct cputime task_cputime(struct task *t);
/* t's own usage: its times, switches and faults. */
struct usage task_usage(struct task *t);
/* A reaped child's usage (with its children's) goes to its parent. */
void usage_add(struct usage *to, const struct usage *u);
/* Copies u out as a struct rusage (syscall/rusage.c): 0 or -EFAULT. NULL
 * urusage copies nothing. */
long put_rusage(void *urusage, const struct usage *u);
