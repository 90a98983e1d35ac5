/* AF_UNIX stream sockets: a byte stream each way between two connected
 * sockets (socketpair, or connect and accept: conn.c). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <mm/kmalloc.h>
#include <fs/file.h>
#include "unix.h"

/* Bytes per skb: Linux sends at most half the send buffer at a time. */
static size_t chunk_size(struct socket *s, size_t want)
{
	size_t max = (size_t)s->opt.sndbuf / 2;
	if (max > 65536)
		max = 65536;
	return want < max ? want : max;
}

/* A writer may go on: room in its budget, or nothing to wait for. */
static bool stream_writable(struct unix_sock *u)
{
	struct socket *s = READ_ONCE(u->sock);
	struct unix_sock *peer = READ_ONCE(u->peer);
	return READ_ONCE(u->wmem) < (size_t)READ_ONCE(s->opt.sndbuf) || !peer ||
	       (READ_ONCE(u->shutdown) & SEND_SHUTDOWN) || READ_ONCE(peer->state) == UNIX_CLOSED;
}

/* Queues one skb at the peer, or says why not (EPIPE, ENOTCONN). */
static int stream_queue(struct unix_sock *u, struct unix_skb *skb)
{
	int err = 0;
	mutex_lock(&unix_lock);
	struct unix_sock *peer = u->peer;
	if (u->shutdown & SEND_SHUTDOWN)
		err = -EPIPE;
	else if (!peer)
		err = u->state == UNIX_CONNECTED ? -EPIPE : -ENOTCONN;
	else if (peer->state == UNIX_CLOSED || (peer->shutdown & RCV_SHUTDOWN))
		err = -EPIPE;
	else
		unix_queue_skb(peer, skb);
	mutex_unlock(&unix_lock);
	return err;
}

static ssize_t stream_send(struct socket *s, struct kmsghdr *m, int flags)
{
	struct unix_sock *u = unix_sk(s);
	if (m->name)
		return READ_ONCE(u->state) == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (READ_ONCE(u->state) != UNIX_CONNECTED)
		return (READ_ONCE(u->shutdown) & SEND_SHUTDOWN) ? -EPIPE : -ENOTCONN;
	uint64_t deadline = sock_deadline(s, flags, m->file_flags, true);
	size_t sent = 0;
	bool first = true;
	while (first || m->data->resid) {
		long err = sock_wait_event(s, stream_writable(u), deadline);
		if (err)
			return sent ? (ssize_t)sent : err;
		size_t n = chunk_size(s, m->data->resid);
		struct unix_skb *skb = unix_skb_alloc(u, n);
		if (!skb)
			return sent ? (ssize_t)sent : -ENOMEM;
		if (uio_copy_in(m->data, skb->data, n) < n) {
			unix_skb_free(skb);
			return sent ? (ssize_t)sent : -EFAULT;
		}
		skb->cred = unix_current_cred(false);
		/* Control data goes with the first piece. */
		err = first ? unix_scm_attach(u, m, skb) : 0;
		if (!err)
			err = stream_queue(u, skb);
		if (err) {
			unix_skb_free(skb);
			return sent ? (ssize_t)sent : err;
		}
		sent += n;
		first = false;
	}
	return sent;
}

ssize_t unix_stream_sendmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	ssize_t r = stream_send(s, m, flags);
	sock_sigpipe(r, flags);
	return r;
}

/* Something to read, or end of file, or an error. */
static bool stream_readable(struct unix_sock *u)
{
	return READ_ONCE(u->qlen) || (READ_ONCE(u->shutdown) & RCV_SHUTDOWN) ||
	       READ_ONCE(u->err) || READ_ONCE(u->state) != UNIX_CONNECTED;
}

/* Copies from skbs at the head of the queue until the caller's buffer is
 * full or a boundary that a stream does not cross (one that carried
 * files). Called with u->iolock. */
static ssize_t stream_copy(struct unix_sock *u, struct kmsghdr *m, int flags, bool *stop)
{
	size_t done = 0;
	bool peek = flags & MSG_PEEK;
	size_t peek_off = 0;
	for (;;) {
		mutex_lock(&unix_lock);
		struct unix_skb *skb = NULL;
		/* For MSG_PEEK, the skb holding byte peek_off of the queue. */
		size_t skip = peek_off;
		struct unix_skb *it;
		list_for_each_entry(it, &u->queue, link) {
			size_t left = it->len - it->off;
			if (skip < left) {
				skb = it;
				break;
			}
			skip -= left;
		}
		mutex_unlock(&unix_lock);
		if (!skb || m->data->resid == 0)
			break;
		if (done && skb->nfds)
			break;          /* control data starts a new read */
		size_t avail = skb->len - skb->off - skip;
		size_t n = avail < m->data->resid ? avail : m->data->resid;
		size_t got = uio_copy_out(m->data, skb->data + skb->off + skip, n);
		if (got < n) {
			*stop = true;
			return done ? (ssize_t)done : -EFAULT;
		}
		if (done == 0)
			unix_scm_deliver(u, m, skb, peek);
		done += n;
		if (peek) {
			peek_off += n;
			continue;
		}
		mutex_lock(&unix_lock);
		skb->off += n;
		u->queued -= n;
		bool whole = skb->off == skb->len;
		if (whole)
			unix_dequeue(u);
		mutex_unlock(&unix_lock);
		if (whole) {
			bool had_fds = skb->nfds;
			unix_skb_free(skb);     /* the fds delivered hold their own references */
			if (had_fds)
				break;
		}
	}
	return done;
}

ssize_t unix_stream_recvmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	struct unix_sock *u = unix_sk(s);
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (READ_ONCE(u->state) == UNIX_UNCONNECTED || READ_ONCE(u->state) == UNIX_LISTENING)
		return -EINVAL;
	uint64_t deadline = sock_deadline(s, flags, m->file_flags, false);
	size_t target = (flags & MSG_WAITALL) && !(flags & MSG_PEEK) ? m->data->resid : 1;
	size_t done = 0;
	ssize_t ret = 0;
	mutex_lock(&u->iolock);
	while (done < target || done == 0) {
		if (m->data->resid == 0)
			break;
		bool stop = false;
		ssize_t got = stream_copy(u, m, flags, &stop);
		if (got < 0) {
			ret = got;
			break;
		}
		done += got;
		if (stop || done >= target || (done && (flags & MSG_PEEK)))
			break;
		int err = __atomic_exchange_n(&u->err, 0, __ATOMIC_ACQ_REL);
		if (err) {
			ret = -err;
			if (s->error == -err)
				WRITE_ONCE(s->error, 0);
			break;
		}
		if (READ_ONCE(u->shutdown) & RCV_SHUTDOWN)
			break;          /* end of file */
		mutex_unlock(&u->iolock);
		long w = sock_wait_event(s, stream_readable(u), deadline);
		mutex_lock(&u->iolock);
		if (w) {
			ret = w;
			break;
		}
	}
	mutex_unlock(&u->iolock);
	return done ? (ssize_t)done : ret;
}

const struct proto_ops unix_stream_ops = {
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
	.sendmsg = unix_stream_sendmsg,
	.recvmsg = unix_stream_recvmsg,
};
