/* Lock checking, part 1 (kernel/lockdep.h): who holds what. Each CPU has
 * the stack of spinlocks it holds, each task the stack of its mutexes;
 * every lock records its owner and the call site that took it. The
 * reports here are the one-lock mistakes: taking a lock twice, releasing
 * one you do not hold, sleeping with a spinlock held or interrupts off.
 * The order between locks is lockdep_order.c's. */
#ifdef CONFIG_LOCKDEP     /* else nothing: see the Makefile's LOCKDEP */
#include <kernel/types.h>
#include <kernel/lockdep.h>
#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <proc/task.h>
#include <x86/cpu.h>
#include <x86/percpu.h>
#include "lockdep_internal.h"

bool lockdep_active;
static struct held_locks cpu_held[MAX_CPUS];
static int irq_depth[MAX_CPUS];

void lockdep_init(void)
{
	lockdep_active = true;
}

void lockdep_off(void)
{
	lockdep_active = false;
}

void lockdep_init_map(struct lockdep_map *m, const char *name, struct lock_class_key *key)
{
	*m = (struct lockdep_map){ .name = name, .key = key };
}

static int cpu_index(void)
{
	return this_cpu() - cpus;
}

static bool in_irq(void)
{
	return irq_depth[cpu_index()] > 0;
}

/* The stack a lock of this kind goes on: the CPU's for spinlocks, the
 * task's for mutexes (none before the first task, or in an interrupt). */
static struct held_locks *held_stack(enum lock_kind kind)
{
	if (kind == LOCK_SPIN)
		return &cpu_held[cpu_index()];
	struct task *t = current;
	return t && !in_irq() ? &t->held_mutexes : NULL;
}

static const void *me(enum lock_kind kind)
{
	return kind == LOCK_SPIN ? (const void *)this_cpu() : (const void *)current;
}

/* Who holds the lock: a mutex says so itself (its owner is the lock);
 * for a spinlock, the checker keeps the CPU. */
static const void *owner_of(const struct lockdep_map *m, enum lock_kind kind)
{
	return kind == LOCK_MUTEX ? container_of(m, const struct mutex, dep)->owner : m->owner;
}

static const char *kind_name(enum lock_kind kind)
{
	return kind == LOCK_SPIN ? "spinlock" : "mutex";
}

/* --- reports --------------------------------------------------------------- */

struct one_lock_report {
	struct lockdep_map *map;
	enum lock_kind kind;
	uintptr_t site;
	const char *what;
};

static void print_held(const struct held_locks *h, const char *whose)
{
	if (!h || h->depth == 0)
		return;
	printk("  %s holds:\n", whose);
	for (int i = 0; i < h->depth; i++) {
		printk("    \"%s\" ", h->locks[i].map->name);
		lockdep_print_site("taken at ", h->locks[i].site, "\n");
	}
}

static void print_all_held(void)
{
	print_held(&cpu_held[cpu_index()], "this CPU");
	print_held(held_stack(LOCK_MUTEX), "this task");
}

static void recursion_details(void *arg)
{
	struct one_lock_report *r = arg;
	lockdep_print_context();
	lockdep_print_site("  first taken at ", r->map->site, "\n");
	lockdep_print_site("  taken again at ", r->site, "\n");
}

static void __noreturn report_recursion(struct lockdep_map *m, enum lock_kind kind, uintptr_t site)
{
	struct one_lock_report r = { m, kind, site, NULL };
	lockdep_off();
	panic_report(recursion_details, &r, "lockdep: %s \"%s\" taken again by the %s holding it (deadlock)",
		     kind_name(kind), m->name, kind == LOCK_SPIN ? "CPU" : "task");
}

static void not_held_details(void *arg)
{
	struct one_lock_report *r = arg;
	lockdep_print_context();
	lockdep_print_site(r->what, r->site, "\n");
	const void *owner = owner_of(r->map, r->kind);
	if (!owner) {
		printk("  it is not held by anyone\n");
	} else if (r->kind == LOCK_SPIN) {
		printk("  it is held by cpu %d, ", (int)((const struct cpu *)owner - cpus));
		lockdep_print_site("taken at ", r->map->site, "\n");
	} else {
		const struct task *t = owner;
		printk("  it is held by task %s (tid %d), ", t->name, t->tid);
		lockdep_print_site("taken at ", r->map->site, "\n");
	}
	print_all_held();
}

static void __noreturn report_not_held(struct lockdep_map *m, enum lock_kind kind, uintptr_t site,
				       const char *what, const char *verb)
{
	struct one_lock_report r = { m, kind, site, what };
	lockdep_off();
	panic_report(not_held_details, &r, "lockdep: %s %s \"%s\", which this %s does not hold",
		     verb, kind_name(kind), m->name, kind == LOCK_SPIN ? "CPU" : "task");
}

static void sleep_details(void *arg)
{
	struct one_lock_report *r = arg;
	lockdep_print_context();
	lockdep_print_site("  called at ", r->site, "\n");
	print_all_held();
}

static void __noreturn report_sleep(const char *what, uintptr_t site, const char *why)
{
	struct one_lock_report r = { NULL, LOCK_SPIN, site, what };
	lockdep_off();
	panic_report(sleep_details, &r, "lockdep: %s may sleep, but %s", what, why);
}

/* --- the checks ------------------------------------------------------------ */

static void check_may_sleep(const char *what, uintptr_t site)
{
	if (cpu_held[cpu_index()].depth > 0)
		report_sleep(what, site, "a spinlock is held");
	if (in_irq())
		report_sleep(what, site, "it runs in an interrupt handler");
	if (!(read_rflags() & RFLAGS_IF))
		report_sleep(what, site, "interrupts are off");
}

static void check_order_against(const struct held_locks *h, struct lockdep_map *m,
				unsigned cls, uintptr_t site)
{
	for (int i = 0; h && i < h->depth; i++)
		lockdep_check_order(&h->locks[i], m, cls, site);
}

void lockdep_before(struct lockdep_map *m, enum lock_kind kind, uintptr_t site)
{
	if (!lockdep_active)
		return;
	if (kind == LOCK_MUTEX)
		check_may_sleep("mutex_lock", site);
	const void *owner = me(kind);
	if (owner && owner_of(m, kind) == owner)
		report_recursion(m, kind, site);
	unsigned cls = lockdep_class_of(m, site);
	check_order_against(&cpu_held[cpu_index()], m, cls, site);
	check_order_against(held_stack(LOCK_MUTEX), m, cls, site);
}

void lockdep_acquired(struct lockdep_map *m, enum lock_kind kind, uintptr_t site)
{
	if (!lockdep_active)
		return;
	struct held_locks *h = held_stack(kind);
	if (!h)
		return;
	if (h->depth == LOCKDEP_MAX_HELD) {
		struct one_lock_report r = { m, kind, site, NULL };
		lockdep_off();
		panic_report(sleep_details, &r, "lockdep: more than %d locks held at once: raise LOCKDEP_MAX_HELD",
			     LOCKDEP_MAX_HELD);
	}
	if (!m->class_id)
		lockdep_class_of(m, site);      /* a first acquisition by trylock */
	h->locks[h->depth++] = (struct held_lock){ m, site };
	if (kind == LOCK_SPIN)
		m->owner = me(kind);
	m->site = site;
}

void lockdep_release(struct lockdep_map *m, enum lock_kind kind, uintptr_t site)
{
	if (!lockdep_active)
		return;
	struct held_locks *h = held_stack(kind);
	if (!h)
		return;
	if (owner_of(m, kind) != me(kind))
		report_not_held(m, kind, site, "  released at ", "releasing");
	/* Usually the last one taken, but any order of release is fine. */
	int i = h->depth - 1;
	while (i >= 0 && h->locks[i].map != m)
		i--;
	if (i < 0)
		report_not_held(m, kind, site, "  released at ", "releasing");
	for (; i < h->depth - 1; i++)
		h->locks[i] = h->locks[i + 1];
	h->depth--;
	if (kind == LOCK_SPIN)
		m->owner = NULL;
}

void lockdep_assert_held(struct lockdep_map *m, enum lock_kind kind, uintptr_t site)
{
	if (lockdep_active && owner_of(m, kind) != me(kind))
		report_not_held(m, kind, site, "  asserted at ", "assertion failed: code that needs");
}

void lockdep_might_sleep(const char *what, uintptr_t site)
{
	if (lockdep_active)
		check_may_sleep(what, site);
}

void lockdep_schedule(bool exiting, uintptr_t site)
{
	if (!lockdep_active)
		return;
	if (cpu_held[cpu_index()].depth > 0)
		report_sleep("schedule()", site, "a spinlock is held");
	struct held_locks *h = held_stack(LOCK_MUTEX);
	if (exiting && h && h->depth > 0)
		report_sleep("schedule()", site, "the task is ending with a mutex held");
}

void lockdep_irq_enter(void)
{
	irq_depth[cpu_index()]++;
}

void lockdep_irq_exit(void)
{
	irq_depth[cpu_index()]--;
}

#endif
