/* The socket system calls that move data: send/sendto/sendmsg/sendmmsg
 * and recv/recvfrom/recvmsg/recvmmsg. Each turns the user's message into a
 * struct kmsghdr (a uio over the data, kernel copies of the address and
 * the control data), calls the family, and copies back what it says. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <x86/uaccess.h>
#include <syscall/syscalls.h>
#include <fs/file.h>
#include <net/socket.h>
#include <time/clock.h>
#include <linux/time_types.h>
#include "socket_internal.h"

#define CONTROL_MAX 65536           /* Linux's sysctl_optmem_max is 20480..131072 */
#define SMALL_IOV 8

/* A user msghdr made ready for the family. */
struct msg_in {
	struct kmsghdr k;
	struct uio uio;
	struct sockaddr_storage addr;
	struct iovec small[SMALL_IOV], *iov;
};

static int msg_prepare(const struct user_msghdr *um, struct msg_in *mi, bool send);

static void msg_free(struct msg_in *mi)
{
	if (mi->iov != mi->small)
		kfree(mi->iov);
	kfree(mi->k.control);
}

/* Copies in the iovecs (checked whole, as readv), the address (send) and
 * the control data (send: its contents; recv: room for it). */
static int msg_from_user(const struct user_msghdr *um, struct msg_in *mi, bool send)
{
	memset(mi, 0, sizeof(*mi));
	mi->iov = mi->small;
	if (um->msg_iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	int n = um->msg_iovlen;
	if (n > SMALL_IOV && !(mi->iov = kmalloc(n * sizeof(struct iovec))))
		return -ENOMEM;
	if (n && copy_from_user(mi->iov, um->msg_iov, n * sizeof(struct iovec)))
		return -EFAULT;
	return msg_prepare(um, mi, send);
}

/* The same for send/sendto/recv/recvfrom, whose one buffer is no iovec
 * in user memory. */
static int msg_from_buffer(void *ubuf, size_t len, struct msg_in *mi, const struct user_msghdr *um,
			   bool send)
{
	memset(mi, 0, sizeof(*mi));
	mi->iov = mi->small;
	mi->small[0] = (struct iovec){ .iov_base = ubuf, .iov_len = len };
	return msg_prepare(um, mi, send);
}

static int msg_prepare(const struct user_msghdr *um, struct msg_in *mi, bool send)
{
	int n = um->msg_iovlen;
	size_t total = 0;
	for (int i = 0; i < n; i++) {
		if ((ssize_t)mi->iov[i].iov_len < 0 || total + mi->iov[i].iov_len > INT32_MAX)
			return -EINVAL;
		total += mi->iov[i].iov_len;
	}
	uio_init(&mi->uio, mi->iov, n, total, true);
	mi->k.data = &mi->uio;
	if (send && um->msg_name && um->msg_namelen) {
		int err = sockaddr_from_user(&mi->addr, um->msg_name, um->msg_namelen);
		if (err)
			return err;
		mi->k.name = &mi->addr;
		mi->k.namelen = um->msg_namelen;
	} else if (!send && um->msg_name) {
		mi->k.name = &mi->addr;
	}
	size_t clen = um->msg_controllen;
	if (clen > CONTROL_MAX) {
		if (send)
			return -ENOBUFS;
		clen = CONTROL_MAX;
	}
	if (um->msg_control && clen) {
		if (!(mi->k.control = kzalloc(clen)))
			return -ENOMEM;
		if (send && copy_from_user(mi->k.control, um->msg_control, clen))
			return -EFAULT;
		mi->k.controllen = clen;
	}
	return 0;
}

static ssize_t do_sendmsg(struct socket *s, const struct user_msghdr *um, int flags)
{
	struct msg_in mi;
	ssize_t r = msg_from_user(um, &mi, true);
	if (!r)
		r = sock_sendmsg(s, &mi.k, flags);
	msg_free(&mi);
	return r;
}

/* Receives into *um and writes back what changed: msg_namelen,
 * msg_controllen, msg_flags (at uum, the user's copy). */
static ssize_t do_recvmsg(struct socket *s, struct user_msghdr *um, struct user_msghdr *uum, int flags)
{
	struct msg_in mi;
	ssize_t r = msg_from_user(um, &mi, false);
	if (!r)
		r = sock_recvmsg(s, &mi.k, flags);
	if (r >= 0) {
		int namelen = mi.k.namelen;
		if (um->msg_name && namelen && copy_to_user(um->msg_name, &mi.addr,
				namelen < um->msg_namelen ? namelen : (um->msg_namelen > 0 ? um->msg_namelen : 0)))
			r = -EFAULT;
		size_t cused = mi.k.control_used;
		if (cused && copy_to_user(um->msg_control, mi.k.control, cused))
			r = -EFAULT;
		if (uum && (copy_to_user(&uum->msg_namelen, &namelen, sizeof(namelen)) ||
			    copy_to_user(&uum->msg_controllen, &cused, sizeof(cused)) ||
			    copy_to_user(&uum->msg_flags, &mi.k.flags, sizeof(mi.k.flags))))
			r = -EFAULT;
		um->msg_namelen = namelen;
	}
	msg_free(&mi);
	return r;
}

long sys_sendto(int fd, const void *ubuf, size_t len, int flags, const struct sockaddr *uaddr, int addrlen)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	struct user_msghdr um = { .msg_name = (void *)uaddr, .msg_namelen = uaddr ? addrlen : 0,
				  .msg_iovlen = 1 };
	struct msg_in mi;
	ssize_t r = msg_from_buffer((void *)ubuf, len, &mi, &um, true);
	if (!r)
		r = sock_sendmsg(s, &mi.k, flags);
	msg_free(&mi);
	file_put(s->file);
	return r;
}

long sys_recvfrom(int fd, void *ubuf, size_t len, int flags, struct sockaddr *uaddr, int *ulen)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	struct user_msghdr um = { .msg_iovlen = 1 };
	int room = 0;
	ssize_t r = 0;
	if (uaddr && ulen) {
		if (copy_from_user(&room, ulen, sizeof(room)))
			r = -EFAULT;
		else if (room < 0)
			r = -EINVAL;
	}
	struct sockaddr_storage addr;
	if (!r) {
		struct msg_in mi;
		r = msg_from_buffer(ubuf, len, &mi, &um, false);
		if (!r) {
			if (uaddr && ulen)
				mi.k.name = &mi.addr;
			r = sock_recvmsg(s, &mi.k, flags);
			addr = mi.addr;
			um.msg_namelen = mi.k.namelen;
		}
		msg_free(&mi);
	}
	if (r >= 0 && uaddr && ulen) {
		int n = um.msg_namelen;
		if ((n && copy_to_user(uaddr, &addr, n < room ? n : room)) ||
		    copy_to_user(ulen, &n, sizeof(n)))
			r = -EFAULT;
	}
	file_put(s->file);
	return r;
}

long sys_sendmsg(int fd, const struct user_msghdr *umsg, int flags)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	struct user_msghdr um;
	ssize_t r = copy_from_user(&um, umsg, sizeof(um)) ? -EFAULT : do_sendmsg(s, &um, flags);
	file_put(s->file);
	return r;
}

long sys_recvmsg(int fd, struct user_msghdr *umsg, int flags)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	struct user_msghdr um;
	ssize_t r = copy_from_user(&um, umsg, sizeof(um)) ? -EFAULT : do_recvmsg(s, &um, umsg, flags);
	file_put(s->file);
	return r;
}

/* sendmmsg and recvmmsg: one message after another, each one's length in
 * its msg_len; the count done if any, else the first one's error (as
 * Linux). recvmmsg's MSG_WAITFORONE waits for the first message only;
 * its timeout (*end, in CLOCK_MONOTONIC ns) is looked at after each
 * message, as Linux's: it ends the batch, never a wait. */
static long mmsg_loop(int fd, struct mmsghdr *uvec, unsigned vlen, int flags, bool recv, const uint64_t *end)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	unsigned done = 0;
	ssize_t r = 0;
	while (done < vlen) {
		struct user_msghdr um;
		struct user_msghdr *uhdr = &uvec[done].msg_hdr;
		if (copy_from_user(&um, uhdr, sizeof(um))) {
			r = -EFAULT;
			break;
		}
		r = recv ? do_recvmsg(s, &um, uhdr, flags & ~MSG_WAITFORONE) : do_sendmsg(s, &um, flags);
		if (r < 0)
			break;
		unsigned len = r;
		if (copy_to_user(&uvec[done].msg_len, &len, sizeof(len))) {
			r = -EFAULT;
			break;
		}
		done++;
		if (recv && (flags & MSG_WAITFORONE))
			flags |= MSG_DONTWAIT;
		if (end && clock_now_ns() >= *end)
			break;
	}
	/* recvmmsg cut short by an error after some messages returns their
	 * count and keeps the error for the socket's next call (POLLERR
	 * meanwhile), as Linux's; sendmmsg's is lost. Not EAGAIN (the end of
	 * the queue), nor a signal's restart code. */
	if (recv && done && r < 0 && r != -EAGAIN && -r < ERESTARTSYS)
		__atomic_store_n(&s->error, (int)r, __ATOMIC_RELEASE);
	file_put(s->file);
	return done ? (long)done : r;
}

long sys_sendmmsg(int fd, struct mmsghdr *uvec, unsigned vlen, int flags)
{
	return mmsg_loop(fd, uvec, vlen, flags, false, NULL);
}

/* A timeout is checked (EFAULT, EINVAL) before the fd, and gets the time
 * left written back when messages came, as Linux's. */
long sys_recvmmsg(int fd, struct mmsghdr *uvec, unsigned vlen, int flags, struct __kernel_timespec *timeout)
{
	uint64_t ns, end;
	if (timeout) {
		long err = timespec_from_user(timeout, &ns);
		if (err)
			return err;
		end = clock_now_ns() + ns;
	}
	long r = mmsg_loop(fd, uvec, vlen, flags, true, timeout ? &end : NULL);
	if (r > 0 && timeout) {
		uint64_t now = clock_now_ns(), left = end > now ? end - now : 0;
		struct __kernel_timespec ts = { .tv_sec = left / NSEC_PER_SEC, .tv_nsec = left % NSEC_PER_SEC };
		if (copy_to_user(timeout, &ts, sizeof(ts)))
			r = -EFAULT;
	}
	return r;
}
