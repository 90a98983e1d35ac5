/* Lab 3's kernel self-tests of lock checking (kernel/lockdep.h): each
 * makes one locking mistake on purpose, on a single CPU where nothing can
 * actually deadlock yet, and the checker must panic naming the call sites
 * involved. The grader's side is labs/lab3/lab.py. */
#include <kernel/types.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/mutex.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <time/clock.h>

/* Locks of both kinds, each of its own class, taken and released through
 * one interface so every test can run with either kind (the token picks). */
static struct spinlock spin[3] = {
	SPINLOCK_INIT("spin_a"), SPINLOCK_INIT("spin_b"), SPINLOCK_INIT("spin_c"),
};
static struct mutex mutex_a, mutex_b, mutex_c;
static struct mutex *mutexes[3] = { &mutex_a, &mutex_b, &mutex_c };
static const char *const mutex_names[3] = { "&mutex_a", "&mutex_b", "&mutex_c" };   /* their classes' */
static bool use_mutexes;
static uint64_t spin_flags[3];

static void init_mutexes(void)
{
	mutex_init(&mutex_a);
	mutex_init(&mutex_b);
	mutex_init(&mutex_c);
}

/* Inlined, so a lock's call site is the test function that calls take(). */
static inline __attribute__((always_inline)) void take(int i)
{
	if (use_mutexes)
		mutex_lock(mutexes[i]);
	else
		spin_flags[i] = spin_lock_irqsave(&spin[i]);
}

static inline __attribute__((always_inline)) void drop(int i)
{
	if (use_mutexes)
		mutex_unlock(mutexes[i]);
	else
		spin_unlock_irqrestore(&spin[i], spin_flags[i]);
}

static const char *lock_name(int i)
{
	return use_mutexes ? mutex_names[i] : spin[i].name;
}

static void setup(const char *test)
{
	init_mutexes();
	use_mutexes = ktest_token_value() & 1;
	printk("%s: using %s, token=%s\n", test, use_mutexes ? "mutexes" : "spinlocks", ktest_token());
}

/* --- lockdep-abba: two (or three) classes taken in a cycle of orders --------- */

/* Each takes lock `first`, then `second`, then lets both go; a function
 * of its own (noipa: never merged with a twin), so the report names it. */
#define NEST(first, second) do { take(first); take(second); drop(second); drop(first); } while (0)
#define TEST_FN __attribute__((noipa))

static void TEST_FN lockdep_order_ab(void) { NEST(0, 1); }
static void TEST_FN lockdep_order_bc(void) { NEST(1, 2); }
static void TEST_FN lockdep_order_ba(void) { NEST(1, 0); }
static void TEST_FN lockdep_order_ca(void) { NEST(2, 0); }

static void ktest_lockdep_abba(void)
{
	setup("lockdep-abba");
	bool three = ktest_token_value() & 2;
	lockdep_order_ab();
	printk("lockdep-abba: took %s then %s\n", lock_name(0), lock_name(1));
	if (three) {
		lockdep_order_bc();
		printk("lockdep-abba: took %s then %s\n", lock_name(1), lock_name(2));
		printk("lockdep-abba: taking %s then %s\n", lock_name(2), lock_name(0));
		lockdep_order_ca();
	} else {
		printk("lockdep-abba: taking %s then %s\n", lock_name(1), lock_name(0));
		lockdep_order_ba();
	}
	printk("lockdep-abba: survived the inversion\n");
}
KTEST("lockdep-abba", ktest_lockdep_abba);

/* --- lockdep-recursion: a lock taken again by its holder ----------------------- */

static void TEST_FN lockdep_take_first(void) { take(0); }
static void TEST_FN lockdep_take_again(void) { take(0); }

static void ktest_lockdep_recursion(void)
{
	setup("lockdep-recursion");
	lockdep_take_first();
	printk("lockdep-recursion: holding %s, taking it again\n", lock_name(0));
	lockdep_take_again();
	printk("lockdep-recursion: survived the recursion\n");
}
KTEST("lockdep-recursion", ktest_lockdep_recursion);

/* --- lockdep-sleep: sleeping with a spinlock held ------------------------------ */

static void TEST_FN lockdep_sleep_locked(void)
{
	uint64_t flags = spin_lock_irqsave(&spin[0]);
	if (ktest_token_value() & 1)
		mutex_lock(&mutex_a);
	else
		sleep_until(clock_now_ns() + 100 * 1000 * 1000);
	spin_unlock_irqrestore(&spin[0], flags);
}

static void ktest_lockdep_sleep(void)
{
	init_mutexes();
	printk("lockdep-sleep: holding %s, %s, token=%s\n", spin[0].name,
	       ktest_token_value() & 1 ? "taking a mutex" : "sleeping 100 ms", ktest_token());
	lockdep_sleep_locked();
	printk("lockdep-sleep: survived\n");
}
KTEST("lockdep-sleep", ktest_lockdep_sleep);
