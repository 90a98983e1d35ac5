/* The scheduler (proc/sched.h): a run queue of tasks ready to run, shared
 * by every CPU and protected by one lock, served round robin.
 *
 * The lock is held across the switch itself: the task giving up the CPU
 * takes it, and the task that comes back from context_switch (or starts
 * for the first time, in schedule_tail) releases it. So no other CPU can
 * pick the old task from the run queue before its registers are saved. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include <kernel/format.h>
#include <kernel/timer.h>
#include <mm/kstack.h>
#include <mm/vm.h>
#include <proc/cputime.h>
#include <proc/loadavg.h>
#include <proc/sched.h>
#include <proc/task.h>
#include <time/clock.h>
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/paging.h>
#include <x86/percpu.h>
#include <x86/tlb.h>
#include <x86/trap.h>

static struct spinlock sched_lock = SPINLOCK_INIT("sched");
static struct list_head run_queue = LIST_HEAD_INIT(run_queue);

/* How contended the one queue's lock is (sched_print_stats): every
 * acquisition, those that found it held, and the TSC cycles they spun. */
static uint64_t lock_takes, lock_waits, lock_wait_cycles;

static inline __attribute__((always_inline)) uint64_t sched_lock_irqsave(void)
{
	bool held = __atomic_load_n(&sched_lock.locked, __ATOMIC_RELAXED);
	uint64_t t0 = held ? rdtsc() : 0;
	uint64_t flags = spin_lock_irqsave(&sched_lock);
	lock_takes++;
	if (held) {
		lock_waits++;
		lock_wait_cycles += rdtsc() - t0;
	}
	return flags;
}

void sched_print_stats(void)
{
	uint64_t us = lock_wait_cycles / tsc_per_us();
	printk("kestrel: sched_lock: %lu acquisitions, %lu found it held, %lu.%03lu ms spent waiting\n",
	       lock_takes, lock_waits, us / 1000, us % 1000);
	printk("kestrel: TLB shootdowns: %lu interrupted other CPUs, %lu flushed this CPU only\n",
	       tlb_remote_flushes, tlb_local_flushes);
}

/* sched_setaffinity's mask (0: every CPU). */
static bool may_run_on(const struct task *t, const struct cpu *c)
{
	return !t->cpus_allowed || (t->cpus_allowed >> c->id) & 1;
}

/* Asks an idle CPU that may run t to look at the run queue (with
 * sched_lock held). */
static void kick_idle_cpu(struct task *t)
{
	struct cpu *me = this_cpu();
	if (!lapic_active())
		return;
	for (int i = 0; i < ncpus; i++) {
		struct cpu *c = &cpus[i];
		if (c != me && c->online && c->task == c->idle && may_run_on(t, c)) {
			lapic_send_ipi(c->apic_id, VEC_RESCHEDULE);
			return;
		}
	}
}

static void enqueue(struct task *t)
{
	list_add_tail(&t->run_link, &run_queue);
	kick_idle_cpu(t);
}

/* The first task in the queue that may run on c, taken out; or NULL. */
static __maybe_unused struct task *pick_next(struct cpu *c)
{
	struct task *t;
	list_for_each_entry(t, &run_queue, run_link)
		if (may_run_on(t, c)) {
			list_del(&t->run_link);
			return t;
		}
	return NULL;
}

/* The address space and kernel stack the CPU needs for next. Page tables
 * already loaded (another thread of the same process) stay: the mm's
 * cpumask has kept this CPU in every shootdown meanwhile (x86/tlb.h). A
 * kernel thread or the idle task loads the kernel's, so the CPU leaves
 * the user mm's set and no longer needs to be interrupted for it. */
static void switch_context_to(struct cpu *c, struct task *prev, struct task *next)
{
	if (prev->fpu)
		fpu_save(prev->fpu);
	if (next->fpu)
		fpu_restore(next->fpu);
	if (next->mm || paging_enabled())
		mm_activate(next->mm);
	if (next->kstack_top)
		percpu_set_kernel_stack((uint64_t)next->kstack_top);
	if (next->mm) {
		wrmsr(MSR_FS_BASE, next->fs_base);
		wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);   /* swapgs brings it in */
	}
	cputime_switch(prev, next);
	c->task = next;
	c->switches++;
	next->cpu = c;
	next->slice = SCHED_SLICE_TICKS;
	next->switches++;
}

/* The end of every switch, on the new task's stack. */
static void finish_switch(struct task *prev)
{
	__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
}

void schedule_tail(struct task *prev)
{
	finish_switch(prev);
	spin_unlock_irqrestore(&sched_lock, RFLAGS_IF);
}

void schedule(void)
{
	struct cpu *c = this_cpu();
	struct task *prev = c->task;
	/* No spinlock may be held across a switch but this one, which the
	 * next task releases (schedule_tail or below). */
	lockdep_schedule(prev->state == TASK_ZOMBIE, (uintptr_t)__builtin_return_address(0));
	uint64_t flags = sched_lock_irqsave();
	c->need_resched = false;

	// LAB 3 BEGIN(exercise 5): put prev back (if still runnable), pick the next task
	if (prev != c->idle) {
		if (prev->state == TASK_RUNNING)
			list_add_tail(&prev->run_link, &run_queue);
		else
			prev->on_rq = false;    /* asleep or dead: off until woken */
	}
	struct task *next = pick_next(c);
	if (!next)
		next = c->idle;
	// LAB 3 STUB: struct task *next = prev;
	// LAB 3 END

	if (prev != c->idle && prev->state == TASK_RUNNING && !may_run_on(prev, c))
		kick_idle_cpu(prev);    /* its mask just moved it off this CPU */
	if (next != prev) {
		next->on_cpu = true;
		switch_context_to(c, prev, next);
		prev = context_switch(prev, next);
		finish_switch(prev);
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

void task_wake(struct task *t)
{
	uint64_t flags = sched_lock_irqsave();
	if (t->state == TASK_SLEEPING) {
		t->state = TASK_RUNNING;
		if (!t->on_rq) {
			t->on_rq = true;
			enqueue(t);
		}
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

void sched_add_new(struct task *t)
{
	uint64_t flags = sched_lock_irqsave();
	t->state = TASK_RUNNING;
	t->on_rq = true;
	enqueue(t);
	spin_unlock_irqrestore(&sched_lock, flags);
}

void sched_tick(struct trap_frame *tf)
{
	struct cpu *c = this_cpu();
	if (trap_from_user(tf))
		c->user_ticks++;
	timers_run();
	struct task *t = c->task;
	if (c->id == 0)
		loadavg_tick();
	if (t == c->idle) {
		if (!list_empty(&run_queue))
			c->need_resched = true;
	} else if (--t->slice <= 0) {
		c->need_resched = true;
	}
}

unsigned sched_nr_active(void)
{
	unsigned n = 0;
	uint64_t flags = sched_lock_irqsave();
	for (struct list_head *l = run_queue.next; l != &run_queue; l = l->next)
		n++;
	for (int i = 0; i < ncpus; i++)
		if (cpus[i].online && cpus[i].task && cpus[i].task != cpus[i].idle)
			n++;
	spin_unlock_irqrestore(&sched_lock, flags);
	return n;
}

void sched_yield(void)
{
	/* Nobody waiting: nothing to give the CPU to, and no reason to take
	 * the one queue's lock (a thread spinning on sched_yield would make
	 * every other CPU wait for it). A task queued just after this look
	 * gets an idle CPU or the next tick, as any wake-up does. */
	if (list_empty(&run_queue))
		return;
	schedule();     /* still TASK_RUNNING: back in the queue, at its end */
}

void sched_preempt_point(void)
{
	if (this_cpu()->need_resched)
		schedule();
}

void idle_loop(void)
{
	struct cpu *c = this_cpu();
	for (;;) {
		cli();
		if (!list_empty(&run_queue) || c->need_resched) {
			uint64_t switches = c->switches;
			sti();
			schedule();
			cli();
			/* Back from running something: look again. Found nothing
			 * (the queue's tasks may not run here): wait. */
			if (c->switches != switches || c->need_resched) {
				sti();
				continue;
			}
		}
		sti_hlt();      /* until the next interrupt: a tick or a kick */
	}
}

void sched_set_allowed(struct task *t, uint64_t mask)
{
	uint64_t flags = sched_lock_irqsave();
	t->cpus_allowed = mask;
	struct cpu *c = t->cpu;
	if (t->on_cpu && c && !may_run_on(t, c)) {
		/* Off that CPU at its next chance: schedule() moves it. */
		if (c == this_cpu())
			c->need_resched = true;
		else
			lapic_send_ipi(c->apic_id, VEC_RESCHEDULE);
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

/* --- creating the per-CPU tasks ------------------------------------------- */

static int idle_main(void *arg)
{
	(void)arg;
	idle_loop();
}

/* Idle tasks are never in the run queue and have tid 0, as in Linux. The
 * boot CPU switches to its idle task like to any kernel thread; the
 * others start running on its stack (smp.c) and never use that frame. */
struct task *idle_task_create(struct cpu *c)
{
	struct task *t = task_alloc("idle", true);
	if (!t)
		return NULL;
	ksnprintf(t->name, sizeof(t->name), "idle/%d", c->id);
	kthread_prepare_stack(t, idle_main, NULL);
	t->state = TASK_RUNNING;
	t->on_rq = true;
	t->cpu = c;
	c->idle = t;
	return t;
}

void sched_start_cpu(struct cpu *c)
{
	c->task = c->idle;
	c->idle->on_cpu = true;
	percpu_set_kernel_stack((uint64_t)c->idle->kstack_top);
}

void sched_init(void)
{
	struct cpu *c = this_cpu();
	/* The code running now (kmain, on the boot stack) becomes a task like
	 * any other, so it can sleep and wait; the boot CPU's idle task is a
	 * separate kernel thread that runs when kmain does not. */
	struct task *boot = task_alloc("kmain", false);
	if (!boot) {
		/* No heap yet (Lab 2's exercises): no tasks at all. */
		printk("sched: cannot create tasks (no kernel heap); kmain runs alone\n");
		return;
	}
	boot->state = TASK_RUNNING;
	boot->on_rq = true;
	boot->on_cpu = true;
	boot->cpu = c;
	c->task = boot;

	c->online = true;
	if (!idle_task_create(c)) {
		/* No kernel stacks without the kernel's page tables (Lab 2):
		 * kmain stays the only task, and nothing may sleep. */
		printk("sched: cannot create tasks (no kernel stacks); kmain runs alone\n");
		c->idle = boot;
	}
}
