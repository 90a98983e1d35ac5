/* futex: sleeping on a word of user memory. The C library's locks,
 * condition variables and one-time initialisation (pthread_once, C++'s
 * static locals and std::call_once) spin on an atomic word in user space
 * and ask the kernel only to sleep while the word still holds a value
 * (FUTEX_WAIT) or to wake sleepers after changing it (FUTEX_WAKE).
 *
 * This file is the core: keys, hash buckets, wait and wake. A waiter is
 * keyed by the word (futex_internal.h) and queued in the bucket its key
 * hashes to. The word is read, and the waiter queued, under the bucket's
 * mutex, so a waker that changes the word and then calls FUTEX_WAKE
 * (which takes the mutex) cannot slip in between the check and the
 * sleep: that is the whole point of the interface. One mutex per bucket,
 * not one for all: threads contending for unrelated locks do not queue
 * behind each other in the kernel. The read is made with file faults off
 * (fs/fs.h, Locking): a word in a file mapping whose page is not there
 * yet is faulted in with the mutex let go (futex_lock_and_read), so no
 * task waits for a file's lock or the disk holding a bucket's mutex.
 *
 * The other operations: futex_requeue.c (REQUEUE, CMP_REQUEUE, WAKE_OP),
 * futex_syscall.c (the system call, timeouts, restarts), futex_robust.c
 * (robust lists at exit). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/futex.h>
#include <mm/mm.h>
#include <mm/vm.h>
#include <proc/task.h>
#include <proc/futex.h>
#include <x86/memlayout.h>
#include <x86/paging.h>
#include <x86/uaccess.h>
#include "futex_internal.h"

#define BUCKETS 256

static struct futex_bucket buckets[BUCKETS];

void futex_init(void)
{
	for (int i = 0; i < BUCKETS; i++) {
		/* Requeue and WAKE_OP hold two buckets: in address order
		 * (futex_lock_pair), which the lock checker cannot see. */
		mutex_init_unordered(&buckets[i].lock);
		list_init(&buckets[i].waiters);
	}
}

struct futex_bucket *futex_bucket_of(const struct futex_key *k)
{
	uint64_t h = (k->space ^ (k->where >> 2)) * 0x9e3779b97f4a7c15ull;
	return &buckets[h >> 56];       /* the top 8 bits: 256 buckets */
}

struct futex_bucket *futex_bucket_nr(unsigned i)
{
	return i < BUCKETS ? &buckets[i] : NULL;
}

long futex_key_of(uint32_t *uaddr, bool private, struct futex_key *key)
{
	uint64_t a = (uint64_t)uaddr;
	if (a % sizeof(uint32_t))
		return -EINVAL;
	if (a >= USER_TOP)
		return -EFAULT;
	struct mm *mm = current->mm;
	key->space = (uint64_t)mm;
	key->where = a;
	if (private)
		return 0;       /* as Linux: the word itself is not looked at yet */
	/* Otherwise the page must be there (Linux pins it): a shared
	 * mapping's word is known by its frame. */
	for (int tries = 0; tries < 8; tries++) {
		uint64_t irq = spin_lock_irqsave(&mm->lock);
		struct vma *v = vm_find(mm, a);
		bool shared = v && (v->flags & VM_SHARED);
		uint64_t pa;
		bool present = v && pt_translate(mm->pml4, a, &pa, NULL);
		spin_unlock_irqrestore(&mm->lock, irq);
		/* A read-only private page never changes: Linux refuses it. */
		if (!v || (!shared && !(v->flags & VM_WRITE)))
			return -EFAULT;
		if (present) {
			if (shared) {
				key->space = 1;
				key->where = pa;
			}
			return 0;
		}
		if (!vm_fault_in(a, false))
			return -EFAULT;
	}
	return -EFAULT;
}

long futex_lock_and_read(struct futex_bucket *b, uint32_t *uaddr, uint32_t *val)
{
	for (int tries = 0; tries < 8; tries++) {
		mutex_lock(&b->lock);
		current->file_faults_off++;
		long err = copy_from_user(val, uaddr, sizeof(*val));
		current->file_faults_off--;
		if (!err)
			return 0;
		mutex_unlock(&b->lock);
		/* If this fails too, so would the read: EFAULT. */
		if (!vm_fault_in((uint64_t)uaddr, false))
			break;
	}
	return -EFAULT;
}

void futex_lock_pair(struct futex_bucket *a, struct futex_bucket *b)
{
	if (a > b) {
		struct futex_bucket *t = a;
		a = b;
		b = t;
	}
	mutex_lock(&a->lock);
	if (b != a)
		mutex_lock(&b->lock);
}

void futex_unlock_pair(struct futex_bucket *a, struct futex_bucket *b)
{
	if (b != a)
		mutex_unlock(&b->lock);
	mutex_unlock(&a->lock);
}

void futex_wake_waiter(struct futex_waiter *w)
{
	list_del(&w->link);
	__atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
	wake_up_all(&w->wq);
}

/* After the sleep: locks the bucket w is on now (a requeue may have
 * moved it meanwhile), takes w off it unless a wake already did, and
 * returns whether a wake came. Once this returns nobody touches w. */
bool futex_leave(struct futex_waiter *w)
{
	struct futex_bucket *b;
	for (;;) {
		b = __atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);
		mutex_lock(&b->lock);
		if (b == w->bucket)
			break;
		mutex_unlock(&b->lock);
	}
	bool woken = w->woken;
	if (!woken)
		list_del(&w->link);
	mutex_unlock(&b->lock);
	return woken;
}

long futex_wait(uint32_t *uaddr, bool private, uint32_t expected, uint64_t deadline, uint32_t bitset)
{
	struct futex_waiter w = { .bitset = bitset };
	wait_queue_init(&w.wq);
	long err = futex_key_of(uaddr, private, &w.key);
	if (err)
		return err;
	struct futex_bucket *b = futex_bucket_of(&w.key);
	uint32_t val;
	err = futex_lock_and_read(b, uaddr, &val);
	if (err)
		return err;
	// LAB 6 BEGIN(exercise 5): the check and the sleep: queue w on b before b->lock goes, unless the word changed
	if (val != expected) {
		mutex_unlock(&b->lock);
		return -EAGAIN;
	}
	w.bucket = b;
	list_add_tail(&w.link, &b->waiters);
	mutex_unlock(&b->lock);
	/* A wake, the deadline, or a signal to act on ends the sleep. */
	long waited = wait_event_interruptible(&w.wq, __atomic_load_n(&w.woken, __ATOMIC_ACQUIRE), deadline);
	if (futex_leave(&w))
		return 0;       /* woken, even if time ran out or a signal came too */
	return waited == -ERESTARTSYS ? -ERESTARTSYS : -ETIMEDOUT;
	// LAB 6 STUB: /* Right for one thread alone: nobody can wake this sleep, only time or a signal ends it. */
	// LAB 6 STUB: mutex_unlock(&b->lock);
	// LAB 6 STUB: if (val != expected)
	// LAB 6 STUB: 	return -EAGAIN;
	// LAB 6 STUB: long slept = sleep_until(deadline);
	// LAB 6 STUB: return slept ? slept : -ETIMEDOUT;
	// LAB 6 END
}

long futex_wake(uint32_t *uaddr, bool private, int nr, uint32_t bitset)
{
	struct futex_key key;
	long err = futex_key_of(uaddr, private, &key);
	if (err)
		return err;
	struct futex_bucket *b = futex_bucket_of(&key);
	int woken = 0;
	mutex_lock(&b->lock);
	// LAB 6 BEGIN(exercise 5): wake up to nr waiters on key whose bitset shares a bit with ours (at least one: Linux counts after waking)
	struct futex_waiter *w, *tmp;
	list_for_each_entry_safe(w, tmp, &b->waiters, link) {
		if (!futex_key_eq(&w->key, &key) || !(w->bitset & bitset))
			continue;
		futex_wake_waiter(w);
		if (++woken >= nr)
			break;
	}
	// LAB 6 STUB: (void)nr, (void)bitset;    /* wakes nobody: nobody was queued */
	// LAB 6 END
	mutex_unlock(&b->lock);
	return woken;
}

int futex_wake_addr(uint32_t *uaddr, int n)
{
	return futex_wake(uaddr, false, n, FUTEX_BITSET_MATCH_ANY);
}
