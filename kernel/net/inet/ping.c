/* Ping sockets (SOCK_DGRAM of IPPROTO_ICMP or IPPROTO_ICMPV6), as Linux's
 * net/ipv4/ping.c: ICMP echo without the privilege a raw socket needs.
 * The user writes an echo request (header and data); the kernel owns
 * its identifier, the socket's "port" (bind chooses it, or the first
 * send or connect takes a free one), and computes the checksum; the
 * socket receives only the echo replies carrying its identifier, without
 * the IP header. The rest is a raw socket's (raw.c). Everything here runs
 * with the lwIP lock held. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <linux/in.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include "lwip/inet_chksum.h"
#include "inet_sock.h"

#define ECHO_HLEN 8             /* type, code, checksum, identifier, sequence */
#define ECHO_ID_AT 4
#define ICMP_CHECKSUM_AT 2

static u8_t echo_request_type(const struct inet_sock *isk)
{
	return isk->family == AF_INET ? ICMP_ECHO : ICMPV6_ECHO_REQUEST;
}

static u8_t echo_reply_type(const struct inet_sock *isk)
{
	return isk->family == AF_INET ? ICMP_ECHOREPLY : ICMPV6_ECHO_REPLY;
}

/* What a ping socket may send: an echo request, code 0, header whole. */
int inet_ping_check(struct inet_sock *isk, const u8_t *msg, size_t len)
{
	if (len < ECHO_HLEN || msg[0] != echo_request_type(isk) || msg[1] != 0)
		return -EINVAL;
	return 0;
}

static bool ping_id_taken(const struct inet_sock *isk, u16_t id)
{
	struct inet_sock *other;
	list_for_each_entry(other, &inet_raw_socks, raw_link)
		if (other != isk && other->ping && other->family == isk->family && other->ping_id == id)
			return true;
	return false;
}

/* Gives isk the identifier id, or (id 0) a free one. */
int inet_ping_bind(struct inet_sock *isk, u16_t id)
{
	static u16_t rover;
	if (id) {
		if (ping_id_taken(isk, id))
			return -EADDRINUSE;
		isk->ping_id = id;
		return 0;
	}
	for (int tries = 0; tries < 65535; tries++) {
		if (++rover == 0)
			rover = 1;
		if (!ping_id_taken(isk, rover)) {
			isk->ping_id = rover;
			return 0;
		}
	}
	return -EAGAIN;         /* every identifier in use (Linux's answer too) */
}

/* Puts the socket's identifier in the request, and (IPv4) its checksum:
 * ICMPv6's covers a pseudo-header, which lwIP's raw_sendto computes. */
void inet_ping_stamp(struct inet_sock *isk, u8_t *msg, size_t len)
{
	u16_t id = lwip_htons(isk->ping_id);
	memcpy(msg + ECHO_ID_AT, &id, sizeof(id));
	if (isk->family != AF_INET)
		return;
	memset(msg + ICMP_CHECKSUM_AT, 0, 2);
	u16_t sum = inet_chksum(msg, (u16_t)len);
	memcpy(msg + ICMP_CHECKSUM_AT, &sum, sizeof(sum));
}

/* Is the packet (its ICMP message hlen bytes into p) a reply to isk? */
bool inet_ping_wants(struct inet_sock *isk, struct pbuf *p, u16_t hlen)
{
	u8_t h[ECHO_HLEN];
	if (!isk->ping_id || pbuf_copy_partial(p, h, sizeof(h), hlen) < sizeof(h))
		return false;
	u16_t id;
	memcpy(&id, h + ECHO_ID_AT, sizeof(id));
	return h[0] == echo_reply_type(isk) && lwip_ntohs(id) == isk->ping_id;
}
