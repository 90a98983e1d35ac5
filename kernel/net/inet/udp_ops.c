/* UDP sockets (SOCK_DGRAM of AF_INET and AF_INET6) over lwIP: datagrams
 * queued as lwIP delivers them (with their sender), sendto/recvfrom,
 * connect (a default peer and a filter), poll. The queue's receiving
 * side and poll serve raw and ping sockets too (raw.c). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/list.h>
#include <mm/kmalloc.h>
#include <fs/file.h>
#include <fs/poll.h>
#include <net/lwip_port.h>
#include <time/clock.h>
#include <linux/in.h>
#include "inet_sock.h"

#define UDP_MAX_PAYLOAD 65507   /* IPv4's limit; EMSGSIZE beyond */
/* The longest datagram a receive copies out: a pbuf's tot_len is 16 bits
 * (a raw socket's IPv4 packet, header included, or IPv6's UDP, reach it). */
#define DGRAM_MAX 65535

/* What a queued datagram costs against the receive buffer: its bytes and
 * its bookkeeping, so that empty datagrams cannot queue without end. */
size_t inet_dgram_cost(const struct pbuf *p)
{
	return p->tot_len + sizeof(struct inet_dgram) + sizeof(struct pbuf);
}

/* lwIP delivers a datagram (lock held): queue it, or drop it when the
 * queue is full (UDP may lose datagrams; Linux drops them too). */
void udp_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *from, u16_t port)
{
	struct inet_sock *isk = arg;
	struct inet_dgram *d = isk->dgram_bytes + inet_dgram_cost(p) <= INET_UDP_RCVBUF ? kmalloc(sizeof(*d)) : NULL;
	if (!d) {
		pbuf_free(p);
		return;
	}
	d->p = p;
	ip_addr_copy(d->from, *from);
	d->port = port;
	d->stamp_ns = clock_realtime_ns();
	list_add_tail(&d->link, &isk->dgrams);
	isk->dgram_count++;
	isk->dgram_bytes += inet_dgram_cost(p);
	inet_wake(isk);
}

/* Gives isk a pcb bound to ip:port (port 0: an ephemeral one). */
static int udp_bind_any(struct inet_sock *isk, const ip_addr_t *ip, u16_t port)
{
	struct udp_pcb *pcb = udp_new_ip_type(inet_pcb_type(isk, ip));
	if (!pcb)
		return -ENOMEM;
	if (isk->sock->opt.reuseaddr)
		ip_set_option(pcb, SOF_REUSEADDR);
	err_t err = udp_bind(pcb, ip, port);
	if (err != ERR_OK) {
		udp_remove(pcb);
		return inet_lwip_err(err);
	}
	udp_recv(pcb, udp_recv_cb, isk);
	isk->udp = pcb;
	return 0;
}

/* An unbound socket that sends or connects gets the wildcard and a port. */
static int udp_autobind(struct inet_sock *isk, const ip_addr_t *peer)
{
	if (isk->udp)
		return 0;
	ip_addr_t any;
	inet_unbound_addr(isk, &any);
	if (!isk->addr_bound && peer && IP_IS_V4(peer) && isk->family == AF_INET6 && !isk->v6only)
		ip_addr_copy(any, *IP_ANY_TYPE);
	return udp_bind_any(isk, &any, 0);
}

static int udp_bind_op(struct socket *s, const struct sockaddr_storage *addr, int len)
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
	err = isk->udp ? -EINVAL : udp_bind_any(isk, &ip, port);
	if (!err)
		inet_note_bind(isk, &ip, port);
	lwip_unlock();
	return err;
}

/* connect to AF_UNSPEC: no peer any more, and what bind did not choose
 * goes, as Linux's __udp_disconnect: the source address connect took
 * becomes the wildcard again, a port bind did not ask for is given back
 * (the next send takes a new one). Datagrams queued stay. */
static void udp_dissolve(struct inet_sock *isk)
{
	isk->udp_connected = false;
	if (!isk->udp)
		return;
	udp_disconnect(isk->udp);
	if (!isk->port_bound) {
		udp_remove(isk->udp);
		isk->udp = NULL;
	} else if (!isk->addr_bound) {
		ip_addr_t any;
		inet_any_addr(isk, &any);
		udp_bind(isk->udp, &any, isk->udp->local_port);
	}
}

/* Linux's connect also picks the source address (getsockname shows it). */
static void udp_take_source(struct inet_sock *isk, const ip_addr_t *peer)
{
	const ip_addr_t *src = ip_addr_isany(&isk->udp->local_ip) ? inet_source_addr(peer) : NULL;
	if (src)
		ip_addr_copy(isk->udp->local_ip, *src);
}

static int udp_connect_op(struct socket *s, const struct sockaddr_storage *addr, int len, bool nonblock)
{
	struct inet_sock *isk = inet_sk(s);
	ip_addr_t ip;
	u16_t port;
	if (inet_addr_is_unspec(addr, len)) {
		lwip_lock();
		udp_dissolve(isk);
		lwip_unlock();
		return 0;
	}
	int err = inet_addr_from_sockaddr_or_v4(isk, addr, len, &ip, &port);
	if (err)
		return err;
	lwip_lock();
	err = udp_autobind(isk, &ip);
	if (!err)
		err = inet_lwip_err(udp_connect(isk->udp, &ip, port));
	if (!err)
		udp_take_source(isk, &ip);
	isk->udp_connected = !err;
	lwip_unlock();
	return err;
}

/* The address a connected socket bound to the wildcard sends from: the
 * route's source, which Linux's getsockname shows after connect (glibc's
 * getaddrinfo sorts addresses by it). */
static void udp_source_addr(const struct udp_pcb *pcb, ip_addr_t *local)
{
	struct netif *netif = ip_route(&pcb->local_ip, &pcb->remote_ip);
	const ip_addr_t *src = netif ? ip_netif_get_local_ip(netif, &pcb->remote_ip) : NULL;
	if (src)
		ip_addr_copy(*local, *src);
}

static int udp_getname_op(struct socket *s, struct sockaddr_storage *addr, bool peer)
{
	struct inet_sock *isk = inet_sk(s);
	int len;
	lwip_lock();
	struct udp_pcb *pcb = isk->udp;
	if (peer) {
		len = pcb && isk->udp_connected
			? inet_addr_to_sockaddr(isk->family, &pcb->remote_ip, pcb->remote_port, addr)
			: -ENOTCONN;
	} else if (pcb) {
		ip_addr_t local = pcb->local_ip;
		if (isk->udp_connected && ip_addr_isany(&local))
			udp_source_addr(pcb, &local);
		len = inet_addr_to_sockaddr(isk->family, &local, pcb->local_port, addr);
	} else {
		ip_addr_t ip;
		inet_unbound_addr(isk, &ip);
		len = inet_addr_to_sockaddr(isk->family, &ip, 0, addr);
	}
	lwip_unlock();
	return len;
}

static ssize_t udp_sendmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	struct inet_sock *isk = inet_sk(s);
	ip_addr_t ip;
	u16_t port = 0;
	if (m->name) {
		int err = inet_addr_from_sockaddr(isk, m->name, m->namelen, &ip, &port);
		if (err)
			return err;
	} else if (!isk->udp_connected) {
		return -EDESTADDRREQ;
	}
	size_t len = m->data->resid;
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	char *buf = kmalloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	if (uio_copy_in(m->data, buf, len) < len) {
		kfree(buf);
		return -EFAULT;
	}
	lwip_lock();
	int err = sock_take_error(s);   /* an ICMP error (udp_icmp.c), as Linux's sock_error */
	if (!err)
		err = udp_autobind(isk, m->name ? &ip : NULL);
	struct pbuf *p = err ? NULL : pbuf_alloc(PBUF_TRANSPORT, len, PBUF_RAM);
	if (!err && !p)
		err = -ENOBUFS;
	if (p) {
		pbuf_take(p, buf, len);
		err = inet_lwip_err(m->name ? udp_sendto(isk->udp, p, &ip, port) : udp_send(isk->udp, p));
		pbuf_free(p);
	}
	lwip_unlock();
	kfree(buf);
	return err ? err : (ssize_t)len;
}

/* Takes the oldest datagram off the queue (or looks at it with MSG_PEEK). */
static struct inet_dgram *udp_next(struct inet_sock *isk, bool peek)
{
	if (list_empty(&isk->dgrams))
		return NULL;
	struct inet_dgram *d = list_first_entry(&isk->dgrams, struct inet_dgram, link);
	if (!peek) {
		list_del(&d->link);
		isk->dgram_count--;
		isk->dgram_bytes -= inet_dgram_cost(d->p);
	}
	return d;
}

ssize_t inet_dgram_recvmsg(struct socket *s, struct kmsghdr *m, int flags,
			   void (*control)(struct inet_sock *isk, const struct inet_dgram *d, struct kmsghdr *m))
{
	struct inet_sock *isk = inet_sk(s);
	uint64_t deadline = sock_deadline(s, flags, m->file_flags, false);
	size_t room = m->data->resid;
	char *buf = kmalloc(room < DGRAM_MAX ? (room ? room : 1) : DGRAM_MAX);
	if (!buf)
		return -ENOMEM;
	struct inet_dgram *d = NULL;
	size_t len = 0, n = 0;
	for (;;) {
		int err = sock_take_error(s);   /* first, as Linux's __skb_recv_udp */
		if (!err)
			err = sock_wait_event(s, isk->dgram_count > 0 || READ_ONCE(s->error), deadline);
		if (err) {
			kfree(buf);
			return err;
		}
		lwip_lock();
		d = READ_ONCE(s->error) ? NULL : udp_next(isk, flags & MSG_PEEK);
		if (d) {
			len = d->p->tot_len;
			n = len < room ? len : room;
			pbuf_copy_partial(d->p, buf, n, 0);
			if (m->name)
				m->namelen = inet_addr_to_sockaddr(isk->family, &d->from, d->port, m->name);
			sock_put_timestamp(s, m, d->stamp_ns);  /* first, as Linux's */
			if (control)
				control(isk, d, m);
			if (!(flags & MSG_PEEK))
				pbuf_free(d->p);
		}
		lwip_unlock();
		if (d)
			break;
	}
	if (!(flags & MSG_PEEK))
		kfree(d);
	size_t copied = uio_copy_out(m->data, buf, n);
	kfree(buf);
	if (copied < n)
		return -EFAULT;
	if (n < len)
		m->flags |= MSG_TRUNC;
	return flags & MSG_TRUNC ? (ssize_t)len : (ssize_t)n;
}

static ssize_t udp_recvmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	return inet_dgram_recvmsg(s, m, flags, NULL);
}

unsigned inet_dgram_poll(struct socket *s, struct poll_table *pt)
{
	struct inet_sock *isk = inet_sk(s);
	poll_wait(&s->wait, pt);
	unsigned mask = POLLOUT | POLLWRNORM | (s->error ? POLLERR : 0);
	if (isk->dgram_count)
		mask |= POLLIN | POLLRDNORM;
	return mask;
}

static int udp_shutdown_op(struct socket *s, int how)
{
	struct inet_sock *isk = inet_sk(s);
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	return isk->udp_connected ? 0 : -ENOTCONN;
}

/* Frees the datagrams still queued (lock held). */
void inet_dgram_drain(struct inet_sock *isk)
{
	struct inet_dgram *d;
	while ((d = udp_next(isk, false))) {
		pbuf_free(d->p);
		kfree(d);
	}
}

static void udp_release(struct socket *s)
{
	struct inet_sock *isk = inet_sk(s);
	lwip_lock();
	if (isk->udp)
		udp_remove(isk->udp);
	inet_dgram_drain(isk);
	lwip_unlock();
	s->sk = NULL;
	kfree(isk);
}

const struct proto_ops inet_udp_ops = {
	.family = AF_INET,      /* and AF_INET6: the layer keeps s->family */
	.release = udp_release,
	.bind = udp_bind_op,
	.connect = udp_connect_op,
	.getname = udp_getname_op,
	.poll = inet_dgram_poll,
	.ioctl = inet_ioctl,
	.shutdown = udp_shutdown_op,
	.setsockopt = inet_setsockopt,
	.getsockopt = inet_getsockopt,
	.sendmsg = udp_sendmsg,
	.recvmsg = udp_recvmsg,
};
