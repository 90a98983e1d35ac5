/* The socket system calls that are not about moving data: making,
 * naming, connecting and configuring sockets (data: socket_msg.c). Each
 * checks what Linux checks in the same order, then calls the family. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <x86/uaccess.h>
#include <syscall/syscalls.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <net/socket.h>
#include "socket_internal.h"

/* socket(2)'s type argument: the type and the SOCK_NONBLOCK/CLOEXEC flags. */
static int split_type(int *type, unsigned *flags)
{
	*flags = *type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (*type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	*type &= SOCK_TYPE_MASK;
	return 0;
}

long sys_socket(int family, int type, int protocol)
{
	unsigned flags;
	int err = split_type(&type, &flags);
	if (err)
		return err;
	struct socket *s;
	err = sock_create(family, type, protocol, flags, &s);
	return err ? err : sock_install(s, flags);
}

long sys_socketpair(int family, int type, int protocol, int *usv)
{
	unsigned flags;
	int err = split_type(&type, &flags);
	if (err)
		return err;
	struct socket *a, *b;
	err = sock_create(family, type, protocol, flags, &a);
	if (err)
		return err;
	err = sock_create(family, type, protocol, flags, &b);
	if (err) {
		file_put(a->file);
		return err;
	}
	err = a->ops->socketpair ? a->ops->socketpair(a, b) : -EOPNOTSUPP;
	if (err) {
		file_put(a->file);
		file_put(b->file);
		return err;
	}
	int fds[2];
	fds[0] = sock_install(a, flags);
	if (fds[0] < 0) {
		file_put(b->file);
		return fds[0];
	}
	fds[1] = sock_install(b, flags);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(usv, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_bind(int fd, const struct sockaddr *uaddr, int len)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	struct sockaddr_storage addr;
	err = sockaddr_from_user(&addr, uaddr, len);
	if (!err)
		err = s->ops->bind ? s->ops->bind(s, &addr, len) : -EOPNOTSUPP;
	file_put(s->file);
	return err;
}

long sys_connect(int fd, const struct sockaddr *uaddr, int len)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	struct sockaddr_storage addr;
	err = sockaddr_from_user(&addr, uaddr, len);
	if (!err)
		err = s->ops->connect ? s->ops->connect(s, &addr, len, s->file->flags & O_NONBLOCK)
				      : -EOPNOTSUPP;
	file_put(s->file);
	return err;
}

long sys_listen(int fd, int backlog)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	if ((unsigned)backlog > SOMAXCONN)
		backlog = SOMAXCONN;    /* and a negative one too, as Linux */
	err = s->ops->listen ? s->ops->listen(s, backlog) : -EOPNOTSUPP;
	if (!err)
		WRITE_ONCE(s->listening, true);
	file_put(s->file);
	return err;
}

long sys_accept4(int fd, struct sockaddr *uaddr, int *ulen, int flags)
{
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	struct socket *ns = NULL;
	if (!s->ops->accept) {
		err = -EOPNOTSUPP;
		goto out;
	}
	ns = sock_alloc(s->family, s->type, s->protocol, flags);
	if (!ns) {
		err = -ENOMEM;
		goto out;
	}
	ns->ops = s->ops;
	err = s->ops->accept(s, ns, s->file->flags & O_NONBLOCK);
	if (err) {
		ns->ops = NULL;
		goto out;
	}
	if (uaddr) {
		struct sockaddr_storage addr;
		int len = ns->ops->getname(ns, &addr, true);
		err = len < 0 ? len : sockaddr_to_user(&addr, len, uaddr, ulen);
		if (err)
			goto out;
	}
	err = sock_install(ns, flags);
	ns = NULL;
out:
	if (ns)
		file_put(ns->file);
	file_put(s->file);
	return err;
}

long sys_accept(int fd, struct sockaddr *uaddr, int *ulen)
{
	return sys_accept4(fd, uaddr, ulen, 0);
}

static long getname(int fd, struct sockaddr *uaddr, int *ulen, bool peer)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	struct sockaddr_storage addr;
	int len = s->ops->getname ? s->ops->getname(s, &addr, peer) : -EOPNOTSUPP;
	err = len < 0 ? len : sockaddr_to_user(&addr, len, uaddr, ulen);
	file_put(s->file);
	return err;
}

long sys_getsockname(int fd, struct sockaddr *uaddr, int *ulen)
{
	return getname(fd, uaddr, ulen, false);
}

long sys_getpeername(int fd, struct sockaddr *uaddr, int *ulen)
{
	return getname(fd, uaddr, ulen, true);
}

long sys_shutdown(int fd, int how)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	if (how < SHUT_RD || how > SHUT_RDWR)
		err = -EINVAL;
	else
		err = s->ops->shutdown ? s->ops->shutdown(s, how) : -EOPNOTSUPP;
	file_put(s->file);
	return err;
}

long sys_setsockopt(int fd, int level, int name, const void *uval, int len)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	err = sock_setsockopt(s, level, name, uval, len);
	file_put(s->file);
	return err;
}

long sys_getsockopt(int fd, int level, int name, void *uval, int *ulen)
{
	int err;
	struct socket *s = sock_from_fd(fd, &err);
	if (!s)
		return err;
	err = sock_getsockopt(s, level, name, uval, ulen);
	file_put(s->file);
	return err;
}
