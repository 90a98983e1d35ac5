/* struct file (fs/file.h): allocation, references, and the uio copies
 * that move a read's or write's bytes between a file and its caller. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <x86/uaccess.h>
#include <mm/mm.h>
#include <fs/file.h>
#include <fs/dentry.h>
#include <fs/locks.h>
#include <fs/eventpoll.h>

struct file *file_alloc(struct inode *inode, unsigned flags, const struct file_operations *fop)
{
	struct file *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->refcount = 1;
	f->flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	mutex_init(&f->pos_lock);
	list_init(&f->epoll_items);
	f->inode = inode;
	f->fop = fop;
	return f;
}

/* Does f write to its filesystem? A device, fifo or socket written to
 * does not (Linux's FMODE_WRITER: not for special files), so a tty open
 * for writing does not keep /dev from being remounted read-only. */
static bool writes_to_fs(const struct file *f)
{
	uint32_t mode = f->inode->mode;
	return file_writable(f) && (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode));
}

int file_open_path(struct path *p, unsigned flags, struct file **result)
{
	struct inode *inode = p->dentry->inode;
	iref(inode);
	struct file *f = file_alloc(inode, flags, inode->fop);
	if (!f) {
		iput(inode);
		path_put(p);
		return -ENOMEM;
	}
	f->dentry = p->dentry;
	f->mnt = p->mnt;
	mount_pin(f->mnt);          /* umount: EBUSY while the file is open */
	if (writes_to_fs(f))
		mount_pin_writer(f->mnt);   /* and remount read-only */
	if (!(flags & O_PATH) && f->fop && f->fop->open) {
		int err = f->fop->open(inode, f);
		if (err) {
			f->fop = NULL;      /* no release for a file that never opened */
			file_put(f);
			return err;
		}
	}
	*result = f;
	return 0;
}

void file_get(struct file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	locks_remove_file(f);
	eventpoll_release(f, &f->epoll_items);
	if (f->fop && f->fop->release && !(f->flags & O_PATH))
		f->fop->release(f);
	if (f->dentry)
		dput(f->dentry);
	mount_unpin(f->mnt);
	if (writes_to_fs(f))
		mount_unpin_writer(f->mnt);
	iput(f->inode);
	kfree(f);
}

/* --- uio --------------------------------------------------------------------- */

void uio_init(struct uio *u, const struct iovec *iov, int iovcnt, size_t total, bool user)
{
	u->iov = iov;
	u->iovcnt = iovcnt;
	u->iov_off = 0;
	u->resid = total;
	u->user = user;
}

void uio_init_single(struct uio *u, void *buf, size_t len, bool user)
{
	u->single.iov_base = buf;
	u->single.iov_len = len;
	uio_init(u, &u->single, 1, len, user);
}

/* Copies up to n bytes between kbuf and the current segments, a page of
 * user memory at a time, so a fault midway still reports the bytes that
 * made it (as Linux's partial reads and writes do). */
static size_t uio_move(struct uio *u, void *kbuf, size_t n, bool out)
{
	size_t done = 0;
	while (done < n && u->resid) {
		while (u->iov_off == u->iov->iov_len) {
			u->iov++;
			u->iovcnt--;
			u->iov_off = 0;
		}
		char *ubuf = (char *)u->iov->iov_base + u->iov_off;
		size_t chunk = u->iov->iov_len - u->iov_off;
		if (chunk > n - done)
			chunk = n - done;
		if (u->user) {
			size_t to_page = 4096 - ((uint64_t)ubuf & 4095);
			if (chunk > to_page)
				chunk = to_page;
			long err = out ? copy_to_user(ubuf, (char *)kbuf + done, chunk)
				       : copy_from_user((char *)kbuf + done, ubuf, chunk);
			if (err)
				break;
		} else if (out) {
			memcpy(ubuf, (char *)kbuf + done, chunk);
		} else {
			memcpy((char *)kbuf + done, ubuf, chunk);
		}
		done += chunk;
		u->iov_off += chunk;
		u->resid -= chunk;
	}
	return done;
}

size_t uio_copy_out(struct uio *u, const void *src, size_t n) { return uio_move(u, (void *)src, n, true); }
size_t uio_copy_in(struct uio *u, void *dst, size_t n) { return uio_move(u, dst, n, false); }

size_t uio_fault_in(const struct uio *u, size_t n, bool write)
{
	if (n > u->resid)
		n = u->resid;
	if (!u->user)
		return n;
	size_t done = 0, off = u->iov_off;
	for (const struct iovec *iov = u->iov; done < n; iov++, off = 0) {
		uint64_t start = (uint64_t)iov->iov_base + off;
		size_t len = iov->iov_len - off < n - done ? iov->iov_len - off : n - done;
		/* One fault per page the segment touches. */
		for (size_t i = 0; i < len; i += 4096 - ((start + i) & 4095))
			if (!vm_fault_in(start + i, write))
				return done + i;
		done += len;
	}
	return done;
}

ssize_t kernel_read(struct file *f, void *buf, size_t count, uint64_t pos)
{
	if (!f->fop || !f->fop->read)
		return -EINVAL;
	struct uio u;
	uio_init_single(&u, buf, count, false);
	return f->fop->read(f, &u, &pos);
}
