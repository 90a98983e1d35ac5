/* The AF_INET and AF_INET6 families (socket(2) with SOCK_STREAM: TCP,
 * SOCK_DGRAM: UDP, or ICMP echo for a ping socket; SOCK_RAW: raw.c) over
 * lwIP: creating a socket, the options of the IP and TCP levels, and what
 * TCP and UDP share. See inet_sock.h. */
#include <kernel/types.h>
#include <kernel/string.h>
#include <kernel/errno.h>
#include <mm/kmalloc.h>
#include <net/lwip_port.h>
#include <net/inet.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/tcp.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <x86/uaccess.h>
#include "inet_sock.h"

struct inet_sock *inet_sock_alloc(int family, int type)
{
	struct inet_sock *isk = kmalloc(sizeof(*isk));
	if (!isk)
		return NULL;
	memset(isk, 0, sizeof(*isk));
	isk->family = family;
	isk->type = type;
	isk->keepidle = 7200;   /* Linux's defaults (tcp(7)) */
	isk->keepintvl = 75;
	isk->keepcnt = 9;
	list_init(&isk->accept_queue);
	list_init(&isk->accept_link);
	list_init(&isk->dgrams);
	return isk;
}

/* Something a sleeper or poller of the socket waits for may have changed. */
void inet_wake(struct inet_sock *isk)
{
	if (isk->sock)
		sock_wake(isk->sock);
}

/* lwIP's err_t as the errno Linux gives in the same situation. */
int inet_lwip_err(err_t err)
{
	switch (err) {
	case ERR_OK:            return 0;
	case ERR_MEM:           return -ENOMEM;
	case ERR_BUF:           return -ENOBUFS;
	case ERR_TIMEOUT:       return -ETIMEDOUT;
	case ERR_RTE:           return -ENETUNREACH;
	case ERR_INPROGRESS:    return -EINPROGRESS;
	case ERR_VAL:           return -EINVAL;
	case ERR_WOULDBLOCK:    return -EAGAIN;
	case ERR_USE:           return -EADDRINUSE;
	case ERR_ALREADY:       return -EALREADY;
	case ERR_ISCONN:        return -EISCONN;
	case ERR_CONN:          return -ENOTCONN;
	case ERR_IF:            return -ENETDOWN;
	case ERR_ABRT:          return -ECONNABORTED;
	case ERR_RST:           return -ECONNRESET;
	case ERR_CLSD:          return -ENOTCONN;
	case ERR_ARG:           return -EINVAL;
	default:                return -EIO;
	}
}

/* The IP version of a new pcb: IPv4 for AF_INET, IPv6 for a v6-only
 * AF_INET6 socket, both (dual stack) otherwise; a pcb made to reach an
 * IPv4 peer from an AF_INET6 socket is an IPv4 one. */
u8_t inet_pcb_type(struct inet_sock *isk, const ip_addr_t *addr)
{
	if (isk->family == AF_INET || (addr && IP_IS_V4(addr)))
		return IPADDR_TYPE_V4;
	return isk->v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
}

static int int_opt(const void *val, int len, int *out)
{
	if (len < (int)sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

/* TCP_NODELAY and the keepalive timings, IPV6_V6ONLY, IP_TOS. */
int inet_setsockopt(struct socket *s, int level, int name, const void *val, int len)
{
	struct inet_sock *isk = inet_sk(s);
	int v, err = int_opt(val, len, &v);
	if (level == IPPROTO_TCP && isk->type == SOCK_STREAM) {
		if (err)
			return err;
		lwip_lock();
		switch (name) {
		case TCP_NODELAY:
			isk->nodelay = v != 0;
			if (isk->tcp && !isk->listening && isk->nodelay)
				tcp_nagle_disable(isk->tcp);
			else if (isk->tcp && !isk->listening)
				tcp_nagle_enable(isk->tcp);
			break;
		case TCP_KEEPIDLE:  err = v < 1 ? -EINVAL : (isk->keepidle = v, 0); break;
		case TCP_KEEPINTVL: err = v < 1 ? -EINVAL : (isk->keepintvl = v, 0); break;
		case TCP_KEEPCNT:   err = v < 1 ? -EINVAL : (isk->keepcnt = v, 0); break;
		default:            err = -ENOPROTOOPT;
		}
		lwip_unlock();
		return err;
	}
	if (level == IPPROTO_IPV6 && isk->family == AF_INET6 && name == IPV6_V6ONLY) {
		if (err)
			return err;
		lwip_lock();
		if (isk->tcp)           /* fixed once bound (the pcb's IP version) */
			err = -EINVAL;
		else
			isk->v6only = v != 0;
		lwip_unlock();
		return err;
	}
	if (level == IPPROTO_IP && name == IP_TOS) {
		if (!err)
			isk->tos = v & 0xff;
		return err;
	}
	return -ENOPROTOOPT;
}

int inet_getsockopt(struct socket *s, int level, int name, void *val, int *len)
{
	struct inet_sock *isk = inet_sk(s);
	int v;
	if (level == IPPROTO_TCP && isk->type == SOCK_STREAM) {
		switch (name) {
		case TCP_NODELAY:   v = isk->nodelay; break;
		case TCP_KEEPIDLE:  v = isk->keepidle; break;
		case TCP_KEEPINTVL: v = isk->keepintvl; break;
		case TCP_KEEPCNT:   v = isk->keepcnt; break;
		case TCP_MAXSEG:    v = TCP_MSS; break;
		default:            return -ENOPROTOOPT;
		}
	} else if (level == IPPROTO_IPV6 && isk->family == AF_INET6 && name == IPV6_V6ONLY) {
		v = isk->v6only;
	} else if (level == IPPROTO_IP && name == IP_TOS) {
		v = isk->tos;
	} else {
		return -ENOPROTOOPT;
	}
	if (*len < 0)
		return -EINVAL;
	int n = *len < (int)sizeof(v) ? *len : (int)sizeof(v);
	memcpy(val, &v, n);
	*len = n;
	return 0;
}

/* FIONREAD (SIOCINQ): unread bytes, a datagram socket's next datagram;
 * SIOCOUTQ: bytes sent but not yet acknowledged. */
long inet_ioctl(struct socket *s, unsigned cmd, uint64_t arg)
{
	struct inet_sock *isk = inet_sk(s);
	int v;
	lwip_lock();
	if (cmd == SIOCINQ && isk->type == SOCK_STREAM)
		v = isk->listening ? -EINVAL : (int)isk->rx_len;
	else if (cmd == SIOCINQ)
		v = list_empty(&isk->dgrams) ? 0
			: list_first_entry(&isk->dgrams, struct inet_dgram, link)->p->tot_len;
	else if (cmd == SIOCOUTQ && isk->type == SOCK_STREAM)
		v = isk->tcp && !isk->listening ? TCP_SND_BUF - tcp_sndbuf(isk->tcp) : 0;
	else
		v = -ENOTTY;
	lwip_unlock();
	if (v < 0)
		return v;
	return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

/* SOCK_DGRAM of ICMP (AF_INET) or ICMPv6 (AF_INET6): a ping socket. */
static bool is_ping(int family, int type, int protocol)
{
	return type == SOCK_DGRAM &&
	       protocol == (family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
}

static int inet_create(struct socket *s, int protocol, bool kern)
{
	int type = s->type;
	if ((type == SOCK_RAW || is_ping(s->family, type, protocol)) && net_lwip_up())
		return inet_raw_create(s, protocol, type != SOCK_RAW);
	if (type == SOCK_STREAM && protocol && protocol != IPPROTO_TCP)
		return -EPROTONOSUPPORT;
	if (type == SOCK_DGRAM && protocol && protocol != IPPROTO_UDP)
		return -EPROTONOSUPPORT;
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (!net_lwip_up())
		return -EAFNOSUPPORT;
	struct inet_sock *isk = inet_sock_alloc(s->family, type);
	if (!isk)
		return -ENOMEM;
	isk->sock = s;
	s->sk = isk;
	s->protocol = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	s->ops = type == SOCK_STREAM ? &inet_tcp_ops : &inet_udp_ops;
	return 0;
}

static const struct net_family inet4_family = { .family = AF_INET, .create = inet_create };
static const struct net_family inet6_family = { .family = AF_INET6, .create = inet_create };

void inet_init(void)
{
	net_lwip_init();
	sock_register(&inet4_family);
	sock_register(&inet6_family);
}
