/* write and writev, for the console only: fds 1 and 2 (and 0, which on a
 * terminal is open for writing too). The files issue replaces this with
 * the descriptor table and struct file; the argument checks stay. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <linux/uio.h>
#include <mm/kmalloc.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>

#define CHUNK 256

static bool is_console(int fd)
{
	return fd >= 0 && fd <= 2;
}

/* Copies in pieces: the buffer may be large, and is checked piece by
 * piece as Linux does (a fault after some bytes went out returns the
 * count written so far). */
static long console_write_user(const char *buf, size_t count)
{
	char chunk[CHUNK];
	size_t done = 0;
	while (done < count) {
		size_t n = count - done < CHUNK ? count - done : CHUNK;
		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return done;
}

long sys_write(int fd, const void *buf, size_t count)
{
	if (!is_console(fd))
		return -EBADF;
	if ((ssize_t)count < 0)
		return -EINVAL;
	return console_write_user(buf, count);
}

/* Copies the whole vector in once and checks it before anything is
 * written, as Linux does (a bad length fails the call up front). A fault
 * after some bytes went out returns the count written so far. */
long sys_writev(int fd, const struct iovec *uiov, int iovcnt)
{
	if (!is_console(fd))
		return -EBADF;
	if (iovcnt < 0 || iovcnt > UIO_MAXIOV)
		return -EINVAL;
	struct iovec small[8], *iov = iovcnt <= 8 ? small : kmalloc(iovcnt * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	long err = copy_from_user(iov, uiov, iovcnt * sizeof(*iov));
	size_t total = 0;
	for (int i = 0; !err && i < iovcnt; i++) {
		if ((ssize_t)iov[i].iov_len < 0 || total + iov[i].iov_len < total)
			err = -EINVAL;
		total += iov[i].iov_len;
	}
	long written = 0;
	for (int i = 0; !err && i < iovcnt; i++) {
		long r = console_write_user(iov[i].iov_base, iov[i].iov_len);
		if (r < 0)
			err = r;
		else
			written += r;
		if (r < 0 || (size_t)r < iov[i].iov_len)
			break;
	}
	if (iov != small)
		kfree(iov);
	return written ? written : err;
}
