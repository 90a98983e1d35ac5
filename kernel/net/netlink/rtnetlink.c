/* NETLINK_ROUTE, read-only: the dumps `ip link`, `ip addr`, `ip route`
 * and glibc's getifaddrs() ask for (RTM_GETLINK, RTM_GETADDR for IPv4 and
 * IPv6, RTM_GETROUTE of the main table), and RTM_GETLINK of one
 * interface, answered from net/netinfo.c's snapshot with the messages
 * and attributes Linux 6.1 sends (net/core/rtnetlink.c, net/ipv4/devinet.c,
 * net/ipv6/addrconf.c, net/ipv4/fib_semantics.c). Changes (RTM_NEW*,
 * RTM_DEL*, RTM_SET*) need CAP_NET_ADMIN (EPERM) and are not supported
 * (EOPNOTSUPP), nor is anything else. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <proc/cred.h>
#include <linux/capability.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <net/socket_abi.h>
#include <net/netinfo.h>
#include "netlink.h"

#define TX_QUEUE_LEN 1000
#define INFINITY_LIFE_TIME 0xFFFFFFFFu  /* Linux's "forever" lifetime */

static int snapshot(struct netinfo_if *ifs)
{
	int n = netinfo_interfaces(ifs, NETINFO_MAX_IFS);
	return n < NETINFO_MAX_IFS ? n : NETINFO_MAX_IFS;
}

static void link_stats(struct nl_reply *r, const struct netdev_stats *s)
{
	struct rtnl_link_stats64 s64 = {
		.rx_packets = s->rx_packets, .tx_packets = s->tx_packets,
		.rx_bytes = s->rx_bytes, .tx_bytes = s->tx_bytes,
		.rx_dropped = s->rx_dropped, .tx_dropped = s->tx_dropped,
	};
	struct rtnl_link_stats s32 = {
		.rx_packets = s->rx_packets, .tx_packets = s->tx_packets,
		.rx_bytes = s->rx_bytes, .tx_bytes = s->tx_bytes,
		.rx_dropped = s->rx_dropped, .tx_dropped = s->tx_dropped,
	};
	nl_attr(r, IFLA_STATS64, &s64, sizeof(s64));
	nl_attr(r, IFLA_STATS, &s32, sizeof(s32));
}

/* RTM_NEWLINK: one interface, as rtnl_fill_ifinfo describes it. */
static void link_msg(struct nl_reply *r, const struct netinfo_if *i, uint32_t seq, int flags)
{
	struct ifinfomsg *m = nl_msg_begin(r, RTM_NEWLINK, flags, seq, sizeof(*m));
	m->ifi_family = AF_UNSPEC;
	m->ifi_type = i->loopback ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
	m->ifi_index = i->index;
	m->ifi_flags = i->flags;
	bool running = i->flags & IFF_RUNNING;
	uint8_t broadcast[ETH_ADDR_LEN];
	memset(broadcast, i->loopback ? 0 : 0xff, sizeof(broadcast));
	nl_attr_str(r, IFLA_IFNAME, i->name);
	nl_attr_u32(r, IFLA_TXQLEN, TX_QUEUE_LEN);
	nl_attr_u8(r, IFLA_OPERSTATE, i->loopback ? IF_OPER_UNKNOWN : running ? IF_OPER_UP : IF_OPER_DOWN);
	nl_attr_u8(r, IFLA_LINKMODE, 0);
	nl_attr_u32(r, IFLA_MTU, i->mtu);
	nl_attr_u32(r, IFLA_MIN_MTU, i->loopback ? 0 : 68);
	nl_attr_u32(r, IFLA_MAX_MTU, i->loopback ? 0 : i->mtu);
	nl_attr_u32(r, IFLA_GROUP, 0);
	nl_attr_u32(r, IFLA_PROMISCUITY, 0);
	nl_attr_u32(r, IFLA_NUM_TX_QUEUES, 1);
	nl_attr_u32(r, IFLA_NUM_RX_QUEUES, 1);
	nl_attr_u8(r, IFLA_CARRIER, running);
	nl_attr_str(r, IFLA_QDISC, i->loopback ? "noqueue" : "pfifo_fast");
	nl_attr(r, IFLA_ADDRESS, i->mac, ETH_ADDR_LEN);
	nl_attr(r, IFLA_BROADCAST, broadcast, ETH_ADDR_LEN);
	link_stats(r, &i->stats);
	nl_msg_end(r);
}

static void cacheinfo(struct nl_reply *r)
{
	struct ifa_cacheinfo ci = { .ifa_prefered = INFINITY_LIFE_TIME, .ifa_valid = INFINITY_LIFE_TIME };
	nl_attr(r, IFA_CACHEINFO, &ci, sizeof(ci));
}

static unsigned prefix_of(uint32_t netmask_be)
{
	unsigned n = 0;
	for (uint32_t m = __builtin_bswap32(netmask_be); m & 0x80000000u; m <<= 1)
		n++;
	return n;
}

/* RTM_NEWADDR for an interface's IPv4 address (inet_fill_ifaddr). */
static void addr4_msg(struct nl_reply *r, const struct netinfo_if *i, uint32_t seq)
{
	struct ifaddrmsg *m = nl_msg_begin(r, RTM_NEWADDR, NLM_F_MULTI, seq, sizeof(*m));
	m->ifa_family = AF_INET;
	m->ifa_prefixlen = prefix_of(i->netmask);
	m->ifa_flags = IFA_F_PERMANENT;
	m->ifa_scope = i->loopback ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	m->ifa_index = i->index;
	nl_attr(r, IFA_ADDRESS, &i->addr, 4);
	nl_attr(r, IFA_LOCAL, &i->addr, 4);
	if (i->broadcast)
		nl_attr(r, IFA_BROADCAST, &i->broadcast, 4);
	nl_attr_str(r, IFA_LABEL, i->name);
	nl_attr_u32(r, IFA_FLAGS, IFA_F_PERMANENT);
	cacheinfo(r);
	nl_msg_end(r);
}

/* RTM_NEWADDR for an IPv6 address (inet6_fill_ifaddr). */
static void addr6_msg(struct nl_reply *r, const struct netinfo_if *i, int a, uint32_t seq)
{
	const uint8_t *ip = i->ipv6[a].addr;
	bool link_local = ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80;
	struct ifaddrmsg *m = nl_msg_begin(r, RTM_NEWADDR, NLM_F_MULTI, seq, sizeof(*m));
	m->ifa_family = AF_INET6;
	m->ifa_prefixlen = i->ipv6[a].prefix;
	m->ifa_flags = IFA_F_PERMANENT;
	m->ifa_scope = i->loopback ? RT_SCOPE_HOST : link_local ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	m->ifa_index = i->index;
	nl_attr(r, IFA_ADDRESS, ip, 16);
	cacheinfo(r);
	nl_attr_u32(r, IFA_FLAGS, IFA_F_PERMANENT);
	nl_msg_end(r);
}

/* A route of the main table (fib_dump_info): dst/len via gw (0: none) out of i. */
static void route4_msg(struct nl_reply *r, const struct netinfo_if *i, uint32_t dst, unsigned len,
		       uint32_t gw, uint32_t seq)
{
	struct rtmsg *m = nl_msg_begin(r, RTM_NEWROUTE, NLM_F_MULTI, seq, sizeof(*m));
	m->rtm_family = AF_INET;
	m->rtm_dst_len = len;
	m->rtm_table = RT_TABLE_MAIN;
	m->rtm_protocol = gw ? (i->dhcp ? RTPROT_DHCP : RTPROT_BOOT) : RTPROT_KERNEL;
	m->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	m->rtm_type = RTN_UNICAST;
	nl_attr_u32(r, RTA_TABLE, RT_TABLE_MAIN);
	if (len)
		nl_attr(r, RTA_DST, &dst, 4);
	if (!gw)
		nl_attr(r, RTA_PREFSRC, &i->addr, 4);
	else
		nl_attr(r, RTA_GATEWAY, &gw, 4);
	nl_attr_u32(r, RTA_OIF, i->index);
	nl_msg_end(r);
}

/* An IPv6 interface route (addrconf's prefix routes, main table, metric
 * 256): ::1/128 on lo, fe80::/64 on a card. */
static void route6_msg(struct nl_reply *r, const struct netinfo_if *i, int a, uint32_t seq)
{
	uint8_t dst[16] = { 0 };
	unsigned len = i->ipv6[a].prefix;
	for (unsigned b = 0; b < len; b++)
		dst[b / 8] |= i->ipv6[a].addr[b / 8] & (0x80 >> (b % 8));
	struct rtmsg *m = nl_msg_begin(r, RTM_NEWROUTE, NLM_F_MULTI, seq, sizeof(*m));
	m->rtm_family = AF_INET6;
	m->rtm_dst_len = len;
	m->rtm_table = RT_TABLE_MAIN;
	m->rtm_protocol = RTPROT_KERNEL;
	m->rtm_scope = RT_SCOPE_UNIVERSE;
	m->rtm_type = RTN_UNICAST;
	nl_attr_u32(r, RTA_TABLE, RT_TABLE_MAIN);
	nl_attr(r, RTA_DST, dst, sizeof(dst));
	nl_attr_u32(r, RTA_PRIORITY, 256);
	nl_attr_u32(r, RTA_OIF, i->index);
	nl_msg_end(r);
}

static void dump_links(struct nl_reply *r, uint32_t seq)
{
	struct netinfo_if ifs[NETINFO_MAX_IFS];
	int n = snapshot(ifs);
	for (int i = 0; i < n; i++)
		link_msg(r, &ifs[i], seq, NLM_F_MULTI);
}

/* AF_UNSPEC: IPv4's, then IPv6's, as Linux's rtnl_dump_all goes by family. */
static void dump_addrs(struct nl_reply *r, int family, uint32_t seq)
{
	struct netinfo_if ifs[NETINFO_MAX_IFS];
	int n = snapshot(ifs);
	if (family == AF_UNSPEC || family == AF_INET)
		for (int i = 0; i < n; i++)
			if (ifs[i].has_ipv4)
				addr4_msg(r, &ifs[i], seq);
	if (family == AF_UNSPEC || family == AF_INET6)
		for (int i = 0; i < n; i++)
			for (int a = 0; a < ifs[i].nipv6; a++)
				addr6_msg(r, &ifs[i], a, seq);
}

/* The main table: IPv4's (default routes first, as the trie walks them),
 * then IPv6's. */
static void dump_routes(struct nl_reply *r, int family, uint32_t seq)
{
	struct netinfo_if ifs[NETINFO_MAX_IFS];
	int n = snapshot(ifs);
	for (int i = 0; i < n && (family == AF_UNSPEC || family == AF_INET); i++)
		if (!ifs[i].loopback && ifs[i].has_ipv4 && (ifs[i].flags & IFF_UP) && ifs[i].gateway)
			route4_msg(r, &ifs[i], 0, 0, ifs[i].gateway, seq);
	for (int i = 0; i < n && (family == AF_UNSPEC || family == AF_INET); i++)
		if (!ifs[i].loopback && ifs[i].has_ipv4 && (ifs[i].flags & IFF_UP))
			route4_msg(r, &ifs[i], ifs[i].addr & ifs[i].netmask, prefix_of(ifs[i].netmask), 0, seq);
	for (int i = 0; i < n && (family == AF_UNSPEC || family == AF_INET6); i++)
		for (int a = 0; a < ifs[i].nipv6 && (ifs[i].flags & IFF_UP); a++)
			route6_msg(r, &ifs[i], a, seq);
}

/* RTM_GETLINK of one interface: by ifi_index, or by IFLA_IFNAME. */
static int get_link(struct nl_reply *r, const struct nlmsghdr *req)
{
	size_t len = req->nlmsg_len - NLMSG_HDRLEN;
	if (len < sizeof(struct ifinfomsg))
		return -EINVAL;
	const struct ifinfomsg *m = NLMSG_DATA(req);
	char name[NETINFO_IFNAMSIZ] = "";
	const uint8_t *p = (const uint8_t *)m + NLMSG_ALIGN(sizeof(*m)), *end = (const uint8_t *)req + req->nlmsg_len;
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;
		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		size_t payload = a->nla_len - NLA_HDRLEN;
		if (a->nla_type == IFLA_IFNAME) {       /* maybe not NUL-terminated */
			size_t n = payload < sizeof(name) - 1 ? payload : sizeof(name) - 1;
			memcpy(name, p + NLA_HDRLEN, n);
			name[n] = 0;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	if (!m->ifi_index && !name[0])
		return -EINVAL;
	struct netinfo_if i;
	int err = netinfo_find(m->ifi_index, name, &i);
	if (err)
		return err;
	link_msg(r, &i, req->nlmsg_seq, 0);
	return 0;
}

int rtnetlink_request(struct nl_reply *r, const struct nlmsghdr *req)
{
	int type = req->nlmsg_type;
	if (type < RTM_BASE || type > RTM_MAX)
		return -EOPNOTSUPP;
	if (req->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtgenmsg)))
		return 0;       /* Linux ignores a message with no family byte */
	int family = ((const struct rtgenmsg *)NLMSG_DATA(req))->rtgen_family;
	bool get = ((type - RTM_BASE) & 3) == 2;
	if (!get)
		return capable(CAP_NET_ADMIN) ? -EOPNOTSUPP : -EPERM;
	if (!(req->nlmsg_flags & NLM_F_DUMP))
		return type == RTM_GETLINK ? get_link(r, req) : -EOPNOTSUPP;
	switch (type) {
	case RTM_GETLINK:  dump_links(r, req->nlmsg_seq); break;
	case RTM_GETADDR:  dump_addrs(r, family, req->nlmsg_seq); break;
	case RTM_GETROUTE: dump_routes(r, family, req->nlmsg_seq); break;
	default:           return -EOPNOTSUPP;
	}
	nl_done(r, req->nlmsg_seq);
	return 0;
}
