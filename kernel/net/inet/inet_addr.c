/* Addresses between the user's sockaddr_in / sockaddr_in6 and lwIP's
 * ip_addr_t. An AF_INET6 socket that is not IPV6_V6ONLY talks IPv4 too:
 * its IPv4 peers appear as IPv4-mapped addresses (::ffff:a.b.c.d), which
 * lwIP sees as plain IPv4 addresses on a dual-stack (IPADDR_TYPE_ANY) pcb. */
#include <kernel/types.h>
#include <kernel/string.h>
#include <kernel/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include "lwip/netif.h"
#include "lwip/ip.h"
#include "inet_sock.h"

static const uint8_t v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void inet_any_addr(struct inet_sock *isk, ip_addr_t *ip)
{
	if (isk->family == AF_INET)
		ip_addr_copy(*ip, *IP4_ADDR_ANY);
	else if (isk->v6only)
		ip_addr_copy(*ip, *IP6_ADDR_ANY);
	else
		ip_addr_copy(*ip, *IP_ANY_TYPE);
}

static int from_sin(const struct sockaddr_storage *sa, int len, ip_addr_t *ip, u16_t *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	if (len < (int)sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	ip_addr_set_ip4_u32_val(*ip, sin->sin_addr.s_addr);
	*port = lwip_ntohs(sin->sin_port);
	return 0;
}

static int from_sin6(struct inet_sock *isk, const struct sockaddr_storage *sa, int len,
		     ip_addr_t *ip, u16_t *port)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	if (len < 24)   /* SIN6_LEN_RFC2133: without sin6_scope_id */
		return -EINVAL;
	if (sin6->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	*port = lwip_ntohs(sin6->sin6_port);
	const uint8_t *b = sin6->sin6_addr.s6_addr;
	if (!memcmp(b, v4_mapped_prefix, 12)) {
		if (isk->v6only)
			return -EINVAL;
		uint32_t v4;
		memcpy(&v4, b + 12, 4);
		ip_addr_set_ip4_u32_val(*ip, v4);
		return 0;
	}
	static const uint8_t zero[16];
	if (!memcmp(b, zero, 16)) {
		inet_any_addr(isk, ip);
		return 0;
	}
	uint32_t w[4];
	memcpy(w, b, 16);
	IP_ADDR6(ip, w[0], w[1], w[2], w[3]);
	return 0;
}

/* The user's address for a socket of isk's family: -EINVAL if too short,
 * -EAFNOSUPPORT for another family (as Linux's bind and connect). */
int inet_addr_from_sockaddr(struct inet_sock *isk, const struct sockaddr_storage *sa, int len,
			    ip_addr_t *ip, u16_t *port)
{
	if (isk->family == AF_INET)
		return from_sin(sa, len, ip, port);
	return from_sin6(isk, sa, len, ip, port);
}

/* As inet_addr_from_sockaddr, but a dual-stack AF_INET6 socket also takes
 * a sockaddr_in, as Linux's UDP connect does (glibc's getaddrinfo connects
 * its AF_INET6 probe socket to IPv4 addresses): EAFNOSUPPORT if V6ONLY. */
int inet_addr_from_sockaddr_or_v4(struct inet_sock *isk, const struct sockaddr_storage *sa, int len,
				  ip_addr_t *ip, u16_t *port)
{
	if (isk->family == AF_INET6 && len >= 2 && sa->ss_family == AF_INET)
		return isk->v6only ? -EAFNOSUPPORT : from_sin(sa, len, ip, port);
	return inet_addr_from_sockaddr(isk, sa, len, ip, port);
}

/* Fills sa as the socket's family shows ip: returns its length. */
int inet_addr_to_sockaddr(int family, const ip_addr_t *ip, u16_t port, struct sockaddr_storage *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)sa;
		sin->sin_family = AF_INET;
		sin->sin_port = lwip_htons(port);
		sin->sin_addr.s_addr = IP_IS_V4(ip) ? ip4_addr_get_u32(ip_2_ip4(ip)) : 0;
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)sa;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = lwip_htons(port);
	uint8_t *b = sin6->sin6_addr.s6_addr;
	if (IP_IS_V4(ip)) {
		uint32_t v4 = ip4_addr_get_u32(ip_2_ip4(ip));
		if (v4) {       /* 0.0.0.0 of a dual-stack pcb is :: */
			memcpy(b, v4_mapped_prefix, 12);
			memcpy(b + 12, &v4, 4);
		}
	} else if (IP_IS_V6(ip)) {
		memcpy(b, ip_2_ip6(ip)->addr, 16);
	}
	return sizeof(*sin6);
}

/* A wildcard, a loopback address (127.0.0.0/8, ::1) or one of an
 * interface's: what bind accepts (EADDRNOTAVAIL otherwise). */
bool inet_addr_is_local(const ip_addr_t *ip)
{
	if (ip_addr_isany(ip) || ip_addr_isloopback(ip))
		return true;
	struct netif *netif;
	NETIF_FOREACH(netif) {
		if (IP_IS_V4(ip) && ip4_addr_cmp(ip_2_ip4(ip), netif_ip4_addr(netif)))
			return true;
		if (IP_IS_V6(ip) && netif_get_ip6_addr_match(netif, ip_2_ip6(ip)) >= 0)
			return true;
	}
	return false;
}

void inet_unbound_addr(struct inet_sock *isk, ip_addr_t *ip)
{
	if (isk->addr_bound)
		ip_addr_copy(*ip, isk->bound_ip);
	else
		inet_any_addr(isk, ip);
}

void inet_note_bind(struct inet_sock *isk, const ip_addr_t *ip, u16_t port)
{
	isk->addr_bound = !ip_addr_isany(ip);
	isk->port_bound = port != 0;
	ip_addr_copy(isk->bound_ip, *ip);
	isk->bound_port = port;
}

const ip_addr_t *inet_source_addr(const ip_addr_t *peer)
{
	struct netif *netif = ip_route(IP_IS_V4(peer) ? IP4_ADDR_ANY : IP6_ADDR_ANY, peer);
	return netif ? ip_netif_get_local_ip(netif, peer) : NULL;
}

bool inet_addr_is_unspec(const struct sockaddr_storage *sa, int len)
{
	return len >= (int)sizeof(sa->ss_family) && sa->ss_family == AF_UNSPEC;
}
