/* Lock checking, part 2 (kernel/lockdep.h): lock classes and the order
 * they are taken in. A fixed table of classes and, for each class A, the
 * set of classes taken while A was held (a bitmap row). The first time an
 * order A -> B is seen its call sites and stack are kept; if B already
 * reaches A (B -> A, or B -> C -> A...), taking B now would close a cycle
 * that some interleaving turns into a deadlock: panic, with the earlier
 * orders and where they were seen. Everything is bounded: no allocation,
 * and a known order costs one bit test per lock held. */
#ifdef CONFIG_LOCKDEP     /* else nothing: see the Makefile's LOCKDEP */
#include <kernel/types.h>
#include <kernel/lockdep.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/ksyms.h>
#include <proc/task.h>
#include <x86/cpu.h>
#include <x86/memlayout.h>
#include <x86/paging.h>
#include <x86/percpu.h>
#include <x86/tlb.h>
#include "lockdep_internal.h"

#define MAX_CLASSES 128         /* class 0 is "none yet" */
#define MAX_ORDERS 512          /* orders whose first sighting is kept */
#define ORDER_FRAMES 8
#define ROW_WORDS (MAX_CLASSES / 64)

struct lock_class {
	const char *name;
	const char *file;           /* NULL for a static lock */
	int line;
	bool unordered;
};

/* The first time class `to` was taken with `from` held. */
struct order {
	uint16_t from, to;
	uintptr_t from_site, to_site;
	uintptr_t stack[ORDER_FRAMES];  /* from to_site's caller up */
	const char *task;
	int cpu;
	bool declared;                  /* stated by lockdep_declare_order */
};

static struct lock_class classes[MAX_CLASSES];
static unsigned nclasses = 1;
static uint64_t after[MAX_CLASSES][ROW_WORDS];  /* bit b of row a: a then b seen */
static struct order orders[MAX_ORDERS];
static unsigned norders;

/* The graph's own lock: a bare spinlock, since lockdep cannot check
 * itself. Interrupts are off while it is held. */
static volatile uint32_t graph_locked;

static uint64_t graph_lock(void)
{
	uint64_t flags = irq_save();
	while (__atomic_exchange_n(&graph_locked, 1, __ATOMIC_ACQUIRE))
		while (graph_locked) {
			if (smp_requests_live)      /* as spin_lock_irqsave: x86/tlb.h */
				smp_answer_requests();
			cpu_relax();
		}
	return flags;
}

static void graph_unlock(uint64_t flags)
{
	__atomic_store_n(&graph_locked, 0, __ATOMIC_RELEASE);
	irq_restore(flags);
}

static bool order_known(unsigned a, unsigned b)
{
	return __atomic_load_n(&after[a][b / 64], __ATOMIC_RELAXED) & (1ull << (b % 64));
}

/* --- printing -------------------------------------------------------------- */

void lockdep_print_site(const char *prefix, uintptr_t site, const char *suffix)
{
	/* site is a return address: look up the byte before it, so a call
	 * that ends its function is still named after that function. */
	uint64_t off = 0;
	const char *name = site ? ksyms_lookup(site - 1, &off) : NULL;
	if (name)
		printk("%s%s+0x%lx%s", prefix, name, off + 1, suffix);
	else
		printk("%s%#lx%s", prefix, (unsigned long)site, suffix);
}

void lockdep_print_class(unsigned cls)
{
	const struct lock_class *c = &classes[cls];
	if (c->file)
		printk("\"%s\" (initialised at %s:%d)", c->name, c->file, c->line);
	else
		printk("\"%s\" (a static lock)", c->name);
}

void lockdep_print_context(void)
{
	struct task *t = current;
	printk("  on cpu %d, task %s (tid %d)\n", (int)(this_cpu() - cpus),
	       t ? t->name : "(none)", t ? t->tid : 0);
}

/* --- classes --------------------------------------------------------------- */

extern char __data_start[], _end[];

static bool static_object(const void *p)
{
	return (const char *)p >= __data_start && (const char *)p < _end;
}

static void __noreturn report_no_class(struct lockdep_map *m, uintptr_t site)
{
	lockdep_off();
	lockdep_print_site("lockdep: taken at ", site, "\n");
	panic("lockdep: lock %p (\"%s\") was never initialised: a lock outside static memory "
	      "needs spin_lock_init or mutex_init", (void *)m, m->name ? m->name : "?");
}

unsigned lockdep_class_of(struct lockdep_map *m, uintptr_t site)
{
	if (m->class_id)
		return m->class_id;
	if (!m->key && !static_object(m))
		report_no_class(m, site);
	/* A class's number lives in its key; a static lock is its own key. */
	uint16_t *id = m->key ? &m->key->id : &m->class_id;
	uint64_t flags = graph_lock();
	if (!*id) {
		if (nclasses == MAX_CLASSES) {
			lockdep_off();
			panic("lockdep: more than %d lock classes: raise MAX_CLASSES", MAX_CLASSES - 1);
		}
		classes[nclasses] = (struct lock_class){
			.name = m->name ? m->name : "?",
			.file = m->key ? m->key->file : NULL,
			.line = m->key ? m->key->line : 0,
			.unordered = m->key && m->key->unordered,
		};
		*id = nclasses++;
	}
	unsigned cls = *id;
	graph_unlock(flags);
	m->class_id = cls;
	return cls;
}

/* --- the order graph ------------------------------------------------------- */

struct frame {
	struct frame *next;
	uintptr_t ret;
};

/* The return addresses of the stack, from the frame that returns to
 * `from` (the lock call's site) up. */
static void save_stack(uintptr_t *out, int max, uintptr_t from)
{
	const struct frame *f = __builtin_frame_address(0);
	int n = 0;
	bool found = false;
	for (int depth = 0; depth < 64 && n < max; depth++) {
		if (((uintptr_t)f & 7) || !kernel_readable((uint64_t)f, sizeof(*f)))
			break;
		if (f->ret < KERNEL_VIRT_BASE)
			break;
		if (f->ret == from)
			found = true;
		if (found)
			out[n++] = f->ret;
		if (f->next <= f)
			break;
		f = f->next;
	}
	for (; n < max; n++)
		out[n] = 0;
}

static void record_order(const struct held_lock *held, unsigned to, uintptr_t site, bool declared)
{
	/* Read without the lock by order_known(): set it atomically. */
	__atomic_fetch_or(&after[held->map->class_id][to / 64], 1ull << (to % 64), __ATOMIC_RELAXED);
	if (norders == MAX_ORDERS)
		return;
	struct order *o = &orders[norders++];
	struct task *t = current;
	*o = (struct order){ .from = held->map->class_id, .to = to, .from_site = held->site,
			     .to_site = site, .task = t ? t->name : "(none)",
			     .cpu = (int)(this_cpu() - cpus), .declared = declared };
	save_stack(o->stack, ORDER_FRAMES, site);
}

static const struct order *find_order(unsigned from, unsigned to)
{
	for (unsigned i = 0; i < norders; i++)
		if (orders[i].from == from && orders[i].to == to)
			return &orders[i];
	return NULL;
}

/* A path from class `from` to class `to` in the graph (breadth first, so
 * the shortest): fills path[0] = from ... path[n-1] = to, returns n, or 0
 * if `to` cannot be reached. */
static int find_path(unsigned from, unsigned to, uint16_t path[MAX_CLASSES])
{
	uint16_t parent[MAX_CLASSES] = { 0 };
	uint16_t queue[MAX_CLASSES];
	uint64_t seen[ROW_WORDS] = { 0 };
	int head = 0, tail = 0;
	queue[tail++] = from;
	seen[from / 64] |= 1ull << (from % 64);
	while (head < tail) {
		unsigned a = queue[head++];
		for (unsigned b = 1; b < nclasses; b++) {
			if (!order_known(a, b) || (seen[b / 64] & (1ull << (b % 64))))
				continue;
			seen[b / 64] |= 1ull << (b % 64);
			parent[b] = a;
			if (b == to) {
				int n = 0;
				for (unsigned c = to; c != from; c = parent[c])
					path[n++] = c;
				path[n++] = from;
				for (int i = 0; i < n / 2; i++) {
					uint16_t x = path[i];
					path[i] = path[n - 1 - i];
					path[n - 1 - i] = x;
				}
				return n;
			}
			queue[tail++] = b;
		}
	}
	return 0;
}

/* --- the report ------------------------------------------------------------ */

struct inversion {
	const struct held_lock *held;
	struct lockdep_map *taking;
	unsigned cls;
	uintptr_t site;
	uint16_t path[MAX_CLASSES];     /* taking's class ... held's class */
	int n;
};

static void print_order(const struct order *o)
{
	if (o->declared) {
		lockdep_print_site("    the documented order, declared at ", o->to_site, ", by:\n");
		for (int i = 1; i < ORDER_FRAMES && o->stack[i]; i++)
			lockdep_print_site("      ", o->stack[i], "\n");
		return;
	}
	lockdep_print_site("    first seen: held since ", o->from_site, "");
	lockdep_print_site(", then taken at ", o->to_site, "");
	printk(" (task %s, cpu %d), by:\n", o->task, o->cpu);
	for (int i = 0; i < ORDER_FRAMES && o->stack[i]; i++)
		lockdep_print_site("      ", o->stack[i], "\n");
}

static void inversion_details(void *arg)
{
	struct inversion *r = arg;
	lockdep_print_context();
	printk("  now: holding ");
	lockdep_print_class(r->held->map->class_id);
	lockdep_print_site(", taken at ", r->held->site, "\n");
	printk("       taking  ");
	lockdep_print_class(r->cls);
	lockdep_print_site(" at ", r->site, "\n");
	if (r->n == 0) {
		printk("  two locks of the same class nested: nothing orders them\n");
		return;
	}
	printk("  but the opposite order was seen before:\n");
	for (int i = 0; i + 1 < r->n; i++) {
		printk("  ");
		lockdep_print_class(r->path[i]);
		printk(" then ");
		lockdep_print_class(r->path[i + 1]);
		printk("\n");
		const struct order *o = find_order(r->path[i], r->path[i + 1]);
		if (o)
			print_order(o);
		else
			printk("    (where is not known: more than %d orders recorded)\n", MAX_ORDERS);
	}
}

static void __noreturn report_inversion(struct inversion *r)
{
	lockdep_off();
	const char *held = classes[r->held->map->class_id].name;
	if (r->n == 0)
		panic_report(inversion_details, r, "lockdep: nested locking of one class: taking \"%s\" "
			     "while holding another \"%s\"", r->taking->name, held);
	panic_report(inversion_details, r, "lockdep: lock order inversion: taking \"%s\" while holding "
		     "\"%s\", the opposite of an order seen before", r->taking->name, held);
}

static void check_order(const struct held_lock *held, struct lockdep_map *m,
			unsigned cls, uintptr_t site, bool declared)
{
	unsigned from = held->map->class_id;
	static struct inversion report;         /* too big for the stack; one panic only */
	if (order_known(from, cls) || classes[from].unordered || classes[cls].unordered)
		return;
	if (from == cls) {
		report = (struct inversion){ .held = held, .taking = m, .cls = cls, .site = site };
		report_inversion(&report);
	}
	uint64_t flags = graph_lock();
	if (!order_known(from, cls)) {
		int n = find_path(cls, from, report.path);
		if (n) {
			report.held = held, report.taking = m, report.cls = cls;
			report.site = site, report.n = n;
			report_inversion(&report);
		}
		record_order(held, cls, site, declared);
	}
	graph_unlock(flags);
}

void lockdep_check_order(const struct held_lock *held, struct lockdep_map *m,
			 unsigned cls, uintptr_t site)
{
	check_order(held, m, cls, site, false);
}

void lockdep_declare_order(struct lockdep_map *first, struct lockdep_map *then)
{
	if (!lockdep_active)
		return;
	uintptr_t site = (uintptr_t)__builtin_return_address(0);
	lockdep_class_of(first, site);
	struct held_lock held = { first, site };
	check_order(&held, then, lockdep_class_of(then, site), site, true);
}

#endif
