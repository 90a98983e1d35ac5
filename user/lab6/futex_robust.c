/* futex_robust: robust futex lists walked when their owner dies. A child
 * registers (set_robust_list) a list, in memory shared with its parent,
 * of lock words holding its tid, and exits: each such word must get
 * FUTEX_OWNER_DIED (the tid cleared, FUTEX_WAITERS kept) and, if it had
 * waiters, one of them woken. Words another thread holds are left
 * alone; list_op_pending (a lock being released as the owner died) has
 * a sleeper woken; a list that loops, one longer than ROBUST_LIST_LIMIT
 * (2048: only that many are handled) and one with a bad pointer end the
 * walk without harm; execve walks the list too (the old program's locks
 * die with it). Then musl's process-shared robust mutex: its owner
 * dies holding it, a process sleeping in pthread_mutex_lock gets
 * EOWNERDEAD, makes it consistent, and it works again. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
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
struct lock {
	struct rlist link;
	uint32_t word;
};

#define LOCKS 3000
struct shared {
	struct rhead head;
	uint32_t go;
	struct lock locks[LOCKS];
	pthread_mutex_t mutex;
};
static struct shared *S;

static void hold(struct lock *l, uint32_t tid, uint32_t flags, struct rlist *next)
{
	l->word = tid | flags;
	l->link.next = next;
}

/* Runs build(tid) in a child that registers S->head and exits once the
 * parent says so (after sleepers queued). */
static pid_t owner(void (*build)(uint32_t tid))
{
	S->go = 0;
	pid_t pid = kt_fork();
	if (pid == 0) {
		uint32_t tid = syscall(SYS_gettid);
		S->head.list.next = &S->head.list;
		S->head.futex_offset = offsetof(struct lock, word);
		S->head.list_op_pending = NULL;
		build(tid);
		if (syscall(SYS_set_robust_list, &S->head, sizeof S->head) != 0)
			_exit(2);
		S->go = 1;
		while (S->go != 2)
			kt_futex(&S->go, FUTEX_WAIT, 1, NULL, NULL, 0);
		_exit(0);
	}
	while (__atomic_load_n(&S->go, __ATOMIC_ACQUIRE) != 1)
		kt_sleep_ms(1);
	return pid;
}

static void let_die(pid_t pid)
{
	S->go = 2;
	kt_futex(&S->go, FUTEX_WAKE, 1, NULL, NULL, 0);
	int status;
	waitpid(pid, &status, 0);
}

/* A sleeper on w, which expects the value w has now. */
static pid_t sleeper(volatile uint32_t *w)
{
	pid_t pid = kt_fork();
	if (pid == 0)
		_exit(kt_futex(w, FUTEX_WAIT, *w, NULL, NULL, 0) == 0 ? 0 : 1);
	kt_futex_need_sleepers("sleeper", w, 0, 1);
	return pid;
}

static const char *woken(pid_t pid)
{
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "woken" : "BAD";
}

static void word(const char *what, uint32_t w, uint32_t tid)
{
	printf("  %s: %s%s%s\n", what, w & FUTEX_OWNER_DIED ? "OWNER_DIED " : "",
	       w & FUTEX_WAITERS ? "WAITERS " : "",
	       (w & FUTEX_TID_MASK) == 0 ? "no tid" : (w & FUTEX_TID_MASK) == tid ? "its tid" : "another tid");
}

static void three(uint32_t tid)
{
	/* held with waiters -> held -> held by another thread -> head */
	hold(&S->locks[0], tid, FUTEX_WAITERS, &S->locks[1].link);
	hold(&S->locks[1], tid, 0, &S->locks[2].link);
	hold(&S->locks[2], 12345, 0, &S->head.list);
	S->head.list.next = &S->locks[0].link;
}

static void pending_zero(uint32_t tid)
{
	(void)tid;
	S->locks[0].word = 0;       /* released; the wake had not been made */
	S->head.list_op_pending = &S->locks[0].link;
}

static void looping(uint32_t tid)
{
	hold(&S->locks[0], tid, 0, &S->locks[0].link);
	S->head.list.next = &S->locks[0].link;
}

static void too_long(uint32_t tid)
{
	for (int i = 0; i < LOCKS; i++)
		hold(&S->locks[i], tid, 0, i + 1 < LOCKS ? &S->locks[i + 1].link : &S->head.list);
	S->head.list.next = &S->locks[0].link;
}

static void bad_pointer(uint32_t tid)
{
	hold(&S->locks[0], tid, 0, (struct rlist *)8);
	S->head.list.next = &S->locks[0].link;
	hold(&S->locks[1], tid, 0, &S->head.list);
	S->head.list_op_pending = &S->locks[1].link;
}

static void raw_lists(void)
{
	pid_t pid = owner(three);
	uint32_t tid = pid;
	pid_t waiter = sleeper(&S->locks[0].word);
	let_die(pid);
	printf("three locks, the owner dies:\n");
	word("held, with a sleeper", S->locks[0].word, tid);
	printf("  its sleeper: %s\n", woken(waiter));
	word("held", S->locks[1].word, tid);
	word("held by another thread", S->locks[2].word, tid);

	memset(S->locks, 0, sizeof S->locks);
	pid = owner(pending_zero);
	waiter = sleeper(&S->locks[0].word);
	let_die(pid);
	printf("list_op_pending on a released lock: its sleeper: %s\n", woken(waiter));

	pid = owner(looping);
	tid = pid;
	let_die(pid);
	printf("a list that loops: the owner exited\n");
	word("the lock", S->locks[0].word, tid);

	pid = owner(too_long);
	tid = pid;
	let_die(pid);
	int died = 0;
	for (int i = 0; i < LOCKS; i++)
		died += S->locks[i].word == FUTEX_OWNER_DIED;
	printf("a list of %d locks: %d marked OWNER_DIED\n", LOCKS, died);

	memset(S->locks, 0, sizeof S->locks);
	pid = owner(bad_pointer);
	tid = pid;
	let_die(pid);
	printf("a list with a bad pointer:\n");
	word("the lock before it", S->locks[0].word, tid);
	word("list_op_pending", S->locks[1].word, tid);
}

/* A robust list walked at execve too: the child holds a lock, execs
 * cat (which waits on a pipe, so it is still there), and the lock is
 * marked before the child ends. */
static void at_exec(void)
{
	int in[2], exec_seen[2];
	if (pipe(in) || pipe2(exec_seen, O_CLOEXEC))
		printf("pipe: BAD\n");
	memset(S->locks, 0, sizeof S->locks);
	S->go = 0;
	pid_t pid = kt_fork();
	if (pid == 0) {
		uint32_t tid = syscall(SYS_gettid);
		S->head.list.next = &S->locks[0].link;
		S->head.futex_offset = offsetof(struct lock, word);
		S->head.list_op_pending = NULL;
		hold(&S->locks[0], tid, 0, &S->head.list);
		syscall(SYS_set_robust_list, &S->head, sizeof S->head);
		dup2(in[0], 0);
		close(in[1]);
		close(exec_seen[0]);
		execl("/bin/cat", "cat", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(exec_seen[1]);
	char c;
	read(exec_seen[0], &c, 1);      /* EOF: the exec happened */
	printf("execve with a robust lock held:\n");
	word("the lock, the new program running", S->locks[0].word, pid);
	close(in[1]);
	int status;
	waitpid(pid, &status, 0);
	close(exec_seen[0]);
}

static void musl_mutex(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&S->mutex, &a);
	S->go = 0;
	pid_t pid = kt_fork();
	if (pid == 0) {
		pthread_mutex_lock(&S->mutex);
		S->go = 1;
		kt_futex(&S->go, FUTEX_WAKE, 1, NULL, NULL, 0);
		while (S->go != 2)
			kt_futex(&S->go, FUTEX_WAIT, 1, NULL, NULL, 0);
		_exit(0);       /* dies holding the mutex */
	}
	while (__atomic_load_n(&S->go, __ATOMIC_ACQUIRE) != 1)
		kt_futex(&S->go, FUTEX_WAIT, 0, NULL, NULL, 0);
	pid_t waiter = kt_fork();
	if (waiter == 0) {
		int r = pthread_mutex_lock(&S->mutex);
		int c = r == EOWNERDEAD ? pthread_mutex_consistent(&S->mutex) : -1;
		pthread_mutex_unlock(&S->mutex);
		_exit(r == EOWNERDEAD && c == 0 ? 0 : 1);
	}
	/* The waiter sleeps in the kernel on the mutex's lock word (musl's
	 * _m_lock, its second int). */
	kt_futex_need_sleepers("musl robust mutex: the waiter", (volatile uint32_t *)&S->mutex + 1, 0, 1);
	let_die(pid);
	printf("musl robust mutex, owner died: the waiter got EOWNERDEAD and made it consistent: %s\n",
	       strcmp(woken(waiter), "woken") == 0 ? "ok" : "BAD");
	kt_fres("musl robust mutex: lock again", pthread_mutex_lock(&S->mutex));
	kt_fres("musl robust mutex: unlock", pthread_mutex_unlock(&S->mutex));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	S = mmap(NULL, sizeof *S, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(S, 0, sizeof *S);        /* pages there before any fork */
	raw_lists();
	at_exec();
	musl_mutex();
	return 0;
}
