/* futex: sleeping on a word of user memory. The C library's locks,
 * condition variables and one-time initialisation (pthread_once, C++'s
 * static locals and std::call_once) spin on an atomic word in user space
 * and ask the kernel only to sleep while the word still holds a value
 * (FUTEX_WAIT) or to wake sleepers after changing it (FUTEX_WAKE).
 *
 * A waiter is keyed by the word: (mm, address) for memory private to a
 * process, (frame, offset) for a MAP_SHARED page, which processes may map
 * at different addresses. Waiters sit in hash buckets under one mutex.
 * The word is read under that mutex, so a waker that changes the word and
 * then calls FUTEX_WAKE (which takes the mutex) cannot slip in between
 * the check and the sleep: that is the whole point of the interface. The
 * read is made with file faults off (fs/fs.h, Locking): a word in a file
 * mapping whose page is not there yet is faulted in with the mutex let
 * go (lock_and_read_word), so no task waits for a file's lock or the
 * disk holding the mutex every futex call needs.
 *
 * Supported: WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, with FUTEX_PRIVATE_FLAG
 * and FUTEX_CLOCK_REALTIME. Requeueing, WAKE_OP and priority inheritance
 * come with threads (the vfork and futex lab): ENOSYS until then. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/mutex.h>
#include <linux/futex.h>
#include <linux/time_types.h>
#include <mm/mm.h>
#include <mm/vm.h>
#include <proc/task.h>
#include <proc/futex.h>
#include <kernel/wait.h>
#include <syscall/syscalls.h>
#include <time/clock.h>
#include <x86/paging.h>
#include <x86/uaccess.h>

#define BUCKETS 64

struct futex_key {
	uint64_t space;         /* the mm, or 1 for a shared frame */
	uint64_t where;         /* the address, or the frame's physical address + offset */
};

struct futex_waiter {
	struct list_head link;
	struct futex_key key;
	uint32_t bitset;
	bool woken;
};

static struct {
	struct list_head waiters;
	struct wait_queue wq;
} buckets[BUCKETS];
static struct mutex futex_mutex;

void futex_init(void)
{
	mutex_init(&futex_mutex);
	for (int i = 0; i < BUCKETS; i++) {
		list_init(&buckets[i].waiters);
		wait_queue_init(&buckets[i].wq);
	}
}

static unsigned bucket_of(const struct futex_key *k)
{
	uint64_t h = (k->space ^ (k->where >> 2)) * 0x9e3779b97f4a7c15ull;
	return h >> 58;         /* the top 6 bits: 64 buckets */
}

/* Reads the word (faulting its page in) and works out its key. Called
 * with futex_mutex held. */
static long read_word(uint32_t *uaddr, bool private, uint32_t *val, struct futex_key *key)
{
	if (copy_from_user(val, uaddr, sizeof(*val)))
		return -EFAULT;
	struct mm *mm = current->mm;
	key->space = (uint64_t)mm;
	key->where = (uint64_t)uaddr;
	if (private)
		return 0;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	struct vma *v = vm_find(mm, (uint64_t)uaddr);
	uint64_t pa;
	if (v && (v->flags & VM_SHARED) && pt_translate(mm->pml4, (uint64_t)uaddr, &pa, NULL)) {
		key->space = 1;
		key->where = pa;
	}
	spin_unlock_irqrestore(&mm->lock, irq);
	return 0;
}

/* Takes futex_mutex and reads the word under it (read_word); returns
 * with the mutex held, whatever the result. */
static long lock_and_read_word(uint32_t *uaddr, bool private, uint32_t *val, struct futex_key *key)
{
	for (bool retried = false;; retried = true) {
		mutex_lock(&futex_mutex);
		current->file_faults_off++;
		long err = read_word(uaddr, private, val, key);
		current->file_faults_off--;
		if (err != -EFAULT || retried)
			return err;
		mutex_unlock(&futex_mutex);
		/* If this fails too, so does the read again: EFAULT. */
		vm_fault_in((uint64_t)uaddr, false);
	}
}

static long futex_wait(uint32_t *uaddr, bool private, uint32_t expected, uint64_t deadline, uint32_t bitset)
{
	struct futex_waiter w = { .bitset = bitset };
	uint32_t val;
	long err = lock_and_read_word(uaddr, private, &val, &w.key);
	if (!err && val != expected)
		err = -EAGAIN;
	if (err) {
		mutex_unlock(&futex_mutex);
		return err;
	}
	unsigned b = bucket_of(&w.key);
	list_add_tail(&w.link, &buckets[b].waiters);
	mutex_unlock(&futex_mutex);

	/* A wake, the deadline, or a signal to act on (-ERESTARTSYS: made
	 * again after a stop, as Linux does for FUTEX_WAIT) ends the wait. */
	long waited = wait_event_interruptible(&buckets[b].wq, __atomic_load_n(&w.woken, __ATOMIC_ACQUIRE),
					       deadline);
	mutex_lock(&futex_mutex);
	if (!w.woken) {
		list_del(&w.link);
		err = waited == -ERESTARTSYS ? -ERESTARTSYS : -ETIMEDOUT;
	}
	mutex_unlock(&futex_mutex);
	return err;
}

static long futex_wake(uint32_t *uaddr, bool private, int nr, uint32_t bitset)
{
	struct futex_key key;
	uint32_t val;
	int woken = 0;
	long err = lock_and_read_word(uaddr, private, &val, &key);
	unsigned b = bucket_of(&key);
	struct futex_waiter *w, *tmp;
	if (!err) {
		list_for_each_entry_safe(w, tmp, &buckets[b].waiters, link) {
			if (woken >= nr)
				break;
			if (w->key.space != key.space || w->key.where != key.where || !(w->bitset & bitset))
				continue;
			list_del(&w->link);
			__atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
			woken++;
		}
	}
	mutex_unlock(&futex_mutex);
	if (woken)
		wake_up_all(&buckets[b].wq);
	return err ? err : woken;
}

/* The deadline of a wait: FUTEX_WAIT's timeout is relative; the
 * BITSET form's is absolute, on CLOCK_MONOTONIC or (FUTEX_CLOCK_REALTIME)
 * CLOCK_REALTIME. */
static long deadline_of(const struct __kernel_timespec *uts, bool absolute, bool realtime, uint64_t *deadline)
{
	*deadline = WAIT_FOREVER;
	if (!uts)
		return 0;
	uint64_t ns;
	long err = timespec_from_user(uts, &ns);
	if (err)
		return err;
	uint64_t now = clock_now_ns();
	if (!absolute)
		*deadline = now + ns < now ? WAIT_FOREVER - 1 : now + ns;
	else if (realtime)
		*deadline = ns <= clock_realtime_ns() ? now : now + (ns - clock_realtime_ns());
	else
		*deadline = ns;
	return 0;
}

long sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct __kernel_timespec *uts,
	       uint32_t *uaddr2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	if ((uint64_t)uaddr % sizeof(uint32_t))
		return -EINVAL;
	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	uint64_t deadline;
	long err;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (cmd == FUTEX_WAIT_BITSET && val3 == 0)
			return -EINVAL;
		err = deadline_of(uts, cmd == FUTEX_WAIT_BITSET, realtime, &deadline);
		if (err)
			return err;
		return futex_wait(uaddr, private, val, deadline,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE_BITSET && val3 == 0)
			return -EINVAL;
		return futex_wake(uaddr, private, (int)val <= 0 ? 0 : (int)val,
				  cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3);
	default:
		return -ENOSYS;
	}
}

int futex_wake_addr(uint32_t *uaddr, int n)
{
	if ((uint64_t)uaddr % sizeof(uint32_t))
		return -EINVAL;
	return futex_wake(uaddr, false, n, FUTEX_BITSET_MATCH_ANY);
}

void futex_exit_robust_list(struct task *t)
{
	(void)t;        /* robust lists: walked here once futex.c supports them */
}
