/* TCP data: send, receive and poll. Data crosses between user memory and
 * lwIP through a kernel buffer, copied with the lwIP lock released (no
 * sleeping lock is held across a copy from or to user memory). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <mm/kmalloc.h>
#include <fs/file.h>
#include <fs/poll.h>
#include <net/lwip_port.h>
#include "inet_sock.h"

/* Why a send cannot go on: the error for the caller, or 0. */
static int tcp_send_error(struct socket *s, struct inet_sock *isk)
{
	if (isk->reset || !isk->tcp) {
		int e = __atomic_exchange_n(&s->error, 0, __ATOMIC_ACQ_REL);
		return e ? e : -EPIPE;
	}
	if (isk->shut_wr || !isk->connected)
		return -EPIPE;
	return 0;
}

/* Hands buf[0..len) to lwIP as room appears; returns what it took (less
 * than len only with an error or when the caller may not wait). */
static ssize_t tcp_push(struct socket *s, struct inet_sock *isk, const char *buf, size_t len,
			uint64_t deadline, bool more, int *err)
{
	size_t done = 0;
	while (done < len) {
		*err = sock_wait_event(s, isk->snd_space > 0 || isk->reset || isk->shut_wr, deadline);
		if (*err)
			break;
		lwip_lock();
		*err = tcp_send_error(s, isk);
		if (*err) {
			lwip_unlock();
			break;
		}
		size_t n = len - done;
		if (n > tcp_sndbuf(isk->tcp))
			n = tcp_sndbuf(isk->tcp);
		if (n > 0xffff)
			n = 0xffff;
		u8_t flags = TCP_WRITE_FLAG_COPY | (more || done + n < len ? TCP_WRITE_FLAG_MORE : 0);
		if (n && tcp_write(isk->tcp, buf + done, n, flags) == ERR_OK)
			done += n;
		else
			isk->snd_space = 0;     /* lwIP's segment queue is full: wait for an ACK */
		tcp_output(isk->tcp);
		if (isk->tcp)
			isk->snd_space = isk->snd_space ? tcp_sndbuf(isk->tcp) : 0;
		lwip_unlock();
	}
	return done;
}

ssize_t inet_tcp_sendmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	struct inet_sock *isk = inet_sk(s);
	uint64_t deadline = sock_deadline(s, flags, m->file_flags, true);
	if (isk->connecting) {
		int err = sock_wait_event(s, !isk->connecting, deadline);
		if (err)
			return err;
	}
	lwip_lock();
	int err = tcp_send_error(s, isk);
	lwip_unlock();
	if (err)
		return err;
	size_t total = m->data->resid, sent = 0;
	char *buf = kmalloc(total < INET_CHUNK ? (total ? total : 1) : INET_CHUNK);
	if (!buf)
		return -ENOMEM;
	while (sent < total && !err) {
		size_t n = uio_copy_in(m->data, buf, total - sent < INET_CHUNK ? total - sent : INET_CHUNK);
		if (!n) {
			err = -EFAULT;
			break;
		}
		ssize_t pushed = tcp_push(s, isk, buf, n, deadline, flags & MSG_MORE, &err);
		sent += pushed;
		if ((size_t)pushed < n)
			break;
	}
	kfree(buf);
	return sent ? (ssize_t)sent : err;
}

/* Takes up to len bytes of received data into buf (all of it with peek
 * false: the window opens by as much). */
static size_t tcp_take(struct inet_sock *isk, char *buf, size_t len, bool peek)
{
	size_t n = isk->rx_len < len ? isk->rx_len : len;
	if (!n)
		return 0;
	pbuf_copy_partial(isk->rx, buf, n, 0);
	if (!peek) {
		isk->rx = pbuf_free_header(isk->rx, n);
		isk->rx_len -= n;
		if (isk->tcp)
			tcp_recved(isk->tcp, n);
	}
	return n;
}

ssize_t inet_tcp_recvmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	struct inet_sock *isk = inet_sk(s);
	m->namelen = 0;
	if (isk->listening || (!isk->connected && !isk->connecting && !isk->reset))
		return -ENOTCONN;
	uint64_t deadline = sock_deadline(s, flags, m->file_flags, false);
	size_t want = m->data->resid, got = 0;
	char *buf = kmalloc(INET_CHUNK);
	if (!buf)
		return -ENOMEM;
	int err = 0;
	while (got < want) {
		if (got && (!(flags & MSG_WAITALL) || (flags & MSG_PEEK)) && !isk->rx_len)
			break;
		err = sock_wait_event(s, isk->rx_len || isk->rx_eof || isk->reset || isk->shut_rd, deadline);
		if (err)
			break;
		lwip_lock();
		size_t chunk = want - got < INET_CHUNK / 2 ? want - got : INET_CHUNK / 2;
		size_t n = tcp_take(isk, buf, chunk, flags & MSG_PEEK);
		if (!n && isk->reset && !isk->rx_eof)
			err = __atomic_exchange_n(&s->error, 0, __ATOMIC_ACQ_REL);
		lwip_unlock();
		if (!n)
			break;  /* EOF, shutdown or reset */
		if (uio_copy_out(m->data, buf, n) < n) {
			err = -EFAULT;
			break;
		}
		got += n;
		if (flags & MSG_PEEK)
			break;
	}
	kfree(buf);
	return got ? (ssize_t)got : err;
}

unsigned inet_tcp_poll(struct socket *s, struct poll_table *pt)
{
	struct inet_sock *isk = inet_sk(s);
	poll_wait(&s->wait, pt);
	unsigned mask = s->error ? POLLERR : 0;
	if (isk->listening)
		return mask | (isk->accept_len ? POLLIN | POLLRDNORM : 0);
	if (isk->connecting)
		return mask;
	bool rcv_shut = isk->rx_eof || isk->shut_rd || isk->reset;
	bool snd_shut = isk->shut_wr || isk->reset;
	if ((rcv_shut && snd_shut) || !isk->connected)
		mask |= POLLHUP;
	if (rcv_shut)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (isk->rx_len)
		mask |= POLLIN | POLLRDNORM;
	if (snd_shut || !isk->connected || isk->snd_space >= TCP_SNDLOWAT)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}
