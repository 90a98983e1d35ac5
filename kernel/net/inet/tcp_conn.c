/* TCP sockets (SOCK_STREAM of AF_INET and AF_INET6) over lwIP: making and
 * ending connections: bind, listen, accept, connect, shutdown, the names
 * of both ends and release. Data goes through tcp_io.c.
 *
 * A socket has no pcb until bind, connect or listen needs one: then its
 * IP version is known (IPV6_V6ONLY set or not, an IPv4 peer). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/list.h>
#include <mm/kmalloc.h>
#include <net/lwip_port.h>
#include <linux/in.h>
#include "inet_sock.h"

/* Gives isk a pcb bound to ip:port (port 0: an ephemeral one). */
int inet_tcp_bind_any(struct inet_sock *isk, const ip_addr_t *ip, u16_t port)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(inet_pcb_type(isk, ip));
	if (!pcb)
		return -ENOMEM;
	if (isk->sock && isk->sock->opt.reuseaddr)
		ip_set_option(pcb, SOF_REUSEADDR);
	err_t err = tcp_bind(pcb, ip, port);
	if (err != ERR_OK) {
		tcp_close(pcb);         /* a pcb never used: freed at once */
		return inet_lwip_err(err);
	}
	inet_tcp_attach(isk, pcb);
	return 0;
}

static int tcp_bind_op(struct socket *s, const struct sockaddr_storage *addr, int len)
{
	struct inet_sock *isk = inet_sk(s);
	ip_addr_t ip;
	u16_t port;
	int err = inet_addr_from_sockaddr(isk, addr, len, &ip, &port);
	if (err)
		return err;
	if (!inet_addr_is_local(&ip))
		return -EADDRNOTAVAIL;
	lwip_lock();
	if (isk->tcp || isk->connected || isk->reset)
		err = -EINVAL;
	else
		err = inet_tcp_bind_any(isk, &ip, port);
	if (!err)
		inet_note_bind(isk, &ip, port);
	lwip_unlock();
	return err;
}

static int tcp_listen_op(struct socket *s, int backlog)
{
	struct inet_sock *isk = inet_sk(s);
	int err = 0;
	u8_t lwip_backlog = backlog < 0 ? 1 : backlog >= 254 ? 255 : backlog + 1;
	lwip_lock();
	if (isk->listening) {
		tcp_backlog_set(isk->tcp, lwip_backlog);
	} else if (isk->connected || isk->connecting || isk->reset) {
		err = -EINVAL;
	} else {
		ip_addr_t any;
		inet_unbound_addr(isk, &any);
		if (!isk->tcp)
			err = inet_tcp_bind_any(isk, &any, 0);
		if (!err) {
			err_t e;
			struct tcp_pcb *lpcb = tcp_listen_with_backlog_and_err(isk->tcp, lwip_backlog, &e);
			if (lpcb) {     /* lwIP freed the old pcb */
				inet_tcp_attach_listener(isk, lpcb);
				isk->listening = true;
				s->listening = true;
			} else {
				err = inet_lwip_err(e);
			}
		}
	}
	isk->backlog = backlog;
	lwip_unlock();
	return err;
}

static int tcp_accept_op(struct socket *s, struct socket *newsock, bool nonblock)
{
	struct inet_sock *isk = inet_sk(s);
	if (!isk->listening)
		return -EINVAL;
	uint64_t deadline = sock_deadline(s, 0, nonblock ? O_NONBLOCK : 0, false);
	for (;;) {
		int err = sock_wait_event(s, isk->accept_len > 0 || !isk->tcp || !isk->listening, deadline);
		if (err)
			return err;
		lwip_lock();
		if (!list_empty(&isk->accept_queue))
			break;
		lwip_unlock();
		if (!isk->tcp || !isk->listening)
			return -EINVAL;
	}
	struct inet_sock *child = list_first_entry(&isk->accept_queue, struct inet_sock, accept_link);
	list_del(&child->accept_link);
	isk->accept_len--;
	child->listener = NULL;
	if (child->tcp)
		tcp_backlog_accepted(child->tcp);
	child->sock = newsock;
	newsock->sk = child;
	newsock->error = child->err;
	lwip_unlock();
	return 0;
}

/* Connections nobody accepted: reset, as Linux does. */
static void tcp_drop_accept_queue(struct inet_sock *isk)
{
	while (!list_empty(&isk->accept_queue)) {
		struct inet_sock *child = list_first_entry(&isk->accept_queue, struct inet_sock, accept_link);
		list_del(&child->accept_link);
		struct tcp_pcb *pcb = child->tcp;
		inet_tcp_detach(child);
		if (pcb)
			tcp_abort(pcb);
		if (child->rx)
			pbuf_free(child->rx);
		kfree(child);
	}
	isk->accept_len = 0;
}

/* Makes isk a socket never connected again, its pcb already gone (Linux's
 * tcp_disconnect): it keeps what bind chose, the rest goes. */
static void tcp_forget(struct socket *s, struct inet_sock *isk)
{
	isk->connecting = isk->connected = isk->connect_reported = false;
	isk->rx_eof = isk->shut_rd = isk->shut_wr = isk->reset = false;
	isk->listening = s->listening = false;
	if (isk->rx)
		pbuf_free(isk->rx);
	isk->rx = NULL;
	isk->rx_len = 0;
	if (isk->port_bound)
		inet_tcp_bind_any(isk, &isk->bound_ip, isk->bound_port);
}

/* connect to AF_UNSPEC: a listener stops listening (its queue is reset), a
 * connection is reset (the socket's next call sees ECONNRESET), and the
 * socket can connect or listen again, as Linux's. */
static int tcp_disconnect(struct socket *s, struct inet_sock *isk)
{
	lwip_lock();
	struct tcp_pcb *pcb = isk->tcp;
	bool live = isk->connecting || (isk->connected && !isk->reset);
	tcp_drop_accept_queue(isk);
	inet_tcp_detach(isk);
	if (pcb && (pcb->state == CLOSED || pcb->state == LISTEN))
		tcp_close(pcb);         /* freed at once */
	else if (pcb)
		tcp_abort(pcb);         /* sends the reset */
	if (live)
		s->error = -ECONNRESET;
	tcp_forget(s, isk);
	inet_wake(isk);
	lwip_unlock();
	return 0;
}

/* A connect that failed reports why (ECONNABORTED once SO_ERROR took it),
 * and leaves the socket as new: the next connect starts again. */
static int tcp_connect_failed(struct socket *s, struct inet_sock *isk)
{
	int e = __atomic_exchange_n(&s->error, 0, __ATOMIC_ACQ_REL);
	tcp_forget(s, isk);
	return e ? e : -ECONNABORTED;
}

/* The state of a connect already started: EALREADY while it runs; its
 * result once (0, or the error), then EISCONN, as Linux. */
static int tcp_connect_again(struct socket *s, struct inet_sock *isk)
{
	if (isk->connecting)
		return -EALREADY;
	if (isk->connected && (isk->connect_reported || !isk->reset)) {
		if (isk->connect_reported)
			return -EISCONN;
		isk->connect_reported = true;
		return 0;
	}
	return tcp_connect_failed(s, isk);
}

static int tcp_connect_op(struct socket *s, const struct sockaddr_storage *addr, int len, bool nonblock)
{
	struct inet_sock *isk = inet_sk(s);
	ip_addr_t ip;
	u16_t port;
	if (inet_addr_is_unspec(addr, len))
		return tcp_disconnect(s, isk);
	int err = inet_addr_from_sockaddr(isk, addr, len, &ip, &port);
	if (err == -EINVAL && isk->family == AF_INET6 && len >= 24)
		err = -ENETUNREACH;     /* an IPv4-mapped peer of a v6-only socket */
	if (err)
		return err;
	lwip_lock();
	if (isk->listening) {
		err = -EISCONN;
	} else if (isk->connecting || isk->connected || isk->reset) {
		err = tcp_connect_again(s, isk);
		lwip_unlock();
		return err;
	} else {
		if (!isk->tcp) {
			ip_addr_t any;
			inet_unbound_addr(isk, &any);
			if (!isk->addr_bound && IP_IS_V4(&ip))
				ip_addr_copy(any, *IP4_ADDR_ANY);
			err = inet_tcp_bind_any(isk, &any, 0);
		}
		if (!err)
			err = inet_lwip_err(inet_tcp_start_connect(isk->tcp, &ip, port));
		if (!err) {
			isk->connecting = true;
			isk->connect_reported = !nonblock;
		}
	}
	lwip_unlock();  /* on loopback, the handshake happens here */
	if (err || nonblock)
		return err ? err : -EINPROGRESS;
	err = sock_wait_event(s, !isk->connecting, sock_deadline(s, 0, 0, true));
	if (err)
		return err == -EAGAIN ? -EINPROGRESS : err;
	lwip_lock();
	err = isk->connected && !isk->reset ? 0 : tcp_connect_failed(s, isk);
	lwip_unlock();
	return err;
}

static int tcp_shutdown_op(struct socket *s, int how)
{
	struct inet_sock *isk = inet_sk(s);
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	int err = 0;
	lwip_lock();
	if (!isk->connected && !isk->listening) {
		err = -ENOTCONN;
	} else {
		if (how != SHUT_WR)
			isk->shut_rd = true;
		if (how != SHUT_RD && !isk->shut_wr) {
			isk->shut_wr = true;
			if (isk->tcp && !isk->listening)
				tcp_shutdown(isk->tcp, 0, 1);   /* sends our FIN */
		}
		inet_wake(isk);
	}
	lwip_unlock();
	return err;
}

static int tcp_getname_op(struct socket *s, struct sockaddr_storage *addr, bool peer)
{
	struct inet_sock *isk = inet_sk(s);
	int len;
	lwip_lock();
	struct tcp_pcb *pcb = isk->tcp;
	if (peer) {
		len = pcb && isk->connected && !isk->listening
			? inet_addr_to_sockaddr(isk->family, &pcb->remote_ip, pcb->remote_port, addr)
			: -ENOTCONN;
	} else if (pcb) {
		len = inet_addr_to_sockaddr(isk->family, &pcb->local_ip, pcb->local_port, addr);
	} else {
		ip_addr_t ip;
		inet_unbound_addr(isk, &ip);
		len = inet_addr_to_sockaddr(isk->family, &ip, 0, addr);
	}
	lwip_unlock();
	return len;
}

/* The last close: a FIN, or a reset if data was left unread or
 * SO_LINGER asks for a zero timeout, as Linux. */
void inet_tcp_release(struct socket *s)
{
	struct inet_sock *isk = inet_sk(s);
	lwip_lock();
	tcp_drop_accept_queue(isk);
	struct tcp_pcb *pcb = isk->tcp;
	bool unread = isk->rx_len > 0 || (s->opt.linger_onoff && s->opt.linger_secs == 0);
	inet_tcp_detach(isk);
	if (isk->rx)
		pbuf_free(isk->rx);
	if (pcb && (unread || tcp_close(pcb) != ERR_OK))
		tcp_abort(pcb);
	lwip_unlock();
	s->sk = NULL;
	kfree(isk);
}

const struct proto_ops inet_tcp_ops = {
	.family = AF_INET,      /* and AF_INET6: the layer keeps s->family */
	.release = inet_tcp_release,
	.bind = tcp_bind_op,
	.connect = tcp_connect_op,
	.listen = tcp_listen_op,
	.accept = tcp_accept_op,
	.getname = tcp_getname_op,
	.poll = inet_tcp_poll,
	.ioctl = inet_ioctl,
	.shutdown = tcp_shutdown_op,
	.setsockopt = inet_setsockopt,
	.getsockopt = inet_getsockopt,
	.sendmsg = inet_tcp_sendmsg,
	.recvmsg = inet_tcp_recvmsg,
};
