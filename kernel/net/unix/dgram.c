/* AF_UNIX datagram and seqpacket sockets: messages that keep their
 * boundaries. A datagram goes to the address given or to the connected
 * peer; a seqpacket socket is connected as a stream is (conn.c) but its
 * reads end at each message. A reader whose buffer is too small gets the
 * start of the message and MSG_TRUNC; the rest is gone. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/wait.h>
#include <kernel/string.h>
#include <fs/file.h>
#include "unix.h"

/* net.unix's usual header room: a datagram larger than SO_SNDBUF minus
 * this is EMSGSIZE (Linux: sk_sndbuf - 32). */
#define DGRAM_OVERHEAD 32

static int dgram_connect(struct socket *s, const struct sockaddr_storage *addr, int len, bool nonblock)
{
	struct unix_sock *u = unix_sk(s);
	struct unix_sock *other = NULL, *old;
	int err;
	if (len >= (int)sizeof(sa_family_t) && addr->ss_family == AF_UNSPEC) {
		mutex_lock(&unix_lock);         /* dissolves the association */
		old = u->peer;
		u->peer = NULL;
		u->state = UNIX_UNCONNECTED;
		mutex_unlock(&unix_lock);
		unix_put(old);
		return 0;
	}
	if ((err = unix_check_addr(addr, len)))
		return err;
	if (READ_ONCE(s->opt.passcred) && (err = unix_autobind(u)))
		return err;
	if (!(other = unix_find(addr, len, SOCK_DGRAM, &err)))
		return err;
	mutex_lock(&unix_lock);
	if (other->peer && other->peer != u)
		err = -EPERM;           /* it only hears from its own peer */
	else {
		old = u->peer;
		u->peer = other;
		other->connect_target = true;
		other = old;            /* the reference to drop */
		u->state = UNIX_CONNECTED;
	}
	mutex_unlock(&unix_lock);
	unix_put(other);
	return err;
}

static bool room_at(struct unix_sock *other)
{
	return READ_ONCE(other->qlen) < UNIX_DGRAM_QLEN || READ_ONCE(other->state) == UNIX_CLOSED ||
	       (READ_ONCE(other->shutdown) & RCV_SHUTDOWN);
}

/* Queues skb at other (under unix_lock), or says why not. */
static int deliver(struct unix_sock *u, struct unix_sock *other, struct unix_skb *skb)
{
	if (other->state == UNIX_CLOSED) {
		if (u->type == SOCK_SEQPACKET)
			return -EPIPE;
		if (u->peer == other) {         /* our peer is gone: forget it */
			u->peer = NULL;
			u->state = UNIX_UNCONNECTED;
			unix_put(other);
		}
		return -ECONNREFUSED;
	}
	if (u->type == SOCK_DGRAM && other->peer && other->peer != u)
		return -EPERM;
	if (other->shutdown & RCV_SHUTDOWN)
		return -EPIPE;
	if (other->qlen >= UNIX_DGRAM_QLEN)
		return -EAGAIN;
	unix_queue_skb(other, skb);
	return 0;
}

/* The receiver: the address given (datagram sockets) or the peer. */
static struct unix_sock *destination(struct unix_sock *u, struct kmsghdr *m, int *err)
{
	struct unix_sock *other;
	if (m->name && u->type == SOCK_DGRAM)
		return unix_find(m->name, m->namelen, SOCK_DGRAM, err);
	mutex_lock(&unix_lock);
	other = u->peer;
	if (other)
		unix_get(other);
	mutex_unlock(&unix_lock);
	*err = other ? 0 : u->type == SOCK_SEQPACKET && READ_ONCE(u->state) == UNIX_CONNECTED ? -EPIPE : -ENOTCONN;
	return other;
}

static ssize_t msg_sendmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	struct unix_sock *u = unix_sk(s);
	int err;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (u->type == SOCK_SEQPACKET) {
		if (READ_ONCE(u->state) != UNIX_CONNECTED)
			return -ENOTCONN;
		if (READ_ONCE(u->shutdown) & SEND_SHUTDOWN)
			return -EPIPE;
	}
	size_t len = m->data->resid;
	if (len > (size_t)s->opt.sndbuf - DGRAM_OVERHEAD)
		return -EMSGSIZE;
	if (READ_ONCE(s->opt.passcred) && (err = unix_autobind(u)))
		return err;
	struct unix_sock *other = destination(u, m, &err);
	if (!other)
		return err;
	struct unix_skb *skb = unix_skb_alloc(u, len);
	if (!skb) {
		unix_put(other);
		return -ENOMEM;
	}
	if (uio_copy_in(m->data, skb->data, len) < len)
		err = -EFAULT;
	skb->cred = unix_current_cred(false);
	if (!err)
		err = unix_scm_attach(u, m, skb);
	uint64_t deadline = sock_deadline(s, flags, m->file_flags, true);
	while (!err) {
		mutex_lock(&unix_lock);
		if (u->addr) {
			skb->from = u->addr;
			__atomic_add_fetch(&u->addr->refcount, 1, __ATOMIC_RELAXED);
		}
		err = deliver(u, other, skb);
		if (err && skb->from) {
			__atomic_sub_fetch(&skb->from->refcount, 1, __ATOMIC_RELAXED);
			skb->from = NULL;
		}
		mutex_unlock(&unix_lock);
		if (err != -EAGAIN)
			break;
		if (deadline == 0)
			break;
		long w = wait_event_interruptible(&other->peer_wait, room_at(other), deadline);
		err = w == -ETIMEDOUT ? -EAGAIN : w == -ERESTARTSYS && deadline != WAIT_FOREVER ? -EINTR : (int)w;
	}
	if (err)
		unix_skb_free(skb);
	unix_put(other);
	return err ? err : (ssize_t)len;
}

static bool msg_readable(struct unix_sock *u)
{
	return READ_ONCE(u->qlen) || (READ_ONCE(u->shutdown) & RCV_SHUTDOWN);
}

static ssize_t msg_recvmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	struct unix_sock *u = unix_sk(s);
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (u->type == SOCK_SEQPACKET && READ_ONCE(u->state) != UNIX_CONNECTED)
		return -ENOTCONN;
	uint64_t deadline = sock_deadline(s, flags, m->file_flags, false);
	mutex_lock(&u->iolock);
	struct unix_skb *skb;
	for (;;) {
		mutex_lock(&unix_lock);
		skb = list_empty(&u->queue) ? NULL : list_first_entry(&u->queue, struct unix_skb, link);
		bool eof = u->shutdown & RCV_SHUTDOWN;
		mutex_unlock(&unix_lock);
		if (skb || eof)
			break;
		mutex_unlock(&u->iolock);
		long err = sock_wait_event(s, msg_readable(u), deadline);
		if (err)
			return err;
		mutex_lock(&u->iolock);
	}
	if (!skb) {
		mutex_unlock(&u->iolock);
		return 0;               /* end of file */
	}
	size_t n = skb->len < m->data->resid ? skb->len : m->data->resid;
	ssize_t ret = uio_copy_out(m->data, skb->data, n) < n ? -EFAULT : (ssize_t)n;
	if (ret >= 0) {
		if (n < skb->len) {
			m->flags |= MSG_TRUNC;
			if (flags & MSG_TRUNC)
				ret = skb->len;         /* the real length, as Linux */
		}
		if (m->name && skb->from) {
			memcpy(m->name, &skb->from->sun, skb->from->len);
			m->namelen = skb->from->len;
		}
		unix_scm_deliver(u, m, skb, flags & MSG_PEEK);
	}
	if (ret >= 0 && !(flags & MSG_PEEK)) {
		mutex_lock(&unix_lock);
		unix_dequeue(u);
		wake_up_all(&u->peer_wait);     /* room for blocked senders */
		mutex_unlock(&unix_lock);
		unix_skb_free(skb);
	}
	mutex_unlock(&u->iolock);
	return ret;
}

const struct proto_ops unix_dgram_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = dgram_connect,
	.socketpair = unix_socketpair,
	.getname = unix_getname,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.shutdown = unix_shutdown,
	.getsockopt = unix_getsockopt,
	.sendmsg = msg_sendmsg,
	.recvmsg = msg_recvmsg,
};

const struct proto_ops unix_seqpacket_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_stream_connect,
	.socketpair = unix_socketpair,
	.listen = unix_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.shutdown = unix_shutdown,
	.getsockopt = unix_getsockopt,
	.sendmsg = msg_sendmsg,
	.recvmsg = msg_recvmsg,
};
