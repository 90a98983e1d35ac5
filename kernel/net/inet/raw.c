/* Raw sockets (SOCK_RAW of AF_INET and AF_INET6: whole IP packets of one
 * protocol, ICMP for ping) and ping sockets (SOCK_DGRAM of IPPROTO_ICMP
 * or IPPROTO_ICMPV6: echo requests without privilege, ping.c) over
 * lwIP's raw API.
 *
 * lwIP hands every packet it takes in to each raw pcb of its protocol
 * before its own ICMP, TCP and UDP see it (raw_input). Our callback never
 * "eats" it: lwIP must still answer an echo request, and every raw socket
 * gets its own copy, as on Linux. A copy, not a reference: ICMP turns the
 * request into its reply in place. IPv4 raw sockets get the IP header
 * too; IPv6 ones and ping sockets only what follows it. The queue,
 * recvmsg and poll are the UDP socket's (udp_ops.c). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <proc/cred.h>
#include <net/lwip_port.h>
#include <time/clock.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/capability.h>
#include "lwip/ip.h"
#include "lwip/inet_chksum.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/ip6.h"
#include "inet_sock.h"

#define RAW_MAX_PAYLOAD 65535   /* an IPv4 packet's limit; EMSGSIZE beyond */
#define ICMP6_CHECKSUM_AT 2     /* RFC 3542: the kernel computes ICMPv6's checksum */

static const struct proto_ops inet_raw_ops;

struct list_head inet_raw_socks = LIST_HEAD_INIT(inet_raw_socks);

/* Is this packet (p at its IP header, hlen bytes of it) one for isk? */
static bool raw_wants(struct inet_sock *isk, struct pbuf *p, u16_t hlen)
{
	if (isk->ping)
		return inet_ping_wants(isk, p, hlen);
	bool icmp = isk->family == AF_INET ? isk->raw->protocol == IP_PROTO_ICMP
					   : isk->raw->protocol == IP6_NEXTH_ICMP6;
	if (!icmp || p->tot_len <= hlen)
		return true;
	u8_t type = pbuf_get_at(p, hlen);
	return !(isk->icmp_filter[type >> 5] & (1u << (type & 31)));
}

/* lwIP's raw_input (lock held): queue a copy of the packet for isk if it
 * wants it and there is room. Returns 0: lwIP goes on with the packet. */
u8_t inet_raw_recv_cb(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *from)
{
	struct inet_sock *isk = arg;
	bool v6 = IP_IS_V6(from);
	u16_t hlen = ip_current_header_tot_len();
	if (!raw_wants(isk, p, hlen))
		return 0;
	u16_t skip = v6 || isk->ping ? hlen : 0;
	u16_t len = p->tot_len - skip;
	struct pbuf *copy = NULL;
	struct inet_dgram *d = NULL;
	if (isk->dgram_bytes + len + sizeof(*d) + sizeof(*copy) <= INET_UDP_RCVBUF) {
		copy = pbuf_alloc(PBUF_RAW, len, PBUF_RAM);
		d = copy ? kmalloc(sizeof(*d)) : NULL;
	}
	if (!d) {
		if (copy)
			pbuf_free(copy);
		return 0;       /* dropped, as a full socket buffer drops on Linux */
	}
	pbuf_copy_partial(p, copy->payload, len, skip);
	d->p = copy;
	ip_addr_copy(d->from, *from);
	d->port = 0;
	d->stamp_ns = clock_realtime_ns();
	d->ttl = v6 ? IP6H_HOPLIM(ip6_current_header()) : IPH_TTL(ip4_current_header());
	list_add_tail(&d->link, &isk->dgrams);
	isk->dgram_count++;
	isk->dgram_bytes += inet_dgram_cost(copy);
	inet_wake(isk);
	return 0;
}

/* The pcb a new socket gets (lock held): the socket receives from now on. */
static int raw_new_pcb(struct inet_sock *isk, int protocol)
{
	u8_t type = isk->family == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6;
	struct raw_pcb *pcb = raw_new_ip_type(type, protocol);
	if (!pcb)
		return -ENOMEM;
	if (isk->family == AF_INET6 && protocol == IPPROTO_ICMPV6) {
		pcb->chksum_reqd = 1;
		pcb->chksum_offset = ICMP6_CHECKSUM_AT;
	}
	if (protocol == IPPROTO_RAW)
		raw_setflags(pcb, RAW_FLAGS_HDRINCL);   /* send-only: the user writes the IP header */
	raw_recv(pcb, inet_raw_recv_cb, isk);
	isk->raw = pcb;
	list_add_tail(&isk->raw_link, &inet_raw_socks);
	return 0;
}

/* socket(2) of SOCK_RAW (protocol given), or a ping socket. Linux checks
 * the protocol first, then CAP_NET_RAW for a raw socket. */
int inet_raw_create(struct socket *s, int protocol, bool ping)
{
	if (protocol <= 0 || protocol > 255)
		return protocol ? -EINVAL : -EPROTONOSUPPORT;
	if (!ping && !capable(CAP_NET_RAW))
		return -EPERM;
	struct inet_sock *isk = inet_sock_alloc(s->family, s->type);
	if (!isk)
		return -ENOMEM;
	isk->ping = ping;
	lwip_lock();
	int err = raw_new_pcb(isk, protocol);
	lwip_unlock();
	if (err) {
		kfree(isk);
		return err;
	}
	isk->sock = s;
	s->sk = isk;
	s->protocol = protocol;
	s->ops = &inet_raw_ops;
	return 0;
}

/* The user's address for a raw socket: an AF_INET6 one carries IPv6
 * only (its pcb is an IPv6 one: Linux's raw6 has no dual stack), so an
 * IPv4-mapped address is refused with not_v6 (Linux's errno differs by
 * call and socket). */
static int raw_addr(struct inet_sock *isk, const struct sockaddr_storage *sa, int len,
		    ip_addr_t *ip, u16_t *port, int not_v6)
{
	int err = inet_addr_from_sockaddr(isk, sa, len, ip, port);
	if (err || isk->family != AF_INET6)
		return err;
	if (IP_IS_V4(ip))
		return not_v6;
	if (IP_IS_ANY_TYPE_VAL(*ip))
		ip_addr_copy(*ip, *IP6_ADDR_ANY);       /* "::": IPv6's wildcard only */
	return 0;
}

static int raw_bind_op(struct socket *s, const struct sockaddr_storage *addr, int len)
{
	struct inet_sock *isk = inet_sk(s);
	ip_addr_t ip;
	u16_t port;
	int err = raw_addr(isk, addr, len, &ip, &port, isk->ping ? -EINVAL : -EADDRNOTAVAIL);
	if (err)
		return err;
	if (!inet_addr_is_local(&ip))
		return -EADDRNOTAVAIL;
	lwip_lock();
	err = isk->ping && isk->ping_id ? -EINVAL : inet_lwip_err(raw_bind(isk->raw, &ip));
	if (!err && isk->ping)
		err = inet_ping_bind(isk, port);        /* the port is the echo identifier */
	lwip_unlock();
	return err;
}

static int raw_connect_op(struct socket *s, const struct sockaddr_storage *addr, int len, bool nonblock)
{
	struct inet_sock *isk = inet_sk(s);
	ip_addr_t ip;
	u16_t port;
	int err = 0;
	if (inet_addr_is_unspec(addr, len)) {
		lwip_lock();
		raw_disconnect(isk->raw);
		isk->raw_connected = false;
		lwip_unlock();
		return 0;
	}
	err = raw_addr(isk, addr, len, &ip, &port, -ENETUNREACH);
	if (err)
		return err;
	lwip_lock();
	if (isk->ping && !isk->ping_id)
		err = inet_ping_bind(isk, 0);
	if (!err)
		err = inet_lwip_err(raw_connect(isk->raw, &ip));
	isk->raw_connected = !err;
	lwip_unlock();
	return err;
}

/* A raw socket's "port" is its protocol (Linux's inet_num), a ping
 * socket's its echo identifier. */
static int raw_getname_op(struct socket *s, struct sockaddr_storage *addr, bool peer)
{
	struct inet_sock *isk = inet_sk(s);
	int len;
	lwip_lock();
	if (peer)
		len = isk->raw_connected ? inet_addr_to_sockaddr(isk->family, &isk->raw->remote_ip, 0, addr)
					 : -ENOTCONN;
	else
		len = inet_addr_to_sockaddr(isk->family, &isk->raw->local_ip,
					    isk->ping ? isk->ping_id : isk->raw->protocol, addr);
	lwip_unlock();
	return len;
}

/* Copies the user's message in (kmalloc'd into *msg) and checks it. */
static int raw_copy_in(struct inet_sock *isk, struct kmsghdr *m, u8_t **msg, size_t *len)
{
	*len = m->data->resid;
	if (*len > RAW_MAX_PAYLOAD)
		return -EMSGSIZE;
	*msg = kmalloc(*len ? *len : 1);
	if (!*msg)
		return -ENOMEM;
	int err = uio_copy_in(m->data, *msg, *len) < *len ? -EFAULT : 0;
	if (!err && isk->ping)
		err = inet_ping_check(isk, *msg, *len);
	if (err)
		kfree(*msg);
	return err;
}

/* An IPPROTO_RAW socket's IPv4 header, written by the user, completed
 * as Linux's raw_send_hdrinc does: the length, the source address the
 * route gives if it is 0, and the checksum (lock held). */
static int raw_fill_ip4_header(u8_t *msg, size_t len, const ip_addr_t *dst)
{
	if (len < IP_HLEN)
		return -EINVAL;
	size_t hlen = (size_t)(msg[0] & 0x0f) * 4;
	if (hlen > len)
		return -EINVAL;
	if (hlen < IP_HLEN)
		return 0;               /* sent as it is, as Linux does */
	struct ip_hdr *h = (struct ip_hdr *)msg;
	const ip_addr_t *src = IP_IS_V4(dst) ? inet_source_addr(dst) : NULL;
	if (ip4_addr_isany_val(h->src) && src)
		ip4_addr_copy(h->src, *ip_2_ip4(src));
	IPH_LEN_SET(h, lwip_htons((u16_t)len));
	IPH_CHKSUM_SET(h, 0);
	IPH_CHKSUM_SET(h, inet_chksum(h, (u16_t)hlen));
	return 0;
}

/* Sends msg to ip (NULL: the connected peer), lock held. */
static int raw_send_locked(struct inet_sock *isk, u8_t *msg, size_t len, const ip_addr_t *ip)
{
	struct raw_pcb *pcb = isk->raw;
	if (isk->ping && !isk->ping_id) {
		int err = inet_ping_bind(isk, 0);
		if (err)
			return err;
	}
	if (isk->ping)
		inet_ping_stamp(isk, msg, len);
	if (pcb->chksum_reqd && (size_t)pcb->chksum_offset + 2 > len)
		return -EINVAL;         /* no room for the checksum (Linux: EINVAL too) */
	if ((pcb->flags & RAW_FLAGS_HDRINCL) && isk->family == AF_INET) {
		int err = raw_fill_ip4_header(msg, len, ip ? ip : &pcb->remote_ip);
		if (err)
			return err;
	}
	struct pbuf *p = pbuf_alloc(PBUF_IP, len, PBUF_RAM);
	if (!p)
		return -ENOBUFS;
	pbuf_take(p, msg, len);
	err_t e = ip ? raw_sendto(pcb, p, ip) : raw_send(pcb, p);
	pbuf_free(p);
	return inet_lwip_err(e);
}

static ssize_t raw_sendmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	struct inet_sock *isk = inet_sk(s);
	u8_t *msg;
	size_t len;
	int err = raw_copy_in(isk, m, &msg, &len);
	if (err)
		return err;
	ip_addr_t ip;
	u16_t port;
	if (m->name)
		err = raw_addr(isk, m->name, m->namelen, &ip, &port, isk->ping ? -EINVAL : -ENETUNREACH);
	else if (!isk->raw_connected)
		err = -EDESTADDRREQ;
	if (!err) {
		lwip_lock();
		err = raw_send_locked(isk, msg, len, m->name ? &ip : NULL);
		lwip_unlock();
	}
	kfree(msg);
	return err ? err : (ssize_t)len;
}

/* IP_TTL, IPV6_HOPLIMIT, IPV6_2292HOPLIMIT, as the socket asked. */
static void raw_control(struct inet_sock *isk, const struct inet_dgram *d, struct kmsghdr *m)
{
	int ttl = d->ttl;
	if (isk->family == AF_INET && isk->recv_ttl)
		put_cmsg(m, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	if (isk->family == AF_INET6 && isk->recv_hoplimit)
		put_cmsg(m, IPPROTO_IPV6, IPV6_HOPLIMIT, &ttl, sizeof(ttl));
	if (isk->family == AF_INET6 && isk->recv_hoplimit_2292)
		put_cmsg(m, IPPROTO_IPV6, IPV6_2292HOPLIMIT, &ttl, sizeof(ttl));
}

static ssize_t raw_recvmsg(struct socket *s, struct kmsghdr *m, int flags)
{
	return inet_dgram_recvmsg(s, m, flags, raw_control);
}

static int raw_shutdown_op(struct socket *s, int how)
{
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	return inet_sk(s)->raw_connected ? 0 : -ENOTCONN;
}

static void raw_release(struct socket *s)
{
	struct inet_sock *isk = inet_sk(s);
	lwip_lock();
	raw_remove(isk->raw);
	list_del(&isk->raw_link);
	inet_dgram_drain(isk);
	lwip_unlock();
	s->sk = NULL;
	kfree(isk);
}

static const struct proto_ops inet_raw_ops = {
	.family = AF_INET,      /* and AF_INET6: the layer keeps s->family */
	.release = raw_release,
	.bind = raw_bind_op,
	.connect = raw_connect_op,
	.getname = raw_getname_op,
	.poll = inet_dgram_poll,
	.ioctl = inet_ioctl,
	.shutdown = raw_shutdown_op,
	.setsockopt = inet_raw_setsockopt,
	.getsockopt = inet_raw_getsockopt,
	.sendmsg = raw_sendmsg,
	.recvmsg = raw_recvmsg,
};
