/* /proc/net: the network as netstat, route and ifconfig read it, in the
 * layouts of Linux 6.1 (net/core/net-procfs.c, net/ipv4/fib_trie.c,
 * tcp_ipv4.c, udp.c, raw.c, net/ipv6/tcp_ipv6.c, datagram.c, addrconf.c,
 * net/unix/af_unix.c).
 * Linux has it as a link to self/net (one per network namespace); with
 * one namespace a directory is the same. The facts come from
 * net/netinfo.c's snapshots (AF_UNIX's from net/unix/listing.c).
 * Addresses print as Linux prints them: the 32-bit words of
 * network-order addresses in hex, as the host reads them. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <linux/if.h>
#include <linux/route.h>
#include <net/netinfo.h>
#include <net/unix.h>
#include "system.h"

#define TCP_LINE 149            /* Linux's TMPSZ - 1 */
#define UDP_LINE 127
#define ROUTE_LINE 127
#define TCP_LISTEN 10
#define TCP_TIME_WAIT 6

/* Linux's seq_pad: spaces up to width characters since start, then '\n'. */
static void pad(struct pbuf *b, size_t start, size_t width)
{
	while (b->len - start < width && !b->overflow)
		pbuf_putc(b, ' ');
	pbuf_putc(b, '\n');
}

static int interfaces(struct netinfo_if *ifs)
{
	int n = netinfo_interfaces(ifs, NETINFO_MAX_IFS);
	return n < NETINFO_MAX_IFS ? n : NETINFO_MAX_IFS;
}

static int dev_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct netinfo_if ifs[NETINFO_MAX_IFS];
	int n = interfaces(ifs);
	pbuf_printf(b, "Inter-|   Receive                                                |  Transmit\n"
		       " face |bytes    packets errs drop fifo frame compressed multicast|"
		       "bytes    packets errs drop fifo colls carrier compressed\n");
	for (int i = 0; i < n; i++) {
		const struct netdev_stats *s = &ifs[i].stats;
		pbuf_printf(b, "%6s: %7lu %7lu %4u %4lu %4u %5u %10u %9u "
			       "%8lu %7lu %4u %4lu %4u %5u %7u %10u\n",
			    ifs[i].name, s->rx_bytes, s->rx_packets, 0, s->rx_dropped, 0, 0, 0, 0,
			    s->tx_bytes, s->tx_packets, 0, s->tx_dropped, 0, 0, 0, 0);
	}
	return 0;
}

static void route_line(struct pbuf *b, const char *dev, uint32_t dst, uint32_t gw,
		       unsigned flags, uint32_t mask)
{
	size_t start = b->len;
	pbuf_printf(b, "%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u",
		    dev, dst, gw, flags, 0, 0, 0, mask, 0, 0, 0);
	pad(b, start, ROUTE_LINE);
}

/* The main table: each card's default route (through its gateway), then
 * its subnet's (lo's routes are in Linux's local table, not shown). */
static int route_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct netinfo_if ifs[NETINFO_MAX_IFS];
	int n = interfaces(ifs);
	size_t start = b->len;
	pbuf_printf(b, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
	pad(b, start, ROUTE_LINE);
	for (int i = 0; i < n; i++) {
		if (ifs[i].loopback || !ifs[i].has_ipv4 || !(ifs[i].flags & IFF_UP))
			continue;
		if (ifs[i].gateway)
			route_line(b, ifs[i].name, 0, ifs[i].gateway, RTF_UP | RTF_GATEWAY, 0);
		route_line(b, ifs[i].name, ifs[i].addr & ifs[i].netmask, 0, RTF_UP, ifs[i].netmask);
	}
	return 0;
}

static void addr6(struct pbuf *b, const uint8_t a[16])
{
	for (int w = 0; w < 4; w++) {
		uint32_t v;
		memcpy(&v, a + 4 * w, 4);
		pbuf_printf(b, "%08X", v);
	}
}

static void addr4(struct pbuf *b, const uint8_t a[16])
{
	uint32_t v;
	memcpy(&v, a, 4);
	pbuf_printf(b, "%08X", v);
}

/* The fields after "st" of a TCP line, as get_tcp4_sock and
 * get_timewait4_sock print them (rto, ato... as Linux's defaults). */
static void tcp_rest(struct pbuf *b, const struct netinfo_sock *e)
{
	if (e->state == TCP_TIME_WAIT) {
		pbuf_printf(b, " %08X:%08X %02X:%08X %08X %5d %8d %d %d 0000000000000000",
			    0, 0, 3, e->tw_remaining_ms / 10, 0, 0, 0, 0, 1);
		return;
	}
	pbuf_printf(b, " %08X:%08X %02X:%08X %08X %5u %8d %lu %d 0000000000000000 %s",
		    e->tx_queue, e->rx_queue, 0, 0, 0, e->uid, 0, e->inode, 1,
		    e->state == TCP_LISTEN ? "100 0 0 10 0" : "20 4 30 10 -1");
}

static void udp_rest(struct pbuf *b, const struct netinfo_sock *e)
{
	pbuf_printf(b, " %08X:%08X %02X:%08X %08X %5u %8d %lu %d 0000000000000000 %u",
		    e->tx_queue, e->rx_queue, 0, 0, 0, e->uid, 0, e->inode, 2, 0);
}

static int sockets_show(struct pbuf *b, bool tcp, bool ipv6)
{
	int n;
	struct netinfo_sock *v = netinfo_sockets(tcp, &n);
	if (n < 0)
		return n;
	if (ipv6)
		pbuf_printf(b, "  sl  local_address                         remote_address                        "
			       "st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode%s\n",
			    tcp ? "" : " ref pointer drops");
	else if (tcp)
		pbuf_printf(b, "%-*s\n", TCP_LINE, "  sl  local_address rem_address   st tx_queue "
			    "rx_queue tr tm->when retrnsmt   uid  timeout inode");
	else
		pbuf_printf(b, "%-*s\n", UDP_LINE, "   sl  local_address rem_address   st tx_queue "
			    "rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops");
	int sl = 0;
	for (int i = 0; i < n; i++) {
		const struct netinfo_sock *e = &v[i];
		if (e->ipv6 != ipv6)
			continue;
		size_t start = b->len;
		pbuf_printf(b, tcp ? "%4d: " : "%5d: ", sl++);
		void (*addr)(struct pbuf *, const uint8_t *) = ipv6 ? addr6 : addr4;
		addr(b, e->local);
		pbuf_printf(b, ":%04X ", e->lport);
		addr(b, e->remote);
		pbuf_printf(b, ":%04X %02X", e->rport, e->state);
		(tcp ? tcp_rest : udp_rest)(b, e);
		if (ipv6)
			pbuf_putc(b, '\n');
		else
			pad(b, start, tcp ? TCP_LINE : UDP_LINE);
	}
	kfree(v);
	return 0;
}

static int tcp_show(struct pbuf *b, const struct pseudo_ctx *c)  { return sockets_show(b, true, false); }
static int tcp6_show(struct pbuf *b, const struct pseudo_ctx *c) { return sockets_show(b, true, true); }
static int udp_show(struct pbuf *b, const struct pseudo_ctx *c)  { return sockets_show(b, false, false); }
static int udp6_show(struct pbuf *b, const struct pseudo_ctx *c) { return sockets_show(b, false, true); }

/* Raw sockets, as raw.c and ipv6's raw.c show them: "sl" is the hash
 * bucket of the protocol (Linux's raw_hashfunc, whose per-namespace mix
 * is 0 here), the local "port" the protocol; lines are not padded. */
#define RAW_HTABLE_LOG 8
#define GOLDEN_RATIO_32 0x61C88647u     /* include/linux/hash.h's hash_32 */

static int raw_sockets_show(struct pbuf *b, bool ipv6)
{
	int n;
	struct netinfo_sock *v = netinfo_raw_sockets(&n);
	if (n < 0)
		return n;
	if (ipv6)
		pbuf_printf(b, "  sl  local_address                         remote_address                        "
			       "st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n");
	else
		pbuf_printf(b, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
			       "   uid  timeout inode ref pointer drops\n");
	for (int i = 0; i < n; i++) {
		const struct netinfo_sock *e = &v[i];
		if (e->ipv6 != ipv6)
			continue;
		unsigned bucket = (e->lport * GOLDEN_RATIO_32) >> (32 - RAW_HTABLE_LOG);
		pbuf_printf(b, ipv6 ? "%5u: " : "%4u: ", bucket);
		void (*addr)(struct pbuf *, const uint8_t *) = ipv6 ? addr6 : addr4;
		addr(b, e->local);
		pbuf_printf(b, ":%04X ", e->lport);
		addr(b, e->remote);
		pbuf_printf(b, ":%04X %02X", e->rport, e->state);
		udp_rest(b, e);
		pbuf_putc(b, '\n');
	}
	kfree(v);
	return 0;
}

static int raw_show(struct pbuf *b, const struct pseudo_ctx *c)  { return raw_sockets_show(b, false); }
static int raw6_show(struct pbuf *b, const struct pseudo_ctx *c) { return raw_sockets_show(b, true); }

/* AF_UNIX sockets as unix_seq_show prints them. The first column is the
 * sock's address (%pK): zeros, as Linux shows it to whom may not see
 * kernel addresses. A name's NULs (inside an abstract one) print as '@'. */
static int unix_show(struct pbuf *b, const struct pseudo_ctx *c)
{
	int n;
	struct unix_listing *v = unix_listing(&n);
	if (!v)
		return n;
	pbuf_printf(b, "Num       RefCount Protocol Flags    Type St Inode Path\n");
	for (int i = 0; i < n; i++) {
		const struct unix_listing *e = &v[i];
		pbuf_printf(b, "%016x: %08X %08X %08X %04X %02X %5lu", 0, e->refcount, 0, e->flags,
			    e->type, e->state, e->inode);
		if (e->name_len)
			pbuf_putc(b, ' ');
		for (int k = 0; k < e->name_len; k++)
			pbuf_putc(b, e->name[k] ? e->name[k] : '@');
		pbuf_putc(b, '\n');
	}
	kfree(v);
	return 0;
}

/* IPv6 addresses: address, index, prefix, scope (loopback 0x10, link
 * 0x20, global 0), flags (IFA_F_PERMANENT), device. */
static int if_inet6_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct netinfo_if ifs[NETINFO_MAX_IFS];
	int n = interfaces(ifs);
	for (int i = 0; i < n; i++) {
		for (int a = 0; a < ifs[i].nipv6; a++) {
			const uint8_t *ip = ifs[i].ipv6[a].addr;
			unsigned scope = ifs[i].loopback ? 0x10 : ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80 ? 0x20 : 0;
			for (int k = 0; k < 16; k++)
				pbuf_printf(b, "%02x", ip[k]);
			pbuf_printf(b, " %02x %02x %02x %02x %8s\n", ifs[i].index,
				    ifs[i].ipv6[a].prefix, scope, 0x80, ifs[i].name);
		}
	}
	return 0;
}

const struct pseudo_entry proc_net_children[] = {
	PROC_FILE("dev", dev_show),
	PROC_FILE("route", route_show),
	PROC_FILE("tcp", tcp_show),
	PROC_FILE("tcp6", tcp6_show),
	PROC_FILE("udp", udp_show),
	PROC_FILE("udp6", udp6_show),
	PROC_FILE("raw", raw_show),
	PROC_FILE("raw6", raw6_show),
	PROC_FILE("if_inet6", if_inet6_show),
	PROC_FILE("unix", unix_show),
	{ 0 }
};
