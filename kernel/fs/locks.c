/* fcntl record locks, POSIX and OFD (fs/locks.h), as Linux's fs/locks.c.
 *
 * Each inode keeps its record locks in one list sorted by start. A lock
 * covers bytes start..end (end OFFSET_MAX: to the end of any file) and has
 * an owner: a process's descriptor table for a POSIX lock, an open file
 * for an OFD lock. One owner's locks never overlap: setting a lock first
 * cuts the range out of the owner's locks (splitting one in two if the
 * range falls inside it), then adds the new lock merged with the owner's
 * locks of the same type that touch it. Unlocking is the cut alone. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/mutex.h>
#include <kernel/wait.h>
#include <kernel/list.h>
#include <kernel/compiler.h>
#include <mm/kmalloc.h>
#include <proc/task.h>
#include <fs/file.h>
#include <fs/locks.h>
#include <x86/uaccess.h>
#include <linux/fs.h>

#define OFFSET_MAX INT64_MAX
#define MAX_DEADLOCK_STEPS 10   /* Linux's MAX_DEADLK_ITERATIONS */

struct record_lock {
	struct list_head link;      /* in inode->posix_locks, by start */
	void *owner;                /* struct files * (POSIX) or struct file * (OFD) */
	bool ofd;
	int pid;                    /* F_GETLK's l_pid: the locker's tgid, -1 for OFD */
	short type;                 /* F_RDLCK, F_WRLCK (F_UNLCK in requests) */
	int64_t start, end;         /* inclusive */
};

/* A POSIX F_SETLKW sleeper: whose lock it waits for (deadlock detection). */
struct lock_waiter {
	struct list_head link;
	void *owner, *waits_for;
};

static struct mutex file_locks;
static struct wait_queue released_wq;
static uint64_t generation;
static struct list_head waiters;

void locks_init(void)
{
	mutex_init(&file_locks);
	wait_queue_init(&released_wq);
	list_init(&waiters);
}

void file_locks_lock(void) { mutex_lock(&file_locks); }
void file_locks_unlock(void) { mutex_unlock(&file_locks); }
uint64_t file_locks_generation(void) { return generation; }

void file_locks_released(void)
{
	__atomic_add_fetch(&generation, 1, __ATOMIC_RELEASE);
	wake_up_all(&released_wq);
}

long file_locks_wait(uint64_t seen)
{
	return wait_event_interruptible(&released_wq,
					__atomic_load_n(&generation, __ATOMIC_ACQUIRE) != seen,
					WAIT_FOREVER);
}

/* Does request conflict with lock (someone else's, overlapping, and one
 * of the two a write lock)? */
static bool locks_conflict(const struct record_lock *request, const struct record_lock *lock)
{
	// LAB 5 BEGIN(exercise 7): do two record locks conflict?
	if (request->owner == lock->owner)
		return false;
	if (request->end < lock->start || lock->end < request->start)
		return false;
	return request->type == F_WRLCK || lock->type == F_WRLCK;
	// LAB 5 STUB: return false;
	// LAB 5 END
}

static struct record_lock *first_conflict(struct inode *inode, const struct record_lock *request)
{
	struct record_lock *l;
	list_for_each_entry(l, &inode->posix_locks, link)
		if (locks_conflict(request, l))
			return l;
	return NULL;
}

/* F_OFD_GETLK with F_UNLCK (Linux 6.x): the caller's own lock in the range. */
static struct record_lock *own_lock(struct inode *inode, const struct record_lock *request)
{
	struct record_lock *l;
	list_for_each_entry(l, &inode->posix_locks, link)
		if (l->owner == request->owner && l->start <= request->end && request->start <= l->end)
			return l;
	return NULL;
}

static void insert_sorted(struct inode *inode, struct record_lock *n)
{
	struct record_lock *l;
	list_for_each_entry(l, &inode->posix_locks, link)
		if (l->start > n->start)
			break;
	list_add_tail(&n->link, &l->link);
}

/* Do [a] and [b] overlap or sit side by side? */
static bool touching(const struct record_lock *a, const struct record_lock *b)
{
	return (a->end == OFFSET_MAX || a->end + 1 >= b->start) &&
	       (b->end == OFFSET_MAX || b->end + 1 >= a->start);
}

/* Grows request over the owner's locks of its type that touch it,
 * dropping them: merged locks come out as one. */
static void merge_same_type(struct inode *inode, struct record_lock *request)
{
	bool grew = true;
	while (grew) {
		grew = false;
		struct record_lock *l, *tmp;
		list_for_each_entry_safe(l, tmp, &inode->posix_locks, link) {
			if (l->owner != request->owner || l->type != request->type || !touching(l, request))
				continue;
			if (l->start < request->start)
				request->start = l->start;
			if (l->end > request->end)
				request->end = l->end;
			list_del(&l->link);
			kfree(l);
			grew = true;
		}
	}
}

/* Cuts [start, end] out of the owner's locks; *spare (if the range falls
 * inside one lock) becomes its right half. */
static void cut_range(struct inode *inode, void *owner, int64_t start, int64_t end,
		      struct record_lock **spare)
{
	struct record_lock *l, *tmp;
	list_for_each_entry_safe(l, tmp, &inode->posix_locks, link) {
		if (l->owner != owner || l->end < start || end < l->start)
			continue;
		if (l->start < start && l->end > end) {         /* split */
			struct record_lock *right = *spare;
			*spare = NULL;
			*right = *l;
			right->start = end + 1;
			l->end = start - 1;
			insert_sorted(inode, right);
		} else if (l->start < start) {                  /* keep the left part */
			l->end = start - 1;
		} else if (l->end > end) {                      /* keep the right part */
			list_del(&l->link);
			l->start = end + 1;
			insert_sorted(inode, l);
		} else {                                        /* all of it goes */
			list_del(&l->link);
			kfree(l);
		}
	}
}

/* Sets (or for F_UNLCK clears) request's range for its owner; no other
 * owner's lock conflicts. Takes request (kept or freed) and *spare. */
static void apply_lock(struct inode *inode, struct record_lock *request, struct record_lock **spare)
{
	if (request->type != F_UNLCK)
		merge_same_type(inode, request);
	cut_range(inode, request->owner, request->start, request->end, spare);
	if (request->type != F_UNLCK)
		insert_sorted(inode, request);
	else
		kfree(request);
	file_locks_released();
}

/* Is the owner that holds a lock waiting, through a chain of POSIX
 * sleepers, for a lock of `me`? (Linux's posix_locks_deadlock.) */
static bool would_deadlock(void *me, void *holder)
{
	for (int step = 0; step <= MAX_DEADLOCK_STEPS; step++) {
		struct lock_waiter *w, *found = NULL;
		list_for_each_entry(w, &waiters, link)
			if (w->owner == holder) {
				found = w;
				break;
			}
		if (!found)
			return false;
		if (found->waits_for == me)
			return true;
		holder = found->waits_for;
	}
	return false;
}

/* struct flock's range from the file's point of view to bytes start..end
 * (Linux's flock_to_posix_lock). */
static int flock_to_range(struct file *f, const struct flock *fl, struct record_lock *r)
{
	int64_t base;
	switch (fl->l_whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)READ_ONCE(f->pos); break;
	case SEEK_END: base = (int64_t)READ_ONCE(f->inode->size); break;
	default: return -EINVAL;
	}
	if (fl->l_start > OFFSET_MAX - base)
		return -EOVERFLOW;
	int64_t start = base + fl->l_start;
	if (start < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > OFFSET_MAX - start)
			return -EOVERFLOW;
		r->end = start + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		if (start + fl->l_len < 0)
			return -EINVAL;
		r->end = start - 1;
		start += fl->l_len;
	} else {
		r->end = OFFSET_MAX;
	}
	r->start = start;
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK)
		return -EINVAL;
	r->type = fl->l_type;
	return 0;
}

static void range_to_flock(const struct record_lock *l, struct flock *fl)
{
	fl->l_type = l->type;
	fl->l_whence = SEEK_SET;
	fl->l_start = l->start;
	fl->l_len = l->end == OFFSET_MAX ? 0 : l->end - l->start + 1;
	fl->l_pid = l->pid;
}

static bool is_ofd(unsigned cmd) { return cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW; }

static long get_lock(struct file *f, unsigned cmd, struct flock *fl)
{
	if (!is_ofd(cmd) && fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return -EINVAL;
	struct record_lock request = { 0 };
	int err = flock_to_range(f, fl, &request);
	if (err)
		return err;
	request.owner = current->files;
	if (is_ofd(cmd)) {
		if (fl->l_pid != 0)
			return -EINVAL;
		request.owner = f;
	}
	file_locks_lock();
	struct record_lock *l = request.type == F_UNLCK ? own_lock(f->inode, &request)
							 : first_conflict(f->inode, &request);
	if (l)
		range_to_flock(l, fl);
	else
		fl->l_type = F_UNLCK;
	file_locks_unlock();
	return 0;
}

/* Sets the lock, sleeping for conflicts if wait: 0, -EAGAIN, -EDEADLK,
 * -ERESTARTSYS. Takes request and *spare. */
static long set_lock_wait(struct inode *inode, struct record_lock *request,
			  struct record_lock **spare, bool wait)
{
	struct lock_waiter me = { .owner = request->owner };
	bool queued = false;
	long err;
	for (;;) {
		file_locks_lock();
		struct record_lock *blocker = request->type == F_UNLCK ? NULL : first_conflict(inode, request);
		if (!blocker) {
			apply_lock(inode, request, spare);
			err = 0;
			break;
		}
		err = -EAGAIN;
		if (!wait)
			break;
		err = -EDEADLK;
		if (!request->ofd && would_deadlock(request->owner, blocker->owner))
			break;
		if (!request->ofd) {
			me.waits_for = blocker->owner;
			if (!queued)
				list_add_tail(&me.link, &waiters);
			queued = true;
		}
		uint64_t seen = file_locks_generation();
		file_locks_unlock();
		err = file_locks_wait(seen);
		if (err) {
			file_locks_lock();
			break;
		}
	}
	if (queued)
		list_del(&me.link);
	file_locks_unlock();
	if (err)
		kfree(request);
	return err;
}

static long set_lock(struct file *f, unsigned cmd, struct flock *fl)
{
	struct record_lock *request = kzalloc(sizeof(*request));
	struct record_lock *spare = kzalloc(sizeof(*spare));
	long err = -ENOLCK;
	if (!request || !spare)
		goto out;
	err = flock_to_range(f, fl, request);
	if (err)
		goto out;
	if ((request->type == F_RDLCK && !file_readable(f)) ||
	    (request->type == F_WRLCK && !file_writable(f))) {
		err = -EBADF;
		goto out;
	}
	request->owner = current->files;
	request->pid = current->tgid;
	if (is_ofd(cmd)) {
		err = -EINVAL;
		if (fl->l_pid != 0)
			goto out;
		request->owner = f;
		request->ofd = true;
		request->pid = -1;
	}
	bool wait = cmd == F_SETLKW || cmd == F_OFD_SETLKW;
	err = set_lock_wait(f->inode, request, &spare, wait);
	request = NULL;
out:
	kfree(request);
	kfree(spare);
	return err;
}

long fcntl_lock(struct file *f, unsigned cmd, void *user_flock)
{
	if (f->flags & O_PATH)
		return -EBADF;
	struct flock fl;
	if (copy_from_user(&fl, user_flock, sizeof(fl)))
		return -EFAULT;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		long err = get_lock(f, cmd, &fl);
		if (!err && copy_to_user(user_flock, &fl, sizeof(fl)))
			err = -EFAULT;
		return err;
	}
	return set_lock(f, cmd, &fl);
}

/* Drops every lock of the inode that matches (owner, ofd). */
static void remove_owned(struct inode *inode, void *owner)
{
	bool any = false;
	struct record_lock *l, *tmp;
	list_for_each_entry_safe(l, tmp, &inode->posix_locks, link) {
		if (l->owner != owner)
			continue;
		list_del(&l->link);
		kfree(l);
		any = true;
	}
	if (any)
		file_locks_released();
}

void locks_remove_posix(struct file *f, struct files *owner)
{
	/* Only this table's own calls add its locks: none there, none to find. */
	if (!f->inode || list_empty(&f->inode->posix_locks))
		return;
	file_locks_lock();
	remove_owned(f->inode, owner);
	file_locks_unlock();
}

void locks_remove_file(struct file *f)
{
	if (!f->inode || (list_empty(&f->inode->posix_locks) && list_empty(&f->inode->flocks)))
		return;
	file_locks_lock();
	remove_owned(f->inode, f);
	flock_remove_file(f);
	file_locks_unlock();
}
