/* ICMP errors for UDP sockets: a datagram sent to a port nobody has
 * comes back as ICMP (or ICMPv6) "port unreachable", which lwIP alone
 * drops. Linux gives it to the socket that sent the datagram if that
 * socket is connected (an unconnected one could not tell which of its
 * destinations refused): ECONNREFUSED, pending like SO_ERROR, for its
 * next send or receive (and POLLERR). We look at every packet lwIP
 * receives, before it does (LWIP_HOOK_IP4_INPUT, LWIP_HOOK_IP6_INPUT),
 * with the lwIP lock held: the error message quotes the datagram's IP
 * and UDP headers, which name the socket. */
#include <kernel/types.h>
#include <kernel/string.h>
#include <kernel/errno.h>
#include "lwip/prot/ip4.h"
#include "lwip/prot/ip6.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/icmp.h"
#include "lwip/prot/icmp6.h"
#include "lwip/icmp.h"
#include "lwip_hooks.h"
#include "inet_sock.h"

#define IP4_HLEN_MAX 60
#define ICMP_HLEN 8             /* type, code, checksum, 4 unused bytes */
#define UDP_PORTS 4             /* the quoted UDP header's first bytes */

static u16_t be16(const u8_t *b) { return (u16_t)(b[0] << 8 | b[1]); }

/* The datagram from local:lport to remote:rport was refused. */
static void udp_refused(const ip_addr_t *local, u16_t lport, const ip_addr_t *remote, u16_t rport)
{
	for (struct udp_pcb *pcb = udp_pcbs; pcb; pcb = pcb->next) {
		if (pcb->local_port != lport || pcb->remote_port != rport ||
		    !(pcb->flags & UDP_FLAGS_CONNECTED) || !ip_addr_cmp(&pcb->remote_ip, remote))
			continue;
		if (!ip_addr_isany(&pcb->local_ip) && !ip_addr_cmp(&pcb->local_ip, local))
			continue;
		struct inet_sock *isk = pcb->recv_arg;
		if (isk && isk->sock && isk->udp_connected) {
			__atomic_store_n(&isk->sock->error, -ECONNREFUSED, __ATOMIC_RELEASE);
			inet_wake(isk);
		}
	}
}

int inet_icmp_input4(struct pbuf *p, struct netif *inp)
{
	u8_t b[IP4_HLEN_MAX + ICMP_HLEN + IP4_HLEN_MAX + UDP_PORTS];
	u16_t n = pbuf_copy_partial(p, b, sizeof(b), 0);
	if (n < IP_HLEN || b[9] != IP_PROTO_ICMP || (be16(b + 6) & IP_OFFMASK))
		return 0;       /* (a later fragment holds no ICMP header) */
	unsigned hlen = (b[0] & 0x0f) * 4;
	const u8_t *icmp = b + hlen, *orig = icmp + ICMP_HLEN;
	if (hlen < IP_HLEN || n < hlen + ICMP_HLEN + IP_HLEN ||
	    icmp[0] != ICMP_DUR || icmp[1] != ICMP_DUR_PORT || orig[9] != IP_PROTO_UDP)
		return 0;
	unsigned ohlen = (orig[0] & 0x0f) * 4;
	if (ohlen < IP_HLEN || n < hlen + ICMP_HLEN + ohlen + UDP_PORTS)
		return 0;
	uint32_t src, dst;
	memcpy(&src, orig + 12, 4);
	memcpy(&dst, orig + 16, 4);
	ip_addr_t local, remote;
	ip_addr_set_ip4_u32_val(local, src);
	ip_addr_set_ip4_u32_val(remote, dst);
	udp_refused(&local, be16(orig + ohlen), &remote, be16(orig + ohlen + 2));
	return 0;
}

int inet_icmp_input6(struct pbuf *p, struct netif *inp)
{
	u8_t b[IP6_HLEN + ICMP_HLEN + IP6_HLEN + UDP_PORTS];
	if (pbuf_copy_partial(p, b, sizeof(b), 0) < sizeof(b))
		return 0;
	const u8_t *icmp = b + IP6_HLEN, *orig = icmp + ICMP_HLEN;
	if (b[6] != IP6_NEXTH_ICMP6 || icmp[0] != ICMP6_TYPE_DUR || icmp[1] != ICMP6_DUR_PORT ||
	    orig[6] != IP6_NEXTH_UDP)
		return 0;       /* (extension headers are not looked through) */
	uint32_t src[4], dst[4];
	memcpy(src, orig + 8, 16);
	memcpy(dst, orig + 24, 16);
	ip_addr_t local, remote;
	IP_ADDR6(&local, src[0], src[1], src[2], src[3]);
	IP_ADDR6(&remote, dst[0], dst[1], dst[2], dst[3]);
	udp_refused(&local, be16(orig + IP6_HLEN), &remote, be16(orig + IP6_HLEN + 2));
	return 0;
}
