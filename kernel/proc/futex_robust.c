/* Robust futexes: a lock whose owner dies must not stay locked for
 * ever. glibc keeps, in user memory, a list of the robust mutexes each
 * thread holds (set_robust_list gives the kernel its head); when the
 * thread ends, the kernel walks it and, for every lock word still
 * holding the thread's tid, sets FUTEX_OWNER_DIED (clearing the tid) and
 * wakes one waiter, whose pthread_mutex_lock then returns EOWNERDEAD.
 *
 * The list is the program's memory: any of it may be bad, so every
 * read is checked and the walk stops after ROBUST_LIST_LIMIT entries (a
 * loop in the list must not hang the exit). list_op_pending is the lock
 * the thread was taking or releasing when it died: handled last, and
 * only by its value. As Linux's exit_robust_list / handle_futex_death. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/futex.h>
#include <mm/mm.h>
#include <proc/task.h>
#include <proc/futex.h>
#include <x86/uaccess.h>
#include "futex_internal.h"

/* A list pointer: bit 0 says the lock is a PI one, which is not woken
 * here but handed over (futex_exit_pi). */
static bool fetch_entry(uint64_t uptr, uint64_t *entry, bool *pi)
{
	uint64_t v;
	if (copy_from_user(&v, (void *)uptr, sizeof(v)))
		return false;
	*entry = v & ~1ull;
	*pi = v & 1;
	return true;
}

/* The lock word at uaddr of a lock t may hold as it dies. False if the
 * word cannot be read or written: the walk stops. */
static bool owner_died(uint32_t *uaddr, struct task *t, bool pi, bool pending)
{
	if ((uint64_t)uaddr % sizeof(uint32_t))
		return false;
	for (int tries = 0; tries < 16; tries++) {
		uint32_t val, seen;
		if (copy_from_user(&val, uaddr, sizeof(val)))
			return false;
		/* Died between taking the lock's word to 0 and waking a waiter:
		 * wake one, who will find the lock free. */
		if (pending && !pi && val == 0) {
			futex_wake_addr(uaddr, 1);
			return true;
		}
		if ((val & FUTEX_TID_MASK) != (uint32_t)t->tid)
			return true;
		uint32_t died = (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (cmpxchg_user32(uaddr, val, died, &seen)) {
			if (!vm_fault_in((uint64_t)uaddr, true))
				return false;
			continue;
		}
		if (seen != val)
			continue;       /* a waiter set FUTEX_WAITERS meanwhile */
		if (!pi && (val & FUTEX_WAITERS))
			futex_wake_addr(uaddr, 1);
		return true;
	}
	return false;
}

/* Walks the list at head (as Linux's exit_robust_list). */
static void walk_robust_list(struct task *t, uint64_t head)
{
	struct robust_list_head h;
	if (copy_from_user(&h, (void *)head, sizeof(h)))
		return;
	uint64_t entry, pending;
	bool pi, pending_pi;
	if (!fetch_entry(head + offsetof(struct robust_list_head, list.next), &entry, &pi) ||
	    !fetch_entry(head + offsetof(struct robust_list_head, list_op_pending), &pending, &pending_pi))
		return;
	int64_t offset = h.futex_offset;
	for (int limit = ROBUST_LIST_LIMIT; entry != head && limit > 0; limit--) {
		uint64_t next;
		bool next_pi;
		/* The next pointer first: the lock's release may rewrite it. */
		bool more = fetch_entry(entry, &next, &next_pi);
		if (entry != pending && !owner_died((uint32_t *)(entry + offset), t, pi, false))
			return;
		if (!more)
			return;
		entry = next;
		pi = next_pi;
	}
	if (pending)
		owner_died((uint32_t *)(pending + offset), t, pending_pi, true);
}

void futex_exit_robust_list(struct task *t)
{
	if (t != current || !t->mm)
		return;
	uint64_t head = t->robust_list;
	t->robust_list = 0;
	if (head)
		walk_robust_list(t, head);
	/* Then, as Linux's futex_cleanup, the PI locks still held with
	 * waiters go to those (with FUTEX_OWNER_DIED if the walk set it). */
	futex_exit_pi(t);
}
