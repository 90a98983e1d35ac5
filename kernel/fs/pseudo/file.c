/* The pseudo-file framework's regular files (fs/pseudofs.h): show()
 * prints the whole file into a snapshot, and read, pread and lseek work
 * on that snapshot, as Linux's single_open seq_files do: a read at offset
 * 0 takes a new one (so lseek(fd, 0) and read again sees fresh figures,
 * as top does), any other read uses the one there is. A write hands one
 * page at most to store(). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/mutex.h>
#include <mm/kmalloc.h>
#include <x86/memlayout.h>
#include <linux/fs.h>
#include <fs/fs.h>
#include <fs/file.h>
#include "pseudo.h"

/* One snapshot, shared by the reads copying out of it: referenced, so a
 * read copies to user memory with no lock held while another read at
 * offset 0 replaces it. */
struct snapshot {
	int refcount;
	struct pbuf buf;
};

struct pseudo_open {
	struct mutex lock;          /* snap */
	struct snapshot *snap;
};

static void snap_put(struct snapshot *s)
{
	if (s && __atomic_sub_fetch(&s->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		pbuf_free(&s->buf);
		kfree(s);
	}
}

/* Runs show() into a new snapshot (it may sleep: no lock held). */
static int snap_take(struct pseudo_node *n, struct snapshot **result)
{
	struct snapshot *s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->refcount = 1;
	pbuf_init(&s->buf);
	int err = n->entry->show ? n->entry->show(&s->buf, &n->ctx) : -EINVAL;
	if (!err && s->buf.overflow)
		err = -ENOMEM;
	if (err) {
		snap_put(s);
		return err;
	}
	*result = s;
	return 0;
}

/* The snapshot a read at pos uses, referenced. */
static int snap_for_read(struct file *f, uint64_t pos, struct snapshot **result)
{
	struct pseudo_open *o = f->private;
	struct pseudo_node *n = pseudo_node(f->inode);
	mutex_lock(&o->lock);
	struct snapshot *s = pos == 0 ? NULL : o->snap;
	if (s)
		__atomic_add_fetch(&s->refcount, 1, __ATOMIC_RELAXED);
	mutex_unlock(&o->lock);
	if (s) {
		*result = s;
		return 0;
	}
	int err = snap_take(n, &s);
	if (err)
		return err;
	mutex_lock(&o->lock);
	struct snapshot *old = o->snap;
	o->snap = s;
	__atomic_add_fetch(&s->refcount, 1, __ATOMIC_RELAXED);
	mutex_unlock(&o->lock);
	snap_put(old);
	*result = s;
	return 0;
}

static ssize_t pseudo_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct snapshot *s;
	int err = snap_for_read(f, *pos, &s);
	if (err)
		return err;
	ssize_t done = 0;
	if (*pos < s->buf.len) {
		size_t n = s->buf.len - *pos;
		if (n > u->resid)
			n = u->resid;
		done = uio_copy_out(u, s->buf.data + *pos, n);
		if (done == 0 && n)
			done = -EFAULT;
		else
			*pos += done;
	}
	snap_put(s);
	return done;
}

static ssize_t pseudo_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pseudo_node *n = pseudo_node(f->inode);
	if (!n->entry->store)
		return -EINVAL;
	size_t count = u->resid;
	size_t len = count < PAGE_SIZE - 1 ? count : PAGE_SIZE - 1;
	char *data = kmalloc(len + 1);
	if (!data)
		return -ENOMEM;
	if (uio_copy_in(u, data, len) != len) {
		kfree(data);
		return -EFAULT;
	}
	data[len] = 0;
	int err = n->entry->store(&n->ctx, data, len);
	kfree(data);
	if (err)
		return err;
	*pos += count;
	return count;       /* all of it, as Linux's comm and sysctl files say */
}

/* As seq_lseek: SEEK_SET and SEEK_CUR only; the offset is anywhere >= 0. */
static int64_t pseudo_llseek(struct file *f, int64_t offset, int whence)
{
	int64_t pos = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)f->pos : -1;
	if (pos < 0 || __builtin_add_overflow(pos, offset, &pos) || pos < 0)
		return -EINVAL;
	return pos;
}

static int pseudo_open(struct inode *inode, struct file *f)
{
	int err = pseudo_check_access(pseudo_node(inode));
	if (err)
		return err;
	struct pseudo_open *o = kzalloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	mutex_init(&o->lock);
	f->private = o;
	return 0;
}

static void pseudo_release(struct file *f)
{
	struct pseudo_open *o = f->private;
	if (o)
		snap_put(o->snap);
	kfree(o);
}

const struct inode_operations pseudo_file_iops = {
	.revalidate = pseudo_revalidate,
};

const struct file_operations pseudo_file_fops = {
	.read = pseudo_read,
	.write = pseudo_write,
	.llseek = pseudo_llseek,
	.open = pseudo_open,
	.release = pseudo_release,
};
