/* futex operations on two words: REQUEUE and CMP_REQUEUE move waiters
 * from one word to another without waking them (a condition variable's
 * broadcast: wake one waiter, move the rest onto the mutex, so they do
 * not all wake to fight for it), and WAKE_OP changes the second word
 * atomically and wakes waiters on the first and, depending on the second
 * word's old value, on the second. Both hold the two words' buckets
 * (futex_lock_pair) for the whole operation. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/futex.h>
#include <mm/mm.h>
#include <mm/vm.h>
#include <proc/task.h>
#include <x86/memlayout.h>
#include <x86/uaccess.h>
#include "futex_internal.h"

/* Locks both buckets and reads the word at uaddr under them, faulting its
 * page in with the locks let go if needed (as futex_lock_and_read). */
static long lock_pair_and_read(struct futex_bucket *b1, struct futex_bucket *b2, uint32_t *uaddr,
			       uint32_t *val)
{
	for (int tries = 0; tries < 8; tries++) {
		futex_lock_pair(b1, b2);
		current->file_faults_off++;
		long err = copy_from_user(val, uaddr, sizeof(*val));
		current->file_faults_off--;
		if (!err)
			return 0;
		futex_unlock_pair(b1, b2);
		if (!vm_fault_in((uint64_t)uaddr, false))
			break;
	}
	return -EFAULT;
}

/* Moves w to the word of key2 (in bucket b2). Both buckets locked. */
static void requeue_waiter(struct futex_waiter *w, struct futex_bucket *b2, const struct futex_key *key2)
{
	if (w->bucket != b2) {
		list_del(&w->link);
		list_add_tail(&w->link, &b2->waiters);
		__atomic_store_n(&w->bucket, b2, __ATOMIC_RELEASE);
	}
	w->key = *key2;
}

long futex_requeue(uint32_t *uaddr, bool private, uint32_t *uaddr2, int nr_wake, int nr_requeue,
		   const uint32_t *cmpval)
{
	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	struct futex_key k1, k2;
	long err = futex_key_of(uaddr, private, &k1);
	if (!err)
		err = futex_key_of(uaddr2, private, &k2);
	if (err)
		return err;
	struct futex_bucket *b1 = futex_bucket_of(&k1), *b2 = futex_bucket_of(&k2);
	if (cmpval) {
		uint32_t val;
		err = lock_pair_and_read(b1, b2, uaddr, &val);
		if (err)
			return err;
		if (val != *cmpval) {
			futex_unlock_pair(b1, b2);
			return -EAGAIN;
		}
	} else {
		futex_lock_pair(b1, b2);
	}
	/* The first nr_wake waiters are woken, the next nr_requeue moved;
	 * the count of both is the result (Linux's loop, to the letter). */
	int count = 0;
	struct futex_waiter *w, *tmp;
	list_for_each_entry_safe(w, tmp, &b1->waiters, link) {
		if (count - nr_wake >= nr_requeue)
			break;
		if (!futex_key_eq(&w->key, &k1))
			continue;
		if (w->pi) {
			count = -EINVAL;        /* a PI lock's waiters are not this call's */
			break;
		}
		if (++count <= nr_wake)
			futex_wake_waiter(w);
		else
			requeue_waiter(w, b2, &k2);
	}
	futex_unlock_pair(b1, b2);
	return count;
}

/* The value FUTEX_OP's operation makes of old: false for an operation
 * that does not exist. */
static bool apply_op(unsigned op, uint32_t oparg, uint32_t old, uint32_t *new)
{
	switch (op) {
	case FUTEX_OP_SET:  *new = oparg; return true;
	case FUTEX_OP_ADD:  *new = old + oparg; return true;
	case FUTEX_OP_OR:   *new = old | oparg; return true;
	case FUTEX_OP_ANDN: *new = old & ~oparg; return true;
	case FUTEX_OP_XOR:  *new = old ^ oparg; return true;
	default:            return false;
	}
}

/* Does the word's old value pass FUTEX_OP's comparison: 1, 0, or
 * -ENOSYS for a comparison that does not exist (the operation is done
 * by then, as on Linux). */
static int compare(unsigned cmp, int old, int cmparg)
{
	switch (cmp) {
	case FUTEX_OP_CMP_EQ: return old == cmparg;
	case FUTEX_OP_CMP_NE: return old != cmparg;
	case FUTEX_OP_CMP_LT: return old < cmparg;
	case FUTEX_OP_CMP_LE: return old <= cmparg;
	case FUTEX_OP_CMP_GT: return old > cmparg;
	case FUTEX_OP_CMP_GE: return old >= cmparg;
	default:              return -ENOSYS;
	}
}

static int sign_extend12(uint32_t v)
{
	return (int)(v << 20) >> 20;
}

/* Does encoded_op on the word at uaddr, atomically (a compare-and-
 * exchange loop), file faults off: the buckets' locks are held. Returns
 * the comparison's result (1 or 0), -EFAULT (the caller faults the page
 * in and comes again) or -ENOSYS. */
static int atomic_op_in_user(uint32_t *uaddr, uint32_t encoded_op)
{
	unsigned op = (encoded_op >> 28) & 7, cmp = (encoded_op >> 24) & 15;
	int oparg = sign_extend12(encoded_op >> 12 & 0xfff), cmparg = sign_extend12(encoded_op & 0xfff);
	if (encoded_op & (FUTEX_OP_OPARG_SHIFT << 28))
		oparg = 1 << (oparg & 31);      /* Linux masks an out-of-range shift */
	uint32_t old, new, seen;
	if ((uint64_t)uaddr >= USER_TOP)
		return -EFAULT;
	if (!apply_op(op, oparg, 0, &new))
		return -ENOSYS;
	current->file_faults_off++;
	long err = copy_from_user(&old, uaddr, sizeof(old));
	while (!err) {
		apply_op(op, oparg, old, &new);
		err = cmpxchg_user32(uaddr, old, new, &seen);
		if (!err && seen == old)
			break;
		old = seen;
	}
	current->file_faults_off--;
	return err ? -EFAULT : compare(cmp, (int)old, cmparg);
}

/* Wakes up to nr waiters on key in b (at least one, as Linux counts
 * after waking). b locked. */
static int wake_in(struct futex_bucket *b, const struct futex_key *key, int nr)
{
	int woken = 0;
	struct futex_waiter *w, *tmp;
	list_for_each_entry_safe(w, tmp, &b->waiters, link) {
		if (!futex_key_eq(&w->key, key))
			continue;
		if (w->pi)
			return -EINVAL;         /* a PI lock's waiters are not this call's */
		futex_wake_waiter(w);
		if (++woken >= nr)
			break;
	}
	return woken;
}

long futex_wake_op(uint32_t *uaddr, bool private, uint32_t *uaddr2, int nr_wake, int nr_wake2,
		   uint32_t encoded_op)
{
	struct futex_key k1, k2;
	long err = futex_key_of(uaddr, private, &k1);
	if (!err)
		err = futex_key_of(uaddr2, private, &k2);
	if (err)
		return err;
	struct futex_bucket *b1 = futex_bucket_of(&k1), *b2 = futex_bucket_of(&k2);
	int passed;
	for (int tries = 0;; tries++) {
		futex_lock_pair(b1, b2);
		passed = atomic_op_in_user(uaddr2, encoded_op);
		if (passed != -EFAULT)
			break;
		futex_unlock_pair(b1, b2);
		/* The page must be there and writable (copy-on-write broken). */
		if (tries == 8 || !vm_fault_in((uint64_t)uaddr2, true))
			return -EFAULT;
	}
	if (passed < 0) {
		futex_unlock_pair(b1, b2);
		return passed;
	}
	int woken = wake_in(b1, &k1, nr_wake);
	if (passed && woken >= 0) {
		int more = wake_in(b2, &k2, nr_wake2);
		woken = more < 0 ? more : woken + more;
	}
	futex_unlock_pair(b1, b2);
	return woken;
}
