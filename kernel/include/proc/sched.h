/* The scheduler: one run queue shared by all CPUs, round robin with time
 * slices, preemption of user code by the timer (kernel code gives up the
 * CPU only where it chooses to: sleeping, yielding, exiting — as in Linux
 * built without CONFIG_PREEMPT). */
#pragma once
#include <kernel/types.h>

struct task;
struct cpu;
struct trap_frame;

#define SCHED_SLICE_TICKS 4     /* of the APIC timer: 16 ms at 250 Hz */

/* Turns the code running kmain into a task ("kmain") and makes the boot
 * CPU's idle task. */
void sched_init(void);
/* Creates the idle task of CPU c, not yet running. */
struct task *idle_task_create(struct cpu *c);
/* An AP's first step as a scheduler participant (it runs its idle task). */
void sched_start_cpu(struct cpu *c);
void __attribute__((noreturn)) idle_loop(void);

/* Gives up the CPU: to another runnable task if there is one. If the
 * current task is not TASK_RUNNING, it stays off the CPU until woken. */
void schedule(void);
/* Makes t runnable if it is asleep (wake-ups of running tasks do nothing). */
void task_wake(struct task *t);
/* Adds a new task to the run queue. */
void sched_add_new(struct task *t);

/* The timer interrupt, on every CPU. */
void sched_tick(struct trap_frame *tf);
/* sched_setaffinity: t runs only on the CPUs in mask (bit i: cpus[i];
 * 0: all) from now on, leaving its CPU soon if that is not one of them. */
void sched_set_allowed(struct task *t, uint64_t mask);
/* fork: the child's policy, nice value and CPU mask (syscall/sched_calls.c). */
void sched_params_fork(struct task *child, const struct task *parent);
/* Prints how often CPUs waited for the run queue's lock (at power-off). */
void sched_print_stats(void);
/* Tasks running or waiting in the run queue (the load average's count). */
unsigned sched_nr_active(void);
/* Called before returning to user mode: preempt if the slice is over. */
void sched_preempt_point(void);

/* Kernel threads: fn(arg) runs in its own task; returning from fn ends
 * the thread (as kthread_exit does). */
/* A forked child's first work, in its own address space (proc/fork.c;
 * switch.S's ret_from_fork calls it). */
void fork_child_start(void);

struct task *kthread_create(const char *name, int (*fn)(void *), void *arg);
/* Prepares t's kernel stack so that its first switch-in calls fn(arg). */
void kthread_prepare_stack(struct task *t, int (*fn)(void *), void *arg);
/* A kernel thread that runs as long as the kernel (never joined): no pid,
 * invisible to user space (kill, wait). */
struct task *kthread_create_daemon(const char *name, int (*fn)(void *), void *arg);
void __attribute__((noreturn)) kthread_exit(int code);
/* Waits for a kernel thread to end and frees it; returns fn's result. */
int kthread_join(struct task *t);

/* Prepares t's kernel stack so that its first switch-in returns to user
 * mode with the registers in task_user_regs(t) (fork, the first process). */
void task_start_in_user_mode(struct task *t);

/* switch.S */
struct task *context_switch(struct task *prev, struct task *next);
void ret_from_fork(void);
void kthread_start(void);
/* Where a new task's first context_switch lands: finishes the switch. */
void schedule_tail(struct task *prev);
