/* Lab 3's kernel self-tests: what user programs cannot see directly.
 * The grader's side is labs/lab3/lab.py. */
#include <kernel/types.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/format.h>
#include <kernel/panic.h>
#include <proc/sched.h>
#include <proc/task.h>
#include <kernel/wait.h>
#include <time/clock.h>
#include <x86/cpu.h>
#include <x86/percpu.h>
#include <x86/smp.h>

/* --- smp: kernel threads on every CPU ------------------------------------------ */

#define SMP_THREADS 32

static volatile uint32_t cpus_seen, online_mask;

/* Each thread notes its CPU and keeps it busy until every online CPU has
 * taken a worker (or 2 s have passed), so the threads still queued must
 * go to the CPUs that are idle; the test ends when all are done. (Not a
 * fixed 20 ms: a host too busy to run one virtual CPU for that long let
 * the others take every worker.) */
static int smp_worker(void *arg)
{
	(void)arg;
	__atomic_fetch_or(&cpus_seen, 1u << this_cpu()->id, __ATOMIC_RELAXED);
	uint64_t end = clock_now_ns() + 2000ull * 1000 * 1000;
	while ((cpus_seen & online_mask) != online_mask && clock_now_ns() < end)
		cpu_relax();
	__atomic_fetch_or(&cpus_seen, 1u << this_cpu()->id, __ATOMIC_RELAXED);
	return 0;
}

static void ktest_smp(void)
{
	for (int c = 0; c < ncpus && c < 32; c++)
		if (cpus[c].online)
			online_mask |= 1u << c;
	struct task *t[SMP_THREADS];
	for (int i = 0; i < SMP_THREADS; i++)
		if (!(t[i] = kthread_create("smp-worker", smp_worker, NULL)))
			panic("smp: no memory for thread %d", i);
	for (int i = 0; i < SMP_THREADS; i++)
		kthread_join(t[i]);
	char list[64];
	int n = 0;
	for (int c = 0; c < MAX_CPUS; c++)
		if (cpus_seen & (1u << c))
			n += ksnprintf(list + n, sizeof(list) - n, "%s%d", n ? " " : "", c);
	list[n] = 0;
	printk("smp-test: %d threads ran on CPUs [%s], token=%s\n", SMP_THREADS, list, ktest_token());
}
KTEST("smp", ktest_smp);

/* --- kthreads: switches, wait queues, deadlines, join ---------------------------- */

static struct wait_queue ping_wq, pong_wq;
static volatile int turn;               /* 0: ping's turn, 1: pong's */
static int rounds;

static int pinger(void *arg)
{
	int me = (int)(uint64_t)arg, woken = 0;
	struct wait_queue *mine = me ? &pong_wq : &ping_wq, *other = me ? &ping_wq : &pong_wq;
	for (int i = 0; i < rounds; i++) {
		wait_event(mine, turn == me, WAIT_FOREVER);
		woken++;
		turn = !me;
		wake_up_all(other);
	}
	return woken;
}

static struct wait_queue crowd;
static volatile int crowd_open;
static volatile int crowd_woken;

static int crowd_member(void *arg)
{
	(void)arg;
	struct waiter w = { .exclusive = true };
	for (;;) {
		wait_prepare(&crowd, &w);
		if (crowd_open)
			break;
		schedule();
	}
	wait_finish(&crowd, &w);
	__atomic_add_fetch(&crowd_woken, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int square_plus(void *arg)
{
	uint64_t v = (uint64_t)arg;
	return (int)((v & 0xff) * 3 + (v >> 8));
}

static void wait_for_sleepers(struct wait_queue *wq, int n)
{
	for (;;) {
		int count = 0;
		uint64_t flags = spin_lock_irqsave(&wq->lock);
		for (struct list_head *p = wq->waiters.next; p != &wq->waiters; p = p->next)
			count++;
		spin_unlock_irqrestore(&wq->lock, flags);
		if (count >= n)
			return;
		sleep_until(clock_now_ns() + 1000000);
	}
}

static void ktest_kthreads(void)
{
	uint64_t token = ktest_token_value();
	rounds = 100 + token % 200;
	wait_queue_init(&ping_wq);
	wait_queue_init(&pong_wq);
	struct task *a = kthread_create("ping", pinger, (void *)0);
	struct task *b = kthread_create("pong", pinger, (void *)1);
	int wa = kthread_join(a), wb = kthread_join(b);
	printk("kthreads: ping-pong: %d rounds, %d wake-ups each way, token=%s\n",
	       rounds, wa == wb ? wa : -1, ktest_token());

	/* Three exclusive sleepers: wake_up_one wakes exactly one. */
	wait_queue_init(&crowd);
	struct task *c[3];
	for (int i = 0; i < 3; i++)
		c[i] = kthread_create("crowd", crowd_member, NULL);
	wait_for_sleepers(&crowd, 3);
	crowd_open = 1;
	wake_up_one(&crowd);
	sleep_until(clock_now_ns() + 20 * 1000 * 1000);
	int after_one = crowd_woken;
	wake_up_all(&crowd);
	for (int i = 0; i < 3; i++)
		kthread_join(c[i]);
	printk("kthreads: wake_up_one woke %d of 3 sleepers; wake_up_all woke the other %d\n",
	       after_one, crowd_woken - after_one);

	/* A deadline with nobody to wake us. */
	struct wait_queue never;
	wait_queue_init(&never);
	uint64_t start = clock_now_ns();
	long r = wait_event(&never, false, start + 30 * 1000 * 1000);
	printk("kthreads: a 30 ms deadline passed after %lu ms with %s\n",
	       (clock_now_ns() - start) / 1000000, r == -ETIMEDOUT ? "-ETIMEDOUT" : "something else");

	struct task *t[8];
	int sum = 0;
	for (int i = 0; i < 8; i++)
		t[i] = kthread_create("join", square_plus, (void *)(uint64_t)(i | (token % 1000) << 8));
	for (int i = 0; i < 8; i++)
		sum += kthread_join(t[i]);
	printk("kthreads: joined 8 threads, results sum to %d\n", sum);
}
KTEST("kthreads", ktest_kthreads);
