/* futex_threads: threads of one process (musl's pthreads) meeting on
 * private futex words, as thread libraries do:
 *   - a ring of 8 threads passing a token 4000 times, each sleeping on a
 *     word of its own;
 *   - the same ring on one shared word, each thread waiting for its own
 *     bit (WAIT_BITSET) and woken by WAKE_BITSET with the next one's;
 *   - 8 threads x 3000 lock+unlock of a futex mutex: the count exact;
 *   - a condition variable's broadcast: 7 sleepers on a word, one woken
 *     and the rest requeued onto a mutex word (CMP_REQUEUE), then handed
 *     the mutex one by one.
 * A lost wake-up hangs a ring: the alarm ends the test instead. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <kt_futex.h>

#define PRIV FUTEX_PRIVATE_FLAG
#define THREADS 8
#define PASSES 4000

static volatile uint32_t slot[THREADS];         /* ring 1: 1 = your turn */
static volatile uint32_t token;                 /* ring 2: whose turn */
static volatile int passes;

static void *ring_own_words(void *arg)
{
	int me = (int)(long)arg, next = (me + 1) % THREADS;
	for (;;) {
		while (__atomic_load_n(&slot[me], __ATOMIC_ACQUIRE) == 0)
			kt_futex(&slot[me], FUTEX_WAIT | PRIV, 0, NULL, NULL, 0);
		slot[me] = 0;
		int done = __atomic_add_fetch(&passes, 1, __ATOMIC_SEQ_CST) >= PASSES;
		__atomic_store_n(&slot[next], 1, __ATOMIC_RELEASE);
		kt_futex(&slot[next], FUTEX_WAKE | PRIV, 1, NULL, NULL, 0);
		if (done)
			return NULL;
	}
}

static void *ring_one_word(void *arg)
{
	int me = (int)(long)arg, next = (me + 1) % THREADS;
	for (;;) {
		uint32_t t;
		while ((t = __atomic_load_n(&token, __ATOMIC_ACQUIRE)) != (uint32_t)me) {
			if (t == THREADS)
				return NULL;    /* finished */
			kt_futex(&token, FUTEX_WAIT_BITSET | PRIV, t, NULL, NULL, 1u << me);
		}
		if (__atomic_add_fetch(&passes, 1, __ATOMIC_SEQ_CST) >= PASSES) {
			__atomic_store_n(&token, THREADS, __ATOMIC_RELEASE);
			kt_futex(&token, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0);
			return NULL;
		}
		__atomic_store_n(&token, next, __ATOMIC_RELEASE);
		kt_futex(&token, FUTEX_WAKE_BITSET | PRIV, 1, NULL, NULL, 1u << next);
	}
}

static void ring(const char *what, void *(*fn)(void *))
{
	pthread_t t[THREADS];
	passes = 0;
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, fn, (void *)i);
	if (fn == ring_own_words) {
		slot[0] = 1;
		kt_futex(&slot[0], FUTEX_WAKE | PRIV, 1, NULL, NULL, 0);
	} else {
		__atomic_store_n(&token, 0, __ATOMIC_RELEASE);
		kt_futex(&token, FUTEX_WAKE_BITSET | PRIV, 1, NULL, NULL, 1);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("%s: %d threads passed the token %d times: %s\n", what, THREADS, PASSES, passes >= PASSES ? "ok" : "BAD");
}

/* --- a futex mutex ------------------------------------------------------- */

static volatile uint32_t mutex;
static volatile long counter;

static void lock(volatile uint32_t *m)
{
	uint32_t c = __sync_val_compare_and_swap(m, 0, 1);
	if (c == 0)
		return;
	if (c != 2)
		c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		kt_futex(m, FUTEX_WAIT | PRIV, 2, NULL, NULL, 0);
		c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
	}
}

static void unlock(volatile uint32_t *m)
{
	if (__atomic_fetch_sub(m, 1, __ATOMIC_RELEASE) != 1) {
		*m = 0;
		kt_futex(m, FUTEX_WAKE | PRIV, 1, NULL, NULL, 0);
	}
}

static void *count_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3000; i++) {
		lock(&mutex);
		long c = counter;
		if (i % 100 == 0)
			sched_yield();
		counter = c + 1;
		unlock(&mutex);
	}
	return NULL;
}

/* --- broadcast by requeue ------------------------------------------------ */

static volatile uint32_t cond;
static volatile int got_mutex;

static void *cond_waiter(void *arg)
{
	(void)arg;
	kt_futex(&cond, FUTEX_WAIT | PRIV, 0, NULL, NULL, 0);
	/* Woken, or requeued onto the mutex and woken by its unlock: take
	 * it as contended (2), as glibc's condition variables do, so that
	 * our unlock wakes the next one still sleeping on the mutex. */
	while (__atomic_exchange_n(&mutex, 2, __ATOMIC_ACQUIRE) != 0)
		kt_futex(&mutex, FUTEX_WAIT | PRIV, 2, NULL, NULL, 0);
	got_mutex++;
	unlock(&mutex);
	return NULL;
}

static void broadcast(void)
{
	enum { SLEEPERS = 7 };
	pthread_t t[SLEEPERS];
	cond = 0;
	mutex = 0;
	for (int i = 0; i < SLEEPERS; i++)
		pthread_create(&t[i], NULL, cond_waiter, NULL);
	kt_futex_need_sleepers("condition sleepers", &cond, PRIV, SLEEPERS);
	lock(&mutex);
	mutex = 2;      /* the requeued will find it contended */
	cond = 1;
	kt_fres("CMP_REQUEUE the condition onto the mutex: woken + moved",
		kt_futex(&cond, FUTEX_CMP_REQUEUE | PRIV, 1, KT_VAL2(INT_MAX), &mutex, 1));
	printf("  sleepers left on the condition: %ld\n", kt_futex_sleepers(&cond, PRIV));
	unlock(&mutex);
	for (int i = 0; i < SLEEPERS; i++)
		pthread_join(t[i], NULL);
	printf("  every waiter got the mutex in turn: %s\n", got_mutex == SLEEPERS ? "ok" : "BAD");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(120);
	ring("a ring of words", ring_own_words);
	ring("a ring on one word with bitsets", ring_one_word);
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, count_up, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("futex mutex, %d threads x 3000: count exact: %s\n", THREADS, counter == THREADS * 3000 ? "ok" : "BAD");
	broadcast();
	return 0;
}
