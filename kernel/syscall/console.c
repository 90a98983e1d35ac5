/* write and writev, for the console only: fds 1 and 2 (and 0, which on a
 * terminal is open for writing too). The files issue replaces this with
 * the descriptor table and struct file; the argument checks stay. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <linux/uio.h>
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

long sys_writev(int fd, const struct iovec *uiov, int iovcnt)
{
	if (!is_console(fd))
		return -EBADF;
	if (iovcnt < 0 || iovcnt > UIO_MAXIOV)
		return -EINVAL;
	/* Check every vector before writing anything, as Linux does. */
	struct iovec iov[16];
	size_t total = 0;
	for (int base = 0; base < iovcnt; base += 16) {
		int n = iovcnt - base < 16 ? iovcnt - base : 16;
		if (copy_from_user(iov, uiov + base, n * sizeof(iov[0])))
			return -EFAULT;
		for (int i = 0; i < n; i++) {
			if ((ssize_t)iov[i].iov_len < 0 || total + iov[i].iov_len < total)
				return -EINVAL;
			total += iov[i].iov_len;
		}
	}
	long written = 0;
	for (int base = 0; base < iovcnt; base += 16) {
		int n = iovcnt - base < 16 ? iovcnt - base : 16;
		if (copy_from_user(iov, uiov + base, n * sizeof(iov[0])))
			return written ? written : -EFAULT;
		for (int i = 0; i < n; i++) {
			long r = console_write_user(iov[i].iov_base, iov[i].iov_len);
			if (r < 0)
				return written ? written : r;
			written += r;
			if ((size_t)r < iov[i].iov_len)
				return written;
		}
	}
	return written;
}
