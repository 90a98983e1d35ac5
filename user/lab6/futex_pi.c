/* futex_pi: priority-inheritance futexes, the protocol under
 * PTHREAD_PRIO_INHERIT mutexes. The word holds the owner's tid (printed
 * as "my tid", "its tid", never the number). LOCK_PI takes a free word
 * (keeping FUTEX_OWNER_DIED), refuses our own (EDEADLK) and a dead
 * owner's (ESRCH), times out on CLOCK_REALTIME; TRYLOCK_PI leaves
 * FUTEX_WAITERS set when it fails; UNLOCK_PI refuses a word we do not
 * own (EPERM) and hands the lock to the sleeper with its tid already
 * in the word. An owner that dies hands its PI locks over too, with
 * FUTEX_OWNER_DIED if they were on its robust list. Then musl's
 * PTHREAD_PRIO_INHERIT mutex shared by four threads. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <kt_futex.h>

struct rlist {
	struct rlist *next;
};
struct rhead {
	struct rlist list;
	long futex_offset;
	struct rlist *list_op_pending;
};
struct shared {
	struct rhead head;
	struct rlist link;
	uint32_t word;          /* the lock, at link + 8 */
	uint32_t go;
	uint32_t child_tid;
};
static volatile struct shared *S;
static uint32_t me;

static void show(const char *what, uint32_t w, uint32_t other)
{
	uint32_t tid = w & FUTEX_TID_MASK;
	printf("  %s: %s%s%s\n", what, w & FUTEX_OWNER_DIED ? "OWNER_DIED " : "", w & FUTEX_WAITERS ? "WAITERS " : "",
	       !tid ? "no tid" : tid == me ? "my tid" : tid == other ? "its tid" : "another tid");
}

static void alone(void)
{
	uint32_t w = 0;
	struct timespec past = { 1, 0 };
	printf("one process:\n");
	kt_fres("  LOCK_PI, free", kt_futex(&w, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	show("word", w, 0);
	kt_fres("  LOCK_PI, ours", kt_futex(&w, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	kt_fres("  TRYLOCK_PI, ours", kt_futex(&w, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0));
	kt_fres("  UNLOCK_PI", kt_futex(&w, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	show("word", w, 0);
	kt_fres("  UNLOCK_PI, free", kt_futex(&w, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	kt_fres("  TRYLOCK_PI_PRIVATE, free", kt_futex(&w, FUTEX_TRYLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0));
	kt_fres("  UNLOCK_PI_PRIVATE", kt_futex(&w, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0));
	w = FUTEX_OWNER_DIED;
	kt_fres("  LOCK_PI, free with OWNER_DIED", kt_futex(&w, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	show("word", w, 0);
	kt_fres("  UNLOCK_PI", kt_futex(&w, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	show("word", w, 0);
	w = 0x3ffffff0;         /* a tid nobody has */
	kt_fres("  LOCK_PI, owner does not exist", kt_futex(&w, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	kt_fres("  UNLOCK_PI, not ours", kt_futex(&w, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	kt_fres("  LOCK_PI, unaligned", kt_futex((uint32_t *)((char *)&w + 1), FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	kt_fres("  LOCK_PI, NULL", kt_futex(NULL, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	kt_fres("  UNLOCK_PI, NULL", kt_futex(NULL, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	w = 0;
	kt_fres("  LOCK_PI, deadline in the past, free", kt_futex(&w, FUTEX_LOCK_PI, 0, &past, NULL, 0));
	kt_fres("  UNLOCK_PI", kt_futex(&w, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	struct timespec bad = { 0, 2000000000 };
	kt_fres("  LOCK_PI, bad timeout", kt_futex(&w, FUTEX_LOCK_PI, 0, &bad, NULL, 0));
	kt_fres("  LOCK_PI|CLOCK_REALTIME", kt_futex(&w, FUTEX_LOCK_PI | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 0));
	w = 0;
	kt_fres("  LOCK_PI2 (monotonic deadline), free", kt_futex(&w, 13, 0, &past, NULL, 0));
	kt_fres("  LOCK_PI2|CLOCK_REALTIME, ours", kt_futex(&w, 13 | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 0));
	kt_fres("  UNLOCK_PI", kt_futex(&w, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
}

/* A child that takes the lock (on its robust list if robust), says so,
 * and then waits for go: 1 unlock it, 2 die holding it. */
static pid_t holder(int robust)
{
	S->go = 0;
	S->word = 0;
	pid_t pid = kt_fork();
	if (pid == 0) {
		uint32_t tid = syscall(SYS_gettid);
		S->child_tid = tid;
		if (robust) {
			S->head.list.next = (struct rlist *)((uintptr_t)&S->link | 1);     /* a PI lock */
			S->link.next = (struct rlist *)&S->head.list;
			S->head.futex_offset = offsetof(struct shared, word) - offsetof(struct shared, link);
			S->head.list_op_pending = NULL;
			syscall(SYS_set_robust_list, &S->head, sizeof S->head);
		}
		kt_futex(&S->word, FUTEX_LOCK_PI, 0, NULL, NULL, 0);
		__atomic_store_n(&S->go, 3, __ATOMIC_RELEASE);
		while (__atomic_load_n(&S->go, __ATOMIC_ACQUIRE) == 3)
			kt_sleep_ms(1);
		if (S->go == 1)
			kt_futex(&S->word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0);
		_exit(0);
	}
	while (__atomic_load_n(&S->go, __ATOMIC_ACQUIRE) != 3)
		kt_sleep_ms(1);
	return pid;
}

/* A child that sleeps in LOCK_PI until the holder goes (go = how). */
static void contended(const char *what, int robust, int how)
{
	pid_t pid = holder(robust);
	uint32_t child = S->child_tid;
	printf("%s:\n", what);
	struct timespec past = { 1, 0 };
	kt_fres("  TRYLOCK_PI, held", kt_futex(&S->word, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0));
	show("word", S->word, child);
	kt_fres("  LOCK_PI, held, realtime deadline in the past", kt_futex(&S->word, FUTEX_LOCK_PI, 0, &past, NULL, 0));
	kt_fres("  UNLOCK_PI, held by the other", kt_futex(&S->word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	/* Sleep in LOCK_PI; the holder goes once we are queued, which the
	 * FUTEX_WAITERS bit tells (set under the bucket lock we queue under):
	 * clear it first. */
	__atomic_and_fetch(&S->word, ~FUTEX_WAITERS, __ATOMIC_SEQ_CST);
	pid_t releaser = kt_fork();
	if (releaser == 0) {
		while (!(__atomic_load_n(&S->word, __ATOMIC_ACQUIRE) & FUTEX_WAITERS))
			kt_sleep_ms(1);
		__atomic_store_n(&S->go, how, __ATOMIC_RELEASE);
		_exit(0);
	}
	kt_fres("  LOCK_PI, sleeps until the holder goes", kt_futex(&S->word, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	show("word", S->word, child);
	kt_fres("  UNLOCK_PI", kt_futex(&S->word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	show("word", S->word, child);
	waitpid(releaser, NULL, 0);
	waitpid(pid, NULL, 0);
}

/* musl's PTHREAD_PRIO_INHERIT mutex, four threads. */
static pthread_mutex_t pi_mutex;
static long counter;

static void *count_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&pi_mutex);
		long c = counter;
		if (i % 50 == 0)
			sched_yield();
		counter = c + 1;
		pthread_mutex_unlock(&pi_mutex);
	}
	return NULL;
}

static void musl_mutex(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	kt_fres("pthread_mutexattr_setprotocol(PTHREAD_PRIO_INHERIT)",
		pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT));
	kt_fres("pthread_mutex_init", pthread_mutex_init(&pi_mutex, &a));
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, count_up, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("PI mutex, 4 threads x 2000: count exact: %s\n", counter == 8000 ? "ok" : "BAD");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(60);
	me = syscall(SYS_gettid);
	S = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset((void *)S, 0, 4096);
	alone();
	contended("held by another process, unlocked", 0, 1);
	contended("held by another process that dies", 0, 2);
	contended("held by another process that dies, on its robust list", 1, 2);
	musl_mutex();
	return 0;
}
