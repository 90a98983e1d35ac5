/* What the network looks like, for the tools that show it: the socket
 * ioctls (net/dev_ioctl.c), /proc/net (fs/proc/net.c) and rtnetlink
 * (net/netlink/). net/netinfo.c takes these snapshots from lwIP under
 * its lock, so that the readers need no lwIP type (lwIP's struct pbuf
 * would clash with the pseudo files' own).
 *
 * Interfaces are numbered as Linux numbers them: lo 1, then the cards in
 * the order they were found (eth0 2...). Addresses are in network byte
 * order, as in a sockaddr_in. */
#pragma once
#include <kernel/types.h>
#include <net/netdev.h>

#define NETINFO_MAX_IFS 8
#define NETINFO_IFNAMSIZ 16

struct netinfo_if {
	int index;                      /* 1: lo, 2: eth0... */
	char name[NETINFO_IFNAMSIZ];
	unsigned flags;                 /* IFF_UP, IFF_LOOPBACK, IFF_RUNNING, IFF_LOWER_UP... */
	bool loopback;
	uint8_t mac[ETH_ADDR_LEN];      /* zeros for lo */
	unsigned mtu;
	bool has_ipv4;                  /* an IPv4 address is set */
	bool dhcp;                      /* ... and DHCP gave it */
	uint32_t addr, netmask, broadcast, gateway;     /* gateway: 0 if none */
	int nipv6;
	struct {
		uint8_t addr[16];
		uint8_t prefix;
	} ipv6[3];
	struct netdev_stats stats;      /* lo's: what went through it */
};

/* Fills ifs (room for max) with the interfaces, lo first; returns how
 * many there are. */
int netinfo_interfaces(struct netinfo_if *ifs, int max);
/* One interface by index, or by name if index is 0 (name NULL: none):
 * 0, or -ENODEV. */
int netinfo_find(int index, const char *name, struct netinfo_if *result);

/* A TCP or UDP endpoint, for /proc/net/{tcp,udp}{,6}. */
struct netinfo_sock {
	bool ipv6;                      /* shown in tcp6/udp6 (IPv4 ones as ::ffff:a.b.c.d) */
	uint8_t local[16], remote[16];  /* IPv4: the first 4 bytes */
	uint16_t lport, rport;          /* host order */
	int state;                      /* Linux's TCP_* state number (TCP_LISTEN 10...) */
	uint32_t tx_queue, rx_queue;
	uint32_t uid;
	uint64_t inode;                 /* the socket's inode (socket:[N]); 0 if none */
	unsigned tw_remaining_ms;       /* TIME_WAIT: time left */
};

/* Snapshots TCP (tcp true) or UDP endpoints: returns a kmalloc'd array
 * (kfree it) and its length in *count, or NULL (-ENOMEM in *count). */
struct netinfo_sock *netinfo_sockets(bool tcp, int *count);
/* The same for raw sockets (lport: the protocol), for /proc/net/raw{,6}. */
struct netinfo_sock *netinfo_raw_sockets(int *count);

/* Finds lwIP's loopback interface (lo), once, after lwip_init. */
void netinfo_find_loopback(void);
