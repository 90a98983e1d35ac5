/* read, write and their relatives: the syscalls that move bytes through a
 * struct file's operations. Nothing here knows what kind of file it is. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/compiler.h>
#include <mm/kmalloc.h>
#include <x86/memlayout.h>
#include <x86/uaccess.h>
#include <linux/fs.h>
#include <linux/stat.h>
#include <syscall/syscalls.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/pagecache.h>
#include <linux/fadvise.h>

/* Linux caps one read or write at just under 2 GiB. */
#define MAX_RW_COUNT (INT32_MAX & ~4095ul)

/* Directories seek to getdents cookies; regular files anywhere. */
static int64_t dir_llseek(struct file *f, int64_t offset, int whence)
{
	int64_t pos = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)f->pos : -1;
	if (pos < 0 || __builtin_add_overflow(pos, offset, &pos) || pos < 0)
		return -EINVAL;
	return pos;
}

static int64_t (*llseek_op(struct file *f))(struct file *, int64_t, int)
{
	if (f->fop && f->fop->llseek)
		return f->fop->llseek;
	return S_ISDIR(f->inode->mode) ? dir_llseek : NULL;
}

int64_t noop_llseek(struct file *f, int64_t offset, int whence)
{
	return 0;
}

static bool has_offset(struct file *f)
{
	/* Files that cannot seek (pipes, terminals) have no offset: pread on
	 * them is -ESPIPE. */
	return llseek_op(f) != NULL && llseek_op(f) != noop_llseek;
}

/* Linux's access_ok: every user segment lies in the user half. A count
 * no buffer can have (read(fd, buf, SIZE_MAX)) is EFAULT, not EINVAL. */
static bool uio_in_user_half(const struct uio *u)
{
	for (int i = 0; u->user && i < u->iovcnt; i++) {
		uint64_t base = (uint64_t)u->iov[i].iov_base, len = u->iov[i].iov_len;
		if (len > USER_TOP || base > USER_TOP - len)
			return false;
	}
	return true;
}

/* Linux's rw_verify_area: the offset plus the whole count (before the cut
 * to MAX_RW_COUNT) must stay a file offset, or the call fails before
 * anything moves. */
static bool bad_range(int64_t pos, size_t count)
{
	return pos < 0 || count > (uint64_t)(INT64_MAX - pos);
}

/* The one path for every read and write. pos is the caller's offset for
 * pread/pwrite, or NULL for the file's own (then under its lock). */
static ssize_t do_rw(struct file *f, struct uio *u, int64_t *explicit_pos, bool write)
{
	if (explicit_pos && !has_offset(f))
		return -ESPIPE;         /* before the mode, as Linux's pread */
	if (write ? !file_writable(f) : !file_readable(f))
		return -EBADF;
	ssize_t (*op)(struct file *, struct uio *, uint64_t *) = write ? f->fop->write : f->fop->read;
	if (!op)
		return S_ISDIR(f->inode->mode) ? -EISDIR : -EINVAL;
	if (!uio_in_user_half(u))
		return -EFAULT;
	size_t count = u->resid;
	if (u->resid > MAX_RW_COUNT)
		u->resid = MAX_RW_COUNT;    /* the segments past it are left alone */
	if (explicit_pos) {
		if (bad_range(*explicit_pos, count))
			return -EINVAL;
		uint64_t pos = *explicit_pos;
		return op(f, u, &pos);
	}
	if (!has_offset(f)) {
		uint64_t pos = 0;
		return op(f, u, &pos);
	}
	mutex_lock(&f->pos_lock);
	uint64_t pos = f->pos;
	ssize_t r = bad_range(pos, count) ? -EINVAL : op(f, u, &pos);
	if (r > 0)
		f->pos = pos;
	mutex_unlock(&f->pos_lock);
	return r;
}

ssize_t kernel_write(struct file *f, const void *buf, size_t count)
{
	struct uio u;
	uio_init_single(&u, (void *)buf, count, false);
	return do_rw(f, &u, NULL, true);
}

static ssize_t rw_single(int fd, void *buf, size_t count, int64_t *pos, bool write)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	struct uio u;
	uio_init_single(&u, buf, count, true);
	ssize_t r = do_rw(f, &u, pos, write);
	file_put(f);
	return r;
}

long sys_read(int fd, void *buf, size_t count) { return rw_single(fd, buf, count, NULL, false); }
long sys_write(int fd, const void *buf, size_t count) { return rw_single(fd, (void *)buf, count, NULL, true); }

long sys_pread64(int fd, void *buf, size_t count, int64_t pos)
{
	return rw_single(fd, buf, count, &pos, false);
}

long sys_pwrite64(int fd, const void *buf, size_t count, int64_t pos)
{
	return rw_single(fd, (void *)buf, count, &pos, true);
}

/* The iovec array is copied in and checked whole before anything moves,
 * as Linux does: a negative length fails the call up front (EINVAL), a
 * segment outside the user half next (EFAULT, in do_rw); the total is cut
 * to MAX_RW_COUNT before the offset is checked against it. */
static ssize_t rw_vector(int fd, const struct iovec *uiov, int iovcnt, int64_t *pos, bool write)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	ssize_t r = 0;
	struct iovec small[8], *iov = small;
	if (iovcnt < 0 || iovcnt > UIO_MAXIOV)
		r = -EINVAL;
	else if (iovcnt > 8 && !(iov = kmalloc(iovcnt * sizeof(*iov))))
		r = -ENOMEM;
	if (!r && copy_from_user(iov, uiov, iovcnt * sizeof(*iov)))
		r = -EFAULT;
	size_t total = 0;
	for (int i = 0; !r && i < iovcnt; i++) {
		if ((ssize_t)iov[i].iov_len < 0)
			r = -EINVAL;
		total += iov[i].iov_len;
		if (total > MAX_RW_COUNT)
			total = MAX_RW_COUNT;   /* cannot wrap: each is below 2^63 */
	}
	if (!r) {
		struct uio u;
		uio_init(&u, iov, iovcnt, total, true);
		r = do_rw(f, &u, pos, write);
	}
	if (iov != small)
		kfree(iov);
	file_put(f);
	return r;
}

long sys_readv(int fd, const struct iovec *iov, int iovcnt) { return rw_vector(fd, iov, iovcnt, NULL, false); }
long sys_writev(int fd, const struct iovec *iov, int iovcnt) { return rw_vector(fd, iov, iovcnt, NULL, true); }

long sys_preadv(int fd, const struct iovec *iov, int iovcnt, uint64_t pos_l, uint64_t pos_h)
{
	int64_t pos = pos_l;    /* x86_64 passes the whole offset in pos_l */
	return rw_vector(fd, iov, iovcnt, &pos, false);
}

long sys_pwritev(int fd, const struct iovec *iov, int iovcnt, uint64_t pos_l, uint64_t pos_h)
{
	int64_t pos = pos_l;
	return rw_vector(fd, iov, iovcnt, &pos, true);
}

/* preadv2/pwritev2: an offset of -1 is the file's own; RWF_HIPRI and
 * RWF_NOWAIT change nothing here (no polled I/O; a read may still wait
 * for the disk), RWF_DSYNC/RWF_SYNC write the file back afterwards,
 * RWF_APPEND writes at the end of the file as it was at the call (not
 * under the file's lock, unlike O_APPEND); any other flag is EOPNOTSUPP. */
#define RWF_KNOWN (RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND)

static ssize_t rw_vector2(int fd, const struct iovec *iov, int iovcnt, int64_t pos, int flags, bool write)
{
	if (flags & ~RWF_KNOWN)
		return -EOPNOTSUPP;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (write && (flags & RWF_APPEND) && S_ISREG(f->inode->mode))
		pos = READ_ONCE(f->inode->size);
	ssize_t r = rw_vector(fd, iov, iovcnt, pos == -1 ? NULL : &pos, write);
	if (r > 0 && write && (flags & (RWF_DSYNC | RWF_SYNC)) && f->fop->fsync)
		f->fop->fsync(f, !(flags & RWF_SYNC));
	file_put(f);
	return r;
}

long sys_preadv2(int fd, const struct iovec *iov, int iovcnt, uint64_t pos_l, uint64_t pos_h, int flags)
{
	return rw_vector2(fd, iov, iovcnt, (int64_t)pos_l, flags, false);
}

long sys_pwritev2(int fd, const struct iovec *iov, int iovcnt, uint64_t pos_l, uint64_t pos_h, int flags)
{
	return rw_vector2(fd, iov, iovcnt, (int64_t)pos_l, flags, true);
}

long sys_lseek(int fd, int64_t offset, unsigned whence)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r;
	if (whence > SEEK_MAX) {
		r = -EINVAL;            /* before anything else, as Linux */
	} else if (llseek_op(f) == noop_llseek) {
		r = 0;
	} else if (!has_offset(f)) {
		r = -ESPIPE;
	} else {
		mutex_lock(&f->pos_lock);
		r = llseek_op(f)(f, offset, whence);
		if (r >= 0)
			f->pos = r;
		mutex_unlock(&f->pos_lock);
	}
	file_put(f);
	return r;
}

static long do_fsync(int fd, bool datasync)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r;
	if (f->fop && f->fop->fsync)
		r = f->fop->fsync(f, datasync);
	else if (S_ISDIR(f->inode->mode))
		r = inode_sync(f->inode) ?: super_sync_metadata(f->inode->sb);
	else
		r = -EINVAL;
	file_put(f);
	return r;
}

long sys_fsync(int fd) { return do_fsync(fd, false); }
long sys_fdatasync(int fd) { return do_fsync(fd, true); }

long sys_sync(void)
{
	sync_filesystems(NULL);
	return 0;
}

/* posix_fadvise: only DONTNEED does anything here, dropping the file's
 * clean cached pages (after writing dirty ones back), as Linux does; the
 * rest are hints a kernel may ignore. */
long sys_fadvise64(int fd, int64_t offset, int64_t len, int advice)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r = 0;
	if (advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE || len < 0)
		r = -EINVAL;
	else if (!has_offset(f))
		r = -ESPIPE;
	else if (advice == POSIX_FADV_DONTNEED && S_ISREG(f->inode->mode)) {
		struct inode *inode = f->inode;
		inode_sync(inode);
		mutex_lock(&inode->lock);
		pagecache_drop_clean(inode);
		mutex_unlock(&inode->lock);
	}
	file_put(f);
	return r;
}

/* sendfile: count bytes from in_fd (at *offset, or its own offset) to
 * out_fd, through a kernel buffer. Stops early when a write is short; the
 * input advances by what was written, not what was read. */
#define SENDFILE_CHUNK (64 * 1024)

/* Copies up to count bytes from in at *pos_in to out at *pos_out (NULL:
 * out's own offset) through a kernel buffer, advancing the positions by
 * what was written: sendfile's and copy_file_range's loop. Stops early
 * when a write is short. Bytes copied, or the error if none were. */
static long copy_through_buffer(struct file *in, int64_t *pos_in, struct file *out, int64_t *pos_out,
				size_t count)
{
	uint8_t *buf = kmalloc(SENDFILE_CHUNK);
	if (!buf)
		return -ENOMEM;
	size_t done = 0;
	long err = 0;
	while (done < count) {
		size_t n = count - done < SENDFILE_CHUNK ? count - done : SENDFILE_CHUNK;
		struct uio u;
		uio_init_single(&u, buf, n, false);
		int64_t rpos = *pos_in;
		ssize_t got = do_rw(in, &u, &rpos, false);
		if (got <= 0) {
			err = got;
			break;
		}
		uio_init_single(&u, buf, got, false);
		ssize_t put = do_rw(out, &u, pos_out, true);
		if (put <= 0) {
			err = put;
			break;
		}
		*pos_in += put;
		if (pos_out)
			*pos_out += put;
		done += put;
		if (put < got)
			break;
	}
	kfree(buf);
	return done ? (long)done : err;
}

static long do_sendfile(struct file *in, struct file *out, int64_t *pos, size_t count)
{
	if (!file_readable(in) || !file_writable(out))
		return -EBADF;
	if (in == out || (out->flags & O_APPEND) || !has_offset(in))
		return -EINVAL;
	/* As for read: the offset plus the whole count (before it is cut to
	 * MAX_RW_COUNT) must stay a file offset. */
	if (*pos < 0 || count > (uint64_t)(INT64_MAX - *pos))
		return -EINVAL;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	return copy_through_buffer(in, pos, out, NULL, count);
}

long sys_sendfile(int out_fd, int in_fd, int64_t *uoffset, size_t count)
{
	struct file *in = fd_get(in_fd), *out = fd_get(out_fd);
	long r = in && out ? 0 : -EBADF;
	int64_t pos = 0;
	if (!r && uoffset) {
		if (copy_from_user(&pos, uoffset, sizeof(pos)))
			r = -EFAULT;
		else if (pos < 0)
			r = -EINVAL;
		if (!r) {
			r = do_sendfile(in, out, &pos, count);
			if (r >= 0 && copy_to_user(uoffset, &pos, sizeof(pos)))
				r = -EFAULT;
		}
	} else if (!r) {
		/* The input's own offset, read before and stored after, as
		 * Linux does, without holding in->pos_lock meanwhile: writing
		 * to out takes out->pos_lock, and a sendfile the other way
		 * round would take the two in the opposite order. */
		mutex_lock(&in->pos_lock);
		pos = in->pos;
		mutex_unlock(&in->pos_lock);
		r = do_sendfile(in, out, &pos, count);
		if (r > 0) {
			mutex_lock(&in->pos_lock);
			in->pos = pos;
			mutex_unlock(&in->pos_lock);
		}
	}
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return r;
}

/* copy_file_range: len bytes from in (at *pos_in) to out (at *pos_out),
 * both regular files of one filesystem (EXDEV otherwise: Linux copies
 * across filesystems only where both have the same copy method, and
 * programs fall back to read and write), through a kernel buffer as
 * sendfile does. Linux's generic_copy_file_checks come first. */
static long copy_checks(struct file *in, int64_t pos_in, struct file *out, int64_t pos_out, size_t *len)
{
	struct inode *iin = in->inode, *iout = out->inode;
	if (S_ISDIR(iin->mode) || S_ISDIR(iout->mode))
		return -EISDIR;
	if (!S_ISREG(iin->mode) || !S_ISREG(iout->mode))
		return -EINVAL;
	if (!file_readable(in) || !file_writable(out) || (out->flags & O_APPEND))
		return -EBADF;
	if (iin->sb != iout->sb)
		return -EXDEV;
	if ((uint64_t)pos_in + *len < (uint64_t)pos_in || (uint64_t)pos_out + *len < (uint64_t)pos_out)
		return -EOVERFLOW;
	if (pos_in < 0 || pos_out < 0 || bad_range(pos_in, *len) || bad_range(pos_out, *len))
		return -EINVAL;
	uint64_t size = READ_ONCE(iin->size);
	if ((uint64_t)pos_in >= size)
		*len = 0;
	else if (*len > size - pos_in)
		*len = size - pos_in;
	if ((uint64_t)pos_out >= iout->sb->max_bytes && *len)
		return -EFBIG;
	if (iin == iout && pos_out + (int64_t)*len > pos_in && pos_out < pos_in + (int64_t)*len)
		return -EINVAL;
	return 0;
}

static long copy_range(struct file *in, int64_t *pos_in, struct file *out, int64_t *pos_out, size_t len)
{
	long r = copy_checks(in, *pos_in, out, *pos_out, &len);
	if (r || !len)
		return r;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	return copy_through_buffer(in, pos_in, out, pos_out, len);
}

/* An offset from the caller (EFAULT) or the file's own. */
static long offset_in(struct file *f, const int64_t *upos, int64_t *pos)
{
	if (upos)
		return copy_from_user(pos, upos, sizeof(*pos)) ? -EFAULT : 0;
	mutex_lock(&f->pos_lock);
	*pos = f->pos;
	mutex_unlock(&f->pos_lock);
	return 0;
}

static long offset_out(struct file *f, int64_t *upos, int64_t pos)
{
	if (upos)
		return copy_to_user(upos, &pos, sizeof(pos)) ? -EFAULT : 0;
	mutex_lock(&f->pos_lock);
	f->pos = pos;
	mutex_unlock(&f->pos_lock);
	return 0;
}

long sys_copy_file_range(int fd_in, int64_t *off_in, int fd_out, int64_t *off_out, size_t len,
			 unsigned flags)
{
	if (flags)
		return -EINVAL;
	struct file *in = fd_get(fd_in), *out = in ? fd_get(fd_out) : NULL;
	int64_t pos_in = 0, pos_out = 0;
	long r = in && out ? 0 : -EBADF;
	if (!r)
		r = offset_in(in, off_in, &pos_in);
	if (!r)
		r = offset_in(out, off_out, &pos_out);
	if (!r)
		r = copy_range(in, &pos_in, out, &pos_out, len);
	if (r > 0 && (offset_out(in, off_in, pos_in) || offset_out(out, off_out, pos_out)))
		r = -EFAULT;
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return r;
}
