/* Snapshots of lwIP's interfaces and endpoints for the tools that show
 * the network (include/net/netinfo.h): taken under the lwIP lock, handed
 * out as plain structs. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/compiler.h>
#include <mm/kmalloc.h>
#include <fs/fs.h>
#include <net/netinfo.h>
#include <net/lwip_port.h>
#include <linux/if.h>
#include "lwip/netif.h"
#include "lwip_hooks.h"
#include "lwip/dhcp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/udp.h"
#include "inet/inet_sock.h"

#define LO_MTU 65536            /* Linux's lo; lwIP's loopback has no limit */
#define ETH_HEADER 14           /* Linux's lo counts frames with an Ethernet header */

static struct netif *loop_netif;

/* Called once after lwip_init, with the lock held: finds lo. */
void netinfo_find_loopback(void)
{
	for (struct netif *n = netif_list; n; n = n->next)
		if (n->name[0] == 'l' && n->name[1] == 'o')
			loop_netif = n;
}

static struct netdev_stats lo_stats;

/* lwIP's input hook (lwipopts.h), with the lock held: counts what lo
 * delivers, every packet to 127.0.0.1 or ::1, as both sent and received
 * (as Linux counts lo, with an Ethernet header). */
int netinfo_ip_input(struct pbuf *p, struct netif *inp)
{
	if (inp == loop_netif) {
		lo_stats.rx_packets++;
		lo_stats.tx_packets++;
		lo_stats.rx_bytes += p->tot_len + ETH_HEADER;
		lo_stats.tx_bytes += p->tot_len + ETH_HEADER;
	}
	return 0;
}

static void describe(struct netif *n, struct netinfo_if *i)
{
	memset(i, 0, sizeof(*i));
	i->index = netif_get_index(n);
	i->loopback = n == loop_netif;
	if (i->loopback) {
		strlcpy(i->name, "lo", sizeof(i->name));
		i->mtu = LO_MTU;
		i->flags = IFF_LOOPBACK;
		i->stats = lo_stats;
	} else {
		struct netdev *nd = n->state;
		memcpy(i->name, nd->name, sizeof(nd->name));
		memcpy(i->mac, n->hwaddr, ETH_ADDR_LEN);
		i->mtu = n->mtu;
		i->flags = IFF_BROADCAST | IFF_MULTICAST;
		i->stats = nd->stats;
	}
	if (netif_is_up(n))
		i->flags |= IFF_UP;
	if (netif_is_up(n) && netif_is_link_up(n))
		i->flags |= IFF_RUNNING | IFF_LOWER_UP;
	i->addr = ip4_addr_get_u32(netif_ip4_addr(n));
	i->has_ipv4 = i->addr != 0;
	i->netmask = ip4_addr_get_u32(netif_ip4_netmask(n));
	i->gateway = ip4_addr_get_u32(netif_ip4_gw(n));
	if (!i->loopback && i->has_ipv4)
		i->broadcast = i->addr | ~i->netmask;
	i->dhcp = !i->loopback && dhcp_supplied_address(n);
	for (int a = 0; a < LWIP_IPV6_NUM_ADDRESSES && i->nipv6 < (int)ARRAY_SIZE(i->ipv6); a++) {
		if (!ip6_addr_isvalid(netif_ip6_addr_state(n, a)))
			continue;
		memcpy(i->ipv6[i->nipv6].addr, netif_ip6_addr(n, a)->addr, 16);
		i->ipv6[i->nipv6].prefix = i->loopback ? 128 : 64;
		i->nipv6++;
	}
}

/* lwIP adds each netif at the head of its list: walk it by index. */
static struct netif *netif_at(int index)
{
	for (struct netif *n = netif_list; n; n = n->next)
		if (netif_get_index(n) == index)
			return n;
	return NULL;
}

int netinfo_interfaces(struct netinfo_if *ifs, int max)
{
	int count = 0;
	lwip_lock();
	for (int index = 1; index <= 255; index++) {
		struct netif *n = netif_at(index);
		if (!n)
			break;
		if (count < max)
			describe(n, &ifs[count]);
		count++;
	}
	lwip_unlock();
	return count;
}

int netinfo_find(int index, const char *name, struct netinfo_if *result)
{
	if (!index && !name)
		return -ENODEV;         /* SIOCGIFNAME of index 0 */
	struct netinfo_if ifs[NETINFO_MAX_IFS];
	int n = netinfo_interfaces(ifs, NETINFO_MAX_IFS);
	for (int i = 0; i < n && i < NETINFO_MAX_IFS; i++) {
		if (index ? ifs[i].index == index : strcmp(ifs[i].name, name) == 0) {
			*result = ifs[i];
			return 0;
		}
	}
	return -ENODEV;
}

/* --- endpoints --------------------------------------------------------------- */

/* Linux's TCP state numbers (include/net/tcp_states.h) for lwIP's. */
static const int linux_tcp_state[] = {
	[CLOSED] = 7, [LISTEN] = 10, [SYN_SENT] = 2, [SYN_RCVD] = 3,
	[ESTABLISHED] = 1, [FIN_WAIT_1] = 4, [FIN_WAIT_2] = 5, [CLOSE_WAIT] = 8,
	[CLOSING] = 11, [LAST_ACK] = 9, [TIME_WAIT] = 6,
};

/* An address as /proc shows it: IPv4 in the first 4 bytes, or IPv6
 * (an IPv4 one mapped, ::ffff:a.b.c.d, when shown as IPv6). */
static void put_addr(uint8_t out[16], const ip_addr_t *ip, bool ipv6)
{
	memset(out, 0, 16);
	if (IP_IS_V4(ip)) {
		uint32_t v4 = ip4_addr_get_u32(ip_2_ip4(ip));
		if (ipv6) {
			out[10] = out[11] = 0xff;
			memcpy(out + 12, &v4, 4);
		} else {
			memcpy(out, &v4, 4);
		}
	} else if (IP_IS_V6(ip)) {
		memcpy(out, ip_2_ip6(ip)->addr, 16);
	}
}

/* The socket's owner and inode, if the endpoint has a socket. */
static void put_owner(struct netinfo_sock *e, struct inet_sock *isk)
{
	if (isk && isk->sock && isk->sock->inode) {
		e->uid = isk->sock->inode->uid;
		e->inode = isk->sock->inode->ino;
	}
}

struct sock_list {
	struct netinfo_sock *v;
	int n, cap;
	bool nomem;
};

static struct netinfo_sock *add(struct sock_list *l, const ip_addr_t *local, u16_t lport,
				const ip_addr_t *remote, u16_t rport, bool ipv6)
{
	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 16;
		struct netinfo_sock *v = kmalloc(cap * sizeof(*v));
		if (!v) {
			l->nomem = true;
			return NULL;
		}
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		kfree(l->v);
		l->v = v;
		l->cap = cap;
	}
	struct netinfo_sock *e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->ipv6 = ipv6;
	put_addr(e->local, local, ipv6);
	put_addr(e->remote, remote, ipv6);
	e->lport = lport;
	e->rport = rport;
	return e;
}

/* An endpoint is shown as IPv6 if its socket is AF_INET6, or (no socket)
 * if its address is not an IPv4 one. */
static bool shown_as_ipv6(struct inet_sock *isk, const ip_addr_t *local)
{
	return isk ? isk->family == AF_INET6 : !IP_IS_V4(local);
}

static void tcp_list(struct sock_list *l, struct tcp_pcb *pcbs, bool timewait)
{
	for (struct tcp_pcb *p = pcbs; p; p = p->next) {
		struct inet_sock *isk = !timewait && p->recv == inet_tcp_recv ? p->callback_arg : NULL;
		struct netinfo_sock *e = add(l, &p->local_ip, p->local_port, &p->remote_ip,
					     p->remote_port, shown_as_ipv6(isk, &p->local_ip));
		if (!e)
			return;
		e->state = linux_tcp_state[p->state];
		e->tx_queue = p->snd_lbb - p->lastack;
		e->rx_queue = isk ? isk->rx_len : 0;
		if (timewait) {
			u32_t passed = (tcp_ticks - p->tmr) * TCP_SLOW_INTERVAL;
			e->tw_remaining_ms = passed < 2 * TCP_MSL ? 2 * TCP_MSL - passed : 0;
		}
		put_owner(e, isk);
	}
}

static void tcp_listeners(struct sock_list *l)
{
	for (struct tcp_pcb_listen *p = tcp_listen_pcbs.listen_pcbs; p; p = p->next) {
		struct inet_sock *isk = p->accept == inet_tcp_accept ? p->callback_arg : NULL;
		ip_addr_t any = *IP_ANY_TYPE;
		struct netinfo_sock *e = add(l, &p->local_ip, p->local_port, &any, 0,
					     shown_as_ipv6(isk, &p->local_ip));
		if (!e)
			return;
		e->state = linux_tcp_state[LISTEN];
		e->rx_queue = isk ? isk->accept_len : 0;
		put_owner(e, isk);
	}
}

static void udp_list(struct sock_list *l)
{
	for (struct udp_pcb *p = udp_pcbs; p; p = p->next) {
		if (p->recv != udp_recv_cb)
			continue;       /* lwIP's own (DHCP's): Linux shows no kernel socket */
		struct inet_sock *isk = p->recv_arg;
		struct netinfo_sock *e = add(l, &p->local_ip, p->local_port, &p->remote_ip,
					     p->remote_port, shown_as_ipv6(isk, &p->local_ip));
		if (!e)
			return;
		e->state = p->flags & UDP_FLAGS_CONNECTED ? 1 : 7;     /* ESTABLISHED, CLOSE */
		e->rx_queue = isk ? isk->dgram_bytes : 0;
		put_owner(e, isk);
	}
}

struct netinfo_sock *netinfo_sockets(bool tcp, int *count)
{
	struct sock_list l = { 0 };
	lwip_lock();
	if (tcp) {
		tcp_listeners(&l);
		tcp_list(&l, tcp_active_pcbs, false);
		tcp_list(&l, tcp_tw_pcbs, true);
	} else {
		udp_list(&l);
	}
	lwip_unlock();
	if (l.nomem) {
		kfree(l.v);
		*count = -ENOMEM;
		return NULL;
	}
	*count = l.n;
	return l.v ? l.v : kmalloc(1);
}

/* Raw sockets, for /proc/net/raw and raw6: the "port" is the protocol,
 * as Linux's inet_num. (Ping sockets are not raw ones there: Linux shows
 * them in /proc/net/icmp.) */
struct netinfo_sock *netinfo_raw_sockets(int *count)
{
	struct sock_list l = { 0 };
	struct inet_sock *isk;
	lwip_lock();
	list_for_each_entry(isk, &inet_raw_socks, raw_link) {
		if (isk->ping)
			continue;
		struct raw_pcb *p = isk->raw;
		struct netinfo_sock *e = add(&l, &p->local_ip, p->protocol, &p->remote_ip, 0,
					     isk->family == AF_INET6);
		if (!e)
			break;
		e->state = isk->raw_connected ? 1 : 7;                 /* ESTABLISHED, CLOSE */
		e->rx_queue = isk->dgram_bytes;
		put_owner(e, isk);
	}
	lwip_unlock();
	if (l.nomem) {
		kfree(l.v);
		*count = -ENOMEM;
		return NULL;
	}
	*count = l.n;
	return l.v ? l.v : kmalloc(1);
}
