/* lwIP's network interfaces over Ethernet cards (include/net/netdev.h):
 * one lwIP netif per registered netdev, a receive thread per card, and
 * the card's address: DHCP by default (QEMU's user network answers at
 * once with 10.0.2.15), or static with ip=ADDR/PREFIX[,GATEWAY] on the
 * kernel command line (ip=off leaves the card down). IPv6 gets a
 * link-local address from the MAC.
 *
 * Everything lwIP does happens under lwip_lock(), here too: the receive
 * thread takes it to hand frames to lwIP, and lwIP calls our output
 * function with it held. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <mm/kmalloc.h>
#include <proc/sched.h>
#include <net/netdev.h>
#include <net/lwip_port.h>
#include <time/clock.h>
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/dhcp.h"
#include "lwip/ip4_addr.h"
#include "netif/ethernet.h"

/* lwIP's output function for the card: the frame, a chain of pbufs, goes
 * to the driver as pieces (it copies them into its own buffer). */
static err_t eth_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct netdev *nd = netif->state;
	// LAB 9 BEGIN(exercise 3): the frame's pieces to the card
	struct netdev_frag frags[16];
	unsigned n = 0;
	for (struct pbuf *q = p; q; q = q->next) {
		if (n == ARRAY_SIZE(frags))
			return ERR_MEM;         /* lwIP's own frames have a few pieces */
		frags[n++] = (struct netdev_frag){ q->payload, q->len };
	}
	return nd->ops->transmit(nd, frags, n) == 0 ? ERR_OK : ERR_IF;
	// LAB 9 STUB: (void)nd; (void)p;
	// LAB 9 STUB: return ERR_IF;
	// LAB 9 END
}

/* A received frame into a pbuf of lwIP's pool, and up the stack. */
static void eth_deliver(struct netdev *nd, const void *data, size_t len, void *ctx)
{
	struct netif *netif = ctx;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
	if (!p) {
		nd->stats.rx_dropped++;
		return;
	}
	pbuf_take(p, data, (u16_t)len);
	if (netif->input(p, netif) != ERR_OK)
		pbuf_free(p);
}

static int eth_rx_thread(void *arg)
{
	struct netdev *nd = arg;
	struct netif *netif = nd->stack_data;
	for (;;) {
		wait_event(&nd->rx_wait, READ_ONCE(nd->rx_pending), WAIT_FOREVER);
		/* Cleared before polling: a frame that lands during the poll
		 * sets it again, and the loop comes back for it. */
		WRITE_ONCE(nd->rx_pending, false);
		lwip_lock();
		nd->ops->poll(nd, eth_deliver, netif);
		lwip_unlock();
	}
	return 0;
}

static err_t eth_netif_init(struct netif *netif)
{
	struct netdev *nd = netif->state;
	netif->name[0] = 'e';
	netif->name[1] = 't';
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, nd->mac, ETH_HWADDR_LEN);
	netif->mtu = nd->mtu;
#if LWIP_IPV6
	netif->mtu6 = nd->mtu;
	netif->output_ip6 = ethip6_output;
#endif
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	netif->output = etharp_output;
	netif->linkoutput = eth_linkoutput;
	return ERR_OK;
}

/* Boot waits for the first card's address (as Linux's ip=dhcp does), so
 * that init starts with the network configured. */
static struct wait_queue configured = WAIT_QUEUE_INIT(configured, "netif-configured");
static bool first_configured;
#define DHCP_WAIT_MS 3000

/* The console says what address the card has, when it gets one. */
static void eth_status_changed(struct netif *netif)
{
	struct netdev *nd = netif->state;
	char addr[IP4ADDR_STRLEN_MAX], gw[IP4ADDR_STRLEN_MAX];
	if (ip4_addr_isany_val(*netif_ip4_addr(netif)))
		return;
	ip4addr_ntoa_r(netif_ip4_addr(netif), addr, sizeof(addr));
	ip4addr_ntoa_r(netif_ip4_gw(netif), gw, sizeof(gw));
	unsigned prefix = 0;
	for (uint32_t m = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(netif))); m & 0x80000000u; m <<= 1)
		prefix++;
	printk("net: %s: %s/%u, gateway %s%s\n", nd->name, addr, prefix, gw,
	       dhcp_supplied_address(netif) ? " (DHCP)" : "");
	if (nd == netdev_first()) {
		WRITE_ONCE(first_configured, true);
		wake_up_all(&configured);
	}
}

/* ip=ADDR/PREFIX[,GATEWAY]: false if the text is not that. */
static bool parse_static(const char *text, ip4_addr_t *addr, ip4_addr_t *mask, ip4_addr_t *gw)
{
	char buf[64];
	if (strlen(text) >= sizeof(buf))
		return false;
	memcpy(buf, text, strlen(text) + 1);
	char *slash = strchr(buf, '/'), *comma = strchr(buf, ',');
	if (!slash)
		return false;
	*slash = 0;
	if (comma)
		*comma = 0;
	unsigned prefix = 0;
	for (const char *p = slash + 1; *p; p++) {
		if (*p < '0' || *p > '9' || (prefix = prefix * 10 + (*p - '0')) > 32)
			return false;
	}
	if (slash[1] == 0 || !ip4addr_aton(buf, addr))
		return false;
	ip4_addr_set_u32(mask, lwip_htonl(prefix ? 0xffffffffu << (32 - prefix) : 0));
	ip4_addr_set_zero(gw);
	return !comma || ip4addr_aton(comma + 1, gw);
}

static void eth_attach(struct netdev *nd, bool first)
{
	const char *ip = cmdline_get("ip");
	ip4_addr_t addr, mask, gw;
	bool dhcp = !ip || strcmp(ip, "dhcp") == 0;
	if (ip && strcmp(ip, "off") == 0)
		return;
	struct netif *netif = kzalloc(sizeof(*netif));
	if (!netif) {
		printk("net: %s: no memory for its interface\n", nd->name);
		return;
	}
	if (!dhcp && !parse_static(ip, &addr, &mask, &gw)) {
		printk("net: %s: ip=%s is not dhcp, off or ADDR/PREFIX[,GATEWAY]: using DHCP\n", nd->name, ip);
		dhcp = true;
	}
	if (dhcp)
		ip4_addr_set_zero(&addr), ip4_addr_set_zero(&mask), ip4_addr_set_zero(&gw);
	nd->stack_data = netif;
	lwip_lock();
	netif_add(netif, &addr, &mask, &gw, nd, eth_netif_init, ethernet_input);
	netif_set_status_callback(netif, eth_status_changed);
#if LWIP_IPV6
	netif_create_ip6_linklocal_address(netif, 1);
#endif
	if (first)
		netif_set_default(netif);      /* where addresses off every other network go */
	netif_set_up(netif);
	if (nd->link_up)
		netif_set_link_up(netif);
	if (dhcp)
		dhcp_start(netif);
	lwip_unlock();
	kthread_create_daemon(nd->name, eth_rx_thread, nd);
}

void netif_eth_attach_all(void)
{
	bool first = true;
	for (struct netdev *nd = netdev_first(); nd; nd = nd->next, first = false)
		eth_attach(nd, first);
	struct netdev *nd = netdev_first();
	if (!nd || !nd->stack_data || !nd->link_up)
		return;
	uint64_t deadline = clock_now_ns() + DHCP_WAIT_MS * 1000000ull;
	if (wait_event(&configured, READ_ONCE(first_configured), deadline) != 0)
		printk("net: %s: no address after %u ms (DHCP goes on trying)\n", nd->name, DHCP_WAIT_MS);
}
