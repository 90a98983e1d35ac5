/* The options of raw and ping sockets (raw.c), as Linux's raw.c, raw6
 * (net/ipv6/raw.c) and ping.c take them: the ICMP type filters
 * (ICMP_FILTER, ICMP6_FILTER), IPV6_CHECKSUM, the hop limit of what is
 * sent (IP_TTL, IPV6_UNICAST_HOPS) and as control data of what arrives
 * (IP_RECVTTL, IPV6_RECVHOPLIMIT and RFC 2292's IPV6_2292HOPLIMIT);
 * IP_RECVERR is kept (there is no error queue). Other options are every
 * inet socket's (inet.c). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <net/lwip_port.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include "inet_sock.h"

#define SOL_RAW 255             /* Linux's include/linux/socket.h, not in the UAPI headers */
#define DEFAULT_HOPS IP_DEFAULT_TTL     /* 64, Linux's (lwipopts.h) */

static bool is_raw_icmp(const struct inet_sock *isk)
{
	return !isk->ping && isk->raw->protocol == (isk->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
}

/* IPV6_CHECKSUM: the offset of the checksum the kernel fills in, -1 none. */
static int set_checksum(struct inet_sock *isk, int level, int v)
{
	if (isk->raw->protocol == IPPROTO_ICMPV6 && level == IPPROTO_IPV6)
		return -EINVAL;         /* RFC 3542: not at this level for ICMPv6 */
	if (v > 0 && (v & 1))
		return -EINVAL;
	isk->raw->chksum_reqd = v >= 0;
	isk->raw->chksum_offset = v >= 0 ? (u16_t)v : 0;
	return 0;
}

/* An option of an int value (lock held); -ENOPROTOOPT if not ours. */
static int set_int(struct inet_sock *isk, int level, int name, int v)
{
	bool v4 = isk->family == AF_INET;
	if (level == IPPROTO_IP && v4) {
		switch (name) {
		case IP_RECVTTL: isk->recv_ttl = v != 0; return 0;
		case IP_RECVERR: isk->recv_err = v != 0; return 0;
		case IP_TTL:
			if (v < -1 || v == 0 || v > 255)
				return -EINVAL;
			isk->raw->ttl = v == -1 ? DEFAULT_HOPS : v;
			return 0;
		}
	}
	if (level == IPPROTO_IPV6 && !v4) {
		switch (name) {
		case IPV6_RECVHOPLIMIT: isk->recv_hoplimit = v != 0; return 0;
		case IPV6_2292HOPLIMIT: isk->recv_hoplimit_2292 = v != 0; return 0;
		case IPV6_RECVERR: isk->recv_err = v != 0; return 0;
		case IPV6_UNICAST_HOPS:
			if (v < -1 || v > 255)
				return -EINVAL;
			isk->raw->ttl = v == -1 ? DEFAULT_HOPS : v;
			return 0;
		case IPV6_CHECKSUM:
			return isk->ping ? -ENOPROTOOPT : set_checksum(isk, level, v);
		}
	}
	if (level == SOL_RAW && !v4 && !isk->ping && name == IPV6_CHECKSUM)
		return set_checksum(isk, level, v);
	return -ENOPROTOOPT;
}

static int get_opt(struct inet_sock *isk, int level, int name, void *val);

/* Is len enough for an int option of this level? */
static bool int_len_ok(int level, int len)
{
	return len >= (int)sizeof(int) || (level == IPPROTO_IP && len >= 1);
}

/* The filters: copied as far as the user gave them (Linux truncates). */
static int set_filter(struct inet_sock *isk, int level, int name, const void *val, int len)
{
	bool v4 = isk->family == AF_INET;
	size_t size = v4 ? sizeof(struct icmp_filter) : sizeof(struct icmp6_filter);
	if ((v4 && (level != SOL_RAW || name != ICMP_FILTER)) ||
	    (!v4 && (level != IPPROTO_ICMPV6 || name != ICMPV6_FILTER)) || isk->ping)
		return -ENOPROTOOPT;    /* a ping socket has no filter (Linux: the IP level's answer) */
	if (!is_raw_icmp(isk))
		return -EOPNOTSUPP;
	memcpy(isk->icmp_filter, val, (size_t)len < size ? (size_t)len : size);
	return 0;
}

int inet_raw_setsockopt(struct socket *s, int level, int name, const void *val, int len)
{
	struct inet_sock *isk = inet_sk(s);
	lwip_lock();
	int err = set_filter(isk, level, name, val, len);
	if (err == -ENOPROTOOPT && int_len_ok(level, len)) {
		int v = 0;      /* IPPROTO_IP takes a byte too, as Linux's ip_setsockopt */
		memcpy(&v, val, len < (int)sizeof(v) ? len : (int)sizeof(v));
		err = set_int(isk, level, name, v);
	} else if (err == -ENOPROTOOPT) {
		u8_t scratch[sizeof(struct icmp6_filter)];
		err = get_opt(isk, level, name, scratch) == -ENOPROTOOPT ? -ENOPROTOOPT : -EINVAL;
	}
	lwip_unlock();
	return err == -ENOPROTOOPT ? inet_setsockopt(s, level, name, val, len) : err;
}

/* The option's value into val; its length, or -ENOPROTOOPT (lock held). */
static int get_opt(struct inet_sock *isk, int level, int name, void *val)
{
	bool v4 = isk->family == AF_INET;
	int v;
	if (v4 && level == SOL_RAW && name == ICMP_FILTER && !isk->ping) {
		if (!is_raw_icmp(isk))
			return -EOPNOTSUPP;
		memcpy(val, isk->icmp_filter, sizeof(struct icmp_filter));
		return sizeof(struct icmp_filter);
	}
	if (!v4 && level == IPPROTO_ICMPV6 && name == ICMPV6_FILTER && !isk->ping) {
		if (!is_raw_icmp(isk))
			return -EOPNOTSUPP;
		memcpy(val, isk->icmp_filter, sizeof(struct icmp6_filter));
		return sizeof(struct icmp6_filter);
	}
	if (v4 && level == IPPROTO_IP && name == IP_RECVTTL)
		v = isk->recv_ttl;
	else if (v4 && level == IPPROTO_IP && name == IP_RECVERR)
		v = isk->recv_err;
	else if (v4 && level == IPPROTO_IP && name == IP_TTL)
		v = isk->raw->ttl;
	else if (!v4 && level == IPPROTO_IPV6 && name == IPV6_RECVHOPLIMIT)
		v = isk->recv_hoplimit;
	else if (!v4 && level == IPPROTO_IPV6 && name == IPV6_2292HOPLIMIT)
		v = isk->recv_hoplimit_2292;
	else if (!v4 && level == IPPROTO_IPV6 && name == IPV6_RECVERR)
		v = isk->recv_err;
	else if (!v4 && level == IPPROTO_IPV6 && name == IPV6_UNICAST_HOPS)
		v = isk->raw->ttl;
	else if (!v4 && !isk->ping && (level == SOL_RAW || level == IPPROTO_IPV6) && name == IPV6_CHECKSUM)
		v = isk->raw->chksum_reqd ? isk->raw->chksum_offset : -1;
	else
		return -ENOPROTOOPT;
	memcpy(val, &v, sizeof(v));
	return sizeof(v);
}

int inet_raw_getsockopt(struct socket *s, int level, int name, void *val, int *len)
{
	struct inet_sock *isk = inet_sk(s);
	if (*len < 0)
		return -EINVAL;
	u8_t buf[sizeof(struct icmp6_filter)];
	lwip_lock();
	int n = get_opt(isk, level, name, buf);
	lwip_unlock();
	if (n == -ENOPROTOOPT)
		return inet_getsockopt(s, level, name, val, len);
	if (n < 0)
		return n;
	if (*len < n)
		n = *len;
	memcpy(val, buf, n);
	*len = n;
	return 0;
}
