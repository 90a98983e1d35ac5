/* Priority-inheritance futexes: FUTEX_LOCK_PI, FUTEX_TRYLOCK_PI and
 * FUTEX_UNLOCK_PI, the protocol of glibc's and musl's
 * PTHREAD_PRIO_INHERIT mutexes. The word holds the owner's tid, with
 * FUTEX_WAITERS once somebody sleeps on it; user space takes a free lock
 * (0 -> tid) and releases an uncontended one (tid -> 0) by itself, and
 * calls the kernel otherwise. Unlike FUTEX_WAIT/WAKE, the kernel hands
 * the lock over: UNLOCK_PI writes the first waiter's tid into the word
 * and wakes it, already the owner, and an owner that dies with waiters
 * hands its locks over the same way (futex_exit_pi).
 *
 * Nothing is inherited: Kestrel's scheduler runs every task round-robin
 * whatever its policy and priority (Lab 5), so no owner can be starved
 * by a priority it lacks, and boosting it would change nothing. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>
#include <linux/futex.h>
#include <mm/mm.h>
#include <proc/task.h>
#include <x86/memlayout.h>
#include <x86/uaccess.h>
#include "futex_internal.h"

/* How many PI waiters sleep, so that exits skip the buckets when none. */
static int pi_waiters;

/* Is there a task with this tid that has not ended? */
static bool tid_alive(int tid)
{
	bool alive = false;
	uint64_t irq = spin_lock_irqsave(&tasklist_lock);
	struct task *t;
	list_for_each_entry(t, &all_tasks, all_link)
		if (t->tid == tid && !t->detached && t->state != TASK_ZOMBIE) {
			alive = true;
			break;
		}
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return alive;
}

/* A compare-and-exchange on the word with its bucket locked: file faults
 * off, as every access to user memory under a bucket lock. */
static long cmpxchg_word(uint32_t *uaddr, uint32_t old, uint32_t new, uint32_t *seen)
{
	current->file_faults_off++;
	long err = cmpxchg_user32(uaddr, old, new, seen);
	current->file_faults_off--;
	return err;
}

static struct futex_waiter *first_pi_waiter(struct futex_bucket *b, const struct futex_key *key)
{
	struct futex_waiter *w;
	list_for_each_entry(w, &b->waiters, link)
		if (w->pi && futex_key_eq(&w->key, key))
			return w;
	return NULL;
}

/* w owns the lock now (its tid is in the word): the other waiters wait
 * for it, and it wakes. b locked. */
static void hand_over(struct futex_bucket *b, struct futex_waiter *w)
{
	struct futex_waiter *o;
	list_for_each_entry(o, &b->waiters, link)
		if (o->pi && futex_key_eq(&o->key, &w->key))
			o->pi_owner = w->tid;
	futex_wake_waiter(w);
}

/* Makes the word what taking the lock, or waiting for it, needs: 0 if
 * the caller owns the lock now, or an error, with b unlocked; 1 with b
 * still locked if it must wait for *owner. */
static long take_or_mark(struct futex_bucket *b, uint32_t *uaddr, const struct futex_key *key, uint32_t *owner)
{
	uint32_t me = current->tid;
	for (int tries = 0; tries < 1000; tries++) {
		uint32_t val, seen, want;
		long err = futex_lock_and_read(b, uaddr, &val);
		if (err)
			return err;
		*owner = val & FUTEX_TID_MASK;
		if (*owner == me)
			err = -EDEADLK;
		else if (*owner && !tid_alive(*owner))
			err = -ESRCH;   /* Linux: an owner that is gone, without a robust list */
		if (err) {
			mutex_unlock(&b->lock);
			return err;
		}
		/* Free (perhaps FUTEX_OWNER_DIED, which stays): ours. Held: mark it waited for. */
		want = *owner ? val | FUTEX_WAITERS
			      : (val & FUTEX_OWNER_DIED) | me | (first_pi_waiter(b, key) ? FUTEX_WAITERS : 0);
		err = want == val ? 0 : cmpxchg_word(uaddr, val, want, &seen);
		if (!err && (want == val || seen == val) && *owner)
			return 1;
		mutex_unlock(&b->lock);
		if (!err && (want == val || seen == val))
			return 0;
		if (err && !vm_fault_in((uint64_t)uaddr, true))
			return -EFAULT;
	}
	return -EAGAIN;
}

long futex_lock_pi(uint32_t *uaddr, bool private, uint64_t deadline, bool trylock)
{
	struct futex_waiter w = { .pi = true, .tid = current->tid };
	wait_queue_init(&w.wq);
	long err = futex_key_of(uaddr, private, &w.key);
	if (err)
		return err;
	struct futex_bucket *b = futex_bucket_of(&w.key);
	uint32_t owner = 0;
	err = take_or_mark(b, uaddr, &w.key, &owner);
	if (err <= 0)
		return err;
	if (trylock) {
		mutex_unlock(&b->lock);
		return -EAGAIN;         /* Linux's EWOULDBLOCK, FUTEX_WAITERS left set */
	}
	w.bucket = b;
	w.pi_owner = owner;
	list_add_tail(&w.link, &b->waiters);
	__atomic_add_fetch(&pi_waiters, 1, __ATOMIC_RELAXED);
	mutex_unlock(&b->lock);
	long waited = wait_event_interruptible(&w.wq, __atomic_load_n(&w.woken, __ATOMIC_ACQUIRE), deadline);
	bool got = futex_leave(&w);
	__atomic_sub_fetch(&pi_waiters, 1, __ATOMIC_RELAXED);
	if (got)
		return 0;
	/* A handler runs and the call is made again, whatever SA_RESTART says:
	 * Linux's LOCK_PI never fails with EINTR. */
	return waited == -ERESTARTSYS ? -ERESTARTNOINTR : -ETIMEDOUT;
}

long futex_unlock_pi(uint32_t *uaddr, bool private)
{
	struct futex_key key;
	long err = futex_key_of(uaddr, private, &key);
	if (err)
		return err;
	struct futex_bucket *b = futex_bucket_of(&key);
	for (int tries = 0; tries < 1000; tries++) {
		uint32_t val, seen;
		err = futex_lock_and_read(b, uaddr, &val);
		if (err)
			return err;
		if ((val & FUTEX_TID_MASK) != (uint32_t)current->tid) {
			mutex_unlock(&b->lock);
			return -EPERM;
		}
		/* To the first waiter, or free (FUTEX_OWNER_DIED and WAITERS go). */
		struct futex_waiter *next = first_pi_waiter(b, &key);
		uint32_t want = next ? (uint32_t)next->tid | FUTEX_WAITERS : 0;
		err = cmpxchg_word(uaddr, val, want, &seen);
		if (!err && seen == val && next)
			hand_over(b, next);
		mutex_unlock(&b->lock);
		if (!err && seen == val)
			return 0;
		if (!err && !next)
			return -EAGAIN;         /* changed under us: user space sorts it out, as Linux */
		if (err && !vm_fault_in((uint64_t)uaddr, true))
			return -EFAULT;
	}
	return -EAGAIN;
}

/* The word w waits on, as the dying current task can reach it: its own
 * address space's, or a shared frame's through the direct map. */
static uint32_t *word_of(const struct futex_waiter *w, struct task *t, bool *user)
{
	*user = w->key.space != 1;
	if (*user)
		return w->key.space == (uint64_t)t->mm ? (uint32_t *)w->key.where : NULL;
	return phys_to_virt(w->key.where);
}

/* Hands w the lock of the dying t. b locked. */
static void inherit(struct futex_bucket *b, struct futex_waiter *w, struct task *t)
{
	bool user;
	uint32_t *word = word_of(w, t, &user);
	for (int tries = 0; word && tries < 16; tries++) {
		uint32_t val, seen;
		if (user ? copy_from_user(&val, word, sizeof(val)) != 0 : (val = __atomic_load_n(word, __ATOMIC_RELAXED), false))
			break;
		uint32_t owner = val & FUTEX_TID_MASK;
		if (owner && owner != (uint32_t)t->tid)
			break;          /* not t's any more */
		/* Linux marks it FUTEX_OWNER_DIED, robust list or not. */
		uint32_t want = FUTEX_OWNER_DIED | (uint32_t)w->tid | FUTEX_WAITERS;
		if (user) {
			if (cmpxchg_word(word, val, want, &seen))
				break;
		} else {
			seen = val;
			__atomic_compare_exchange_n(word, &seen, want, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		}
		if (seen == val) {
			hand_over(b, w);
			return;
		}
	}
	w->pi_owner = 0;        /* unreachable: it waits on, as for a lock user space broke */
}

void futex_exit_pi(struct task *t)
{
	if (!__atomic_load_n(&pi_waiters, __ATOMIC_RELAXED) || t != current)
		return;
	for (unsigned i = 0;; i++) {
		struct futex_bucket *b = futex_bucket_nr(i);
		if (!b)
			return;
		mutex_lock(&b->lock);
		for (bool again = true; again;) {
			again = false;
			struct futex_waiter *w;
			list_for_each_entry(w, &b->waiters, link)
				if (w->pi && w->pi_owner == t->tid) {
					inherit(b, w, t);
					again = true;   /* the list changed */
					break;
				}
		}
		mutex_unlock(&b->lock);
	}
}
