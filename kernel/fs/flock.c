/* flock(2): a shared or exclusive lock on a whole file, owned by the open
 * file (so a forked child sharing it shares the lock), dropped at its
 * last close or by LOCK_UN. As on Linux, a conversion is not atomic: the
 * old lock goes first, so LOCK_NB may leave the caller with none. Lists
 * and sleeping are fs/locks.c's (fs/locks.h). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/list.h>
#include <mm/kmalloc.h>
#include <syscall/syscalls.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/locks.h>

struct flock_lock {
	struct list_head link;      /* in inode->flocks */
	struct file *file;
	int type;                   /* LOCK_SH or LOCK_EX */
};

static struct flock_lock *find_own(struct inode *inode, struct file *f)
{
	struct flock_lock *l;
	list_for_each_entry(l, &inode->flocks, link)
		if (l->file == f)
			return l;
	return NULL;
}

static bool conflicts(struct inode *inode, struct file *f, int type)
{
	struct flock_lock *l;
	list_for_each_entry(l, &inode->flocks, link)
		if (l->file != f && (type == LOCK_EX || l->type == LOCK_EX))
			return true;
	return false;
}

static void drop(struct flock_lock *l)
{
	list_del(&l->link);
	kfree(l);
	file_locks_released();
}

void flock_remove_file(struct file *f)
{
	struct flock_lock *l = find_own(f->inode, f);
	if (l)
		drop(l);
}

/* Takes (or converts to) a lock of type, waiting if wait: 0, -EAGAIN,
 * -ERESTARTSYS. */
static long flock_take(struct file *f, int type, bool wait, struct flock_lock *n)
{
	struct inode *inode = f->inode;
	long err;
	for (;;) {
		file_locks_lock();
		struct flock_lock *old = find_own(inode, f);
		if (old && old->type == type) {
			err = 0;
			break;
		}
		if (old)
			drop(old);
		if (!conflicts(inode, f, type)) {
			n->file = f;
			n->type = type;
			list_add_tail(&n->link, &inode->flocks);
			n = NULL;
			err = 0;
			break;
		}
		err = -EWOULDBLOCK;
		if (!wait)
			break;
		uint64_t seen = file_locks_generation();
		file_locks_unlock();
		err = file_locks_wait(seen);
		if (err) {
			kfree(n);
			return err;
		}
	}
	file_locks_unlock();
	kfree(n);
	return err;
}

long sys_flock(int fd, unsigned cmd)
{
	if (cmd & LOCK_MAND)    /* ignored since Linux 5.18 */
		return 0;
	unsigned op = cmd & ~LOCK_NB;
	if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long err = -EBADF;
	if (f->flags & O_PATH)
		goto out;
	if (op == LOCK_UN) {
		file_locks_lock();
		flock_remove_file(f);
		file_locks_unlock();
		err = 0;
		goto out;
	}
	struct flock_lock *n = kzalloc(sizeof(*n));
	err = -ENOLCK;
	if (n)
		err = flock_take(f, op, !(cmd & LOCK_NB), n);
out:
	file_put(f);
	return err;
}
