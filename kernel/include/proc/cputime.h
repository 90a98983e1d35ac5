/* CPU time accounting (proc/cputime.c): how long each task ran in user
 * and in system mode, and its reaped children's
 * times, for getrusage, times, wait4 and the CPU-time clocks. */
#pragma once
#include <kernel/types.h>
#include <proc/task.h>

/* The scheduler switches from prev to next (sched_lock held). */
void cputime_switch(struct task *prev, struct task *next);
/* The current task enters the kernel from user mode (a system call, an
 * interrupt or exception), or returns to user mode. */
void cputime_enter_kernel(void);
void cputime_return_to_user(void);
/* Nanoseconds t has run, including the current stretch if it is running. */
uint64_t task_runtime(struct task *t);
/* t's user and system time (the current stretch is system time: the
 * caller is in the kernel). */
struct cputime task_cputime(struct task *t);
/* t's own usage: its times, switches and faults. */
struct usage task_usage(struct task *t);
/* A process's usage: every thread's, live or ended, summed (the
 * largest resident set among them: they share it). The _locked form
 * with tasklist_lock held. */
struct usage process_usage(struct task *leader);
struct usage process_usage_locked(struct task *leader);
/* Thread t of a process is ending: its usage joins the process's
 * ended threads' (tasklist_lock held). */
void cputime_thread_ended(struct task *t, struct task *leader);
/* Notes t's resident set, if larger than before: at getrusage, and at
 * exit before the address space goes. Not at every fault: counting walks
 * the page tables. */
void cputime_sample_rss(struct task *t);
/* A reaped child's usage (with its children's) goes to its parent. */
void usage_add(struct usage *to, const struct usage *u);
/* Copies u out as a struct rusage (syscall/rusage.c): 0 or -EFAULT. NULL
 * urusage copies nothing. */
long put_rusage(void *urusage, const struct usage *u);
