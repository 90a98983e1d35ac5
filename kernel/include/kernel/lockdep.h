/* Lock checking ("lockdep", after Linux's): the locking rules check
 * themselves while the kernel runs.
 *
 *  - Every spinlock knows the CPU holding it, every mutex the task, and
 *    both the call site that took them. Taking a lock you hold, releasing
 *    one you do not hold, sleeping (schedule(), mutex_lock) with a
 *    spinlock held and taking a mutex with interrupts off all panic,
 *    naming both call sites.
 *  - Each lock belongs to a class: the place that initialises it
 *    (spin_lock_init and mutex_init pass a static key per call site, as
 *    Linux's lock_class_key), or, for a static lock (SPINLOCK_INIT), the
 *    lock itself. Every CPU keeps the stack of spinlocks it holds and
 *    every task the stack of its mutexes. Taking class B while holding
 *    class A records the order A -> B; the first time an acquisition
 *    would close a cycle (B -> A taken after A -> B, or longer), or nests
 *    two locks of one class, the kernel panics with where each order was
 *    first seen: before the deadlock could ever happen.
 *
 * Compiled in when CONFIG_LOCKDEP is defined (the Makefile's LOCKDEP=1,
 * the default; `make bench` builds without it, and then all of this
 * costs nothing). */
#pragma once
#include <kernel/types.h>

struct spinlock;
struct mutex;

/* A class of locks: one per init site. */
struct lock_class_key {
	const char *file;       /* where the locks of the class are initialised */
	int line;
	bool unordered;         /* nests by role, not by class: order not checked */
	uint16_t id;            /* its number in the class table, 0 until first used */
};

enum lock_kind { LOCK_SPIN, LOCK_MUTEX };
#define LOCKDEP_CALLER ((uintptr_t)__builtin_return_address(0))

#ifdef CONFIG_LOCKDEP

/* What each lock carries for the checker. */
struct lockdep_map {
	const char *name;
	struct lock_class_key *key;     /* NULL: a static lock, its own class */
	uint16_t class_id;              /* given at the first acquisition */
	const void *owner;              /* a spinlock's CPU (a mutex knows its owner) */
	uintptr_t site;                 /* where the owner took it */
};

#define LOCKDEP_MAX_HELD 48     /* the buffer cache writes back 16 buffers at once, locked */

struct held_lock {
	struct lockdep_map *map;        /* its class: map->class_id */
	uintptr_t site;
};

/* The locks one CPU (spinlocks) or one task (mutexes) holds, in the
 * order it took them. */
struct held_locks {
	int depth;
	struct held_lock locks[LOCKDEP_MAX_HELD];
};

/* Starts checking (kmain, once %gs points at the boot CPU's data). */
void lockdep_init(void);
/* Stops checking for good (panic: its own printing takes locks). */
void lockdep_off(void);

/* A lock's life: init; before taking it (checks: recursion, order,
 * sleeping); once taken (trylock: no order check, it cannot deadlock);
 * released. site is the caller's return address. */
void lockdep_init_map(struct lockdep_map *m, const char *name, struct lock_class_key *key);
void lockdep_before(struct lockdep_map *m, enum lock_kind kind, uintptr_t site);
void lockdep_acquired(struct lockdep_map *m, enum lock_kind kind, uintptr_t site);
void lockdep_release(struct lockdep_map *m, enum lock_kind kind, uintptr_t site);

/* A documented order: first's class is taken before then's whenever both
 * are held. Recorded as if seen (at the caller), so the opposite order
 * panics even if this one never happens to run. */
void lockdep_declare_order(struct lockdep_map *first, struct lockdep_map *then);

/* Panics unless the current CPU (spinlock) or task (mutex) holds it. */
void lockdep_assert_held(struct lockdep_map *m, enum lock_kind kind, uintptr_t site);
/* Panics if the CPU holds any spinlock, or interrupts are off: for code
 * about to sleep or wait for other CPUs. */
void lockdep_might_sleep(const char *what, uintptr_t site);
/* schedule() is entered (called from site): no spinlock may be held, and
 * a task ending must hold no mutex. */
void lockdep_schedule(bool exiting, uintptr_t site);
/* Hardware interrupt handlers run on the interrupted task's stack but
 * not as that task: its mutexes are not held by the handler. */
void lockdep_irq_enter(void);
void lockdep_irq_exit(void);

#define LOCKDEP_MAP_INIT(n) , .dep = { .name = (n) }
#define might_sleep(what) lockdep_might_sleep((what), (uintptr_t)__builtin_return_address(0))
/* first and then: two locks (spinlocks or mutexes) of the two classes. */
#define declare_lock_order(first, then) lockdep_declare_order(&(first)->dep, &(then)->dep)

#else   /* !CONFIG_LOCKDEP: nothing at all */

/* The locks carry nothing and the hooks do nothing: the compiler drops
 * them, so the lock code needs no #ifdef of its own. */
struct lockdep_map {};
#define LOCKDEP_MAP_INIT(n)
static inline void lockdep_init_map(struct lockdep_map *m, const char *name, struct lock_class_key *key)
{
	(void)m, (void)name, (void)key;
}
static inline void lockdep_before(struct lockdep_map *m, enum lock_kind kind, uintptr_t site)
{
	(void)m, (void)kind, (void)site;
}
static inline void lockdep_acquired(struct lockdep_map *m, enum lock_kind kind, uintptr_t site)
{
	(void)m, (void)kind, (void)site;
}
static inline void lockdep_release(struct lockdep_map *m, enum lock_kind kind, uintptr_t site)
{
	(void)m, (void)kind, (void)site;
}
static inline void lockdep_assert_held(struct lockdep_map *m, enum lock_kind kind, uintptr_t site)
{
	(void)m, (void)kind, (void)site;
}
static inline void lockdep_init(void) {}
static inline void lockdep_off(void) {}
static inline void lockdep_schedule(bool exiting, uintptr_t site) { (void)exiting, (void)site; }
static inline void lockdep_irq_enter(void) {}
static inline void lockdep_irq_exit(void) {}
#define might_sleep(what) ((void)(what))
#define declare_lock_order(first, then) ((void)(first), (void)(then))

#endif

/* Asserts that the caller holds lock (a struct spinlock * or a struct
 * mutex *): where a comment used to say "(mm->lock held)". */
void spin_assert_held(struct spinlock *lk);
void mutex_assert_held(struct mutex *m);
#ifdef CONFIG_LOCKDEP
#define assert_held(lock) _Generic((lock),                      \
	struct spinlock *: spin_assert_held,                    \
	struct mutex *: mutex_assert_held)(lock)
#else
#define assert_held(lock) ((void)(lock))
#endif
