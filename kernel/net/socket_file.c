/* A socket as a file: read, write, poll, ioctl and close of a socket fd
 * go through the family's operations (Linux's socket_file_ops). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <asm/ioctls.h>
#include <asm/signal.h>
#include <x86/uaccess.h>
#include <proc/signal.h>
#include <fs/file.h>
#include <fs/poll.h>
#include <net/socket.h>
#include <net/dev_ioctl.h>
#include "socket_internal.h"

ssize_t sock_sendmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	if (!s->ops->sendmsg)
		return -EOPNOTSUPP;
	m->file_flags = s->file->flags;
	return s->ops->sendmsg(s, m, flags);
}

ssize_t sock_recvmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	if (!s->ops->recvmsg)
		return -EOPNOTSUPP;
	m->file_flags = s->file->flags | (flags & MSG_CMSG_CLOEXEC ? O_CLOEXEC : 0);
	return s->ops->recvmsg(s, m, flags & ~MSG_CMSG_CLOEXEC);
}

void sock_sigpipe(int err, int msg_flags)
{
	if (err == -EPIPE && !(msg_flags & MSG_NOSIGNAL))
		signal_raise_self(SIGPIPE);
}

/* read(2) is recv with no flags, write(2) send with none: the data goes
 * through the family's recvmsg/sendmsg in a kernel msghdr, and poll asks
 * the family what the socket could do now. */
static ssize_t sock_read(struct file *f, struct uio *u, uint64_t *pos)
{
	// LAB 8 BEGIN(exercise 5): read: receive into u through the socket's family, no flags
	struct socket *s = f->private;
	struct kmsghdr m = { .data = u };
	return sock_recvmsg(s, &m, 0);
	// LAB 8 STUB: return -ENOSYS;
	// LAB 8 END
}

static ssize_t sock_write(struct file *f, struct uio *u, uint64_t *pos)
{
	// LAB 8 BEGIN(exercise 5): write: send u's data through the socket's family, no flags
	struct socket *s = f->private;
	struct kmsghdr m = { .data = u };
	return sock_sendmsg(s, &m, 0);
	// LAB 8 STUB: return -ENOSYS;
	// LAB 8 END
}

static unsigned sock_poll(struct file *f, struct poll_table *pt)
{
	// LAB 8 BEGIN(exercise 5): poll: what the family says the socket can do now (it joins pt to the socket's queue)
	struct socket *s = f->private;
	return s->ops->poll ? s->ops->poll(s, pt) : 0;
	// LAB 8 STUB: return 0;
	// LAB 8 END
}

static long sock_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
	struct socket *s = f->private;
	long err = s->ops->ioctl ? s->ops->ioctl(s, cmd, arg) : -ENOTTY;
	return err == -ENOTTY ? dev_ioctl(cmd, arg) : err;     /* the interfaces' */
}

static void sock_file_release(struct file *f)
{
	sock_release(f->private);
}

const struct file_operations socket_file_ops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.release = sock_file_release,
};
