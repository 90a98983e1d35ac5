/* What the futex files share (futex.c: keys, buckets, wait and wake;
 * futex_requeue.c: REQUEUE, CMP_REQUEUE, WAKE_OP; futex_syscall.c: the
 * system call, its timeouts and restart; futex_robust.c: robust lists). */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/wait.h>

/* Which word a waiter sleeps on, the same for every process that can
 * reach it: (mm, address) for memory private to a process, (1, frame's
 * physical address + offset) for a MAP_SHARED page, which processes may
 * map at different addresses. */
struct futex_key {
	uint64_t space;         /* the mm, or 1 for a shared frame */
	uint64_t where;         /* the address, or the frame's physical address + offset */
};

/* Waiters whose keys hash alike, in arrival order, under one mutex: the
 * word is read and the waiter queued with it held, and every wake takes
 * it, so no wake can fall between a waiter's check and its sleep. */
struct futex_bucket {
	struct mutex lock;
	struct list_head waiters;
};

/* One task sleeping in FUTEX_WAIT (on its own stack). bucket and key
 * change only under the locks of both buckets (requeue); woken is set,
 * and wq woken, by the waker with bucket->lock held, so the waiter,
 * which takes that lock before it leaves, never goes while the waker
 * still touches it. */
struct futex_waiter {
	struct list_head link;
	struct futex_key key;
	struct futex_bucket *bucket;
	uint32_t bitset;        /* 0 for a PI waiter: no FUTEX_WAKE matches it */
	bool woken;
	struct wait_queue wq;
	/* FUTEX_LOCK_PI (futex_pi.c): the lock is handed to the waiter. */
	bool pi;
	int tid;                /* the waiter's, written into the word at the handover */
	int pi_owner;           /* the tid it waits for: handed over if that one dies */
};

static inline bool futex_key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->where == b->where;
}

/* The key of the word at uaddr: -EINVAL if unaligned, -EFAULT if
 * outside the user half or (shared) not mapped. */
long futex_key_of(uint32_t *uaddr, bool private, struct futex_key *key);
struct futex_bucket *futex_bucket_of(const struct futex_key *key);
/* Bucket i of all, or NULL past the last: for walks over every bucket. */
struct futex_bucket *futex_bucket_nr(unsigned i);
/* Reads the word with b->lock held (taken here): faults its page in
 * with the lock let go if needed. 0 and b locked, or -EFAULT unlocked. */
long futex_lock_and_read(struct futex_bucket *b, uint32_t *uaddr, uint32_t *val);
/* Locks two buckets (one if they are the same), in address order. */
void futex_lock_pair(struct futex_bucket *a, struct futex_bucket *b);
void futex_unlock_pair(struct futex_bucket *a, struct futex_bucket *b);
/* Wakes w: off its bucket's list, woken set, its task woken. w's
 * bucket lock held. */
void futex_wake_waiter(struct futex_waiter *w);
/* After a sleep: takes w off its bucket (wherever requeue put it) unless
 * a wake did; true if a wake came. */
bool futex_leave(struct futex_waiter *w);

/* The operations (futex.c, futex_requeue.c). deadline: CLOCK_MONOTONIC
 * ns or WAIT_FOREVER. */
long futex_wait(uint32_t *uaddr, bool private, uint32_t expected, uint64_t deadline, uint32_t bitset);
long futex_wake(uint32_t *uaddr, bool private, int nr, uint32_t bitset);
long futex_requeue(uint32_t *uaddr, bool private, uint32_t *uaddr2, int nr_wake, int nr_requeue,
		   const uint32_t *cmpval);
long futex_wake_op(uint32_t *uaddr, bool private, uint32_t *uaddr2, int nr_wake, int nr_wake2,
		   uint32_t encoded_op);
long futex_lock_pi(uint32_t *uaddr, bool private, uint64_t deadline, bool trylock);
long futex_unlock_pi(uint32_t *uaddr, bool private);
/* At a thread's exit: the PI locks it holds that have waiters in the
 * kernel go to their first waiter (futex_pi.c). */
void futex_exit_pi(struct task *t);
