/* Network devices: what a NIC driver (drivers/virtio/virtio_net.c) offers
 * the stack (net/lwip/netif_eth.c), with no lwIP type on either side of
 * it, so that a driver knows nothing of TCP/IP and the stack nothing of
 * virtqueues.
 *
 * Frames are Ethernet frames without the trailing CRC. A driver registers
 * its devices at probe time (before the stack is up: PCI is probed first);
 * the stack attaches to every registered device when it starts.
 *
 * Sending: transmit() copies a frame given as pieces into the device
 * (may sleep until it has room; never called from an interrupt).
 * Receiving: the driver's interrupt calls netdev_rx_ready(); the stack's
 * receive thread then calls poll(), which hands each frame the device
 * has finished to deliver() and gives the device its buffers back. */
#pragma once
#include <kernel/types.h>
#include <kernel/wait.h>

#define NETDEV_NAME_MAX 8
#define ETH_ADDR_LEN 6

struct netdev;

struct netdev_frag {
	const void *data;
	size_t len;
};

/* deliver(): one received frame; data is valid only during the call. */
typedef void (*netdev_deliver_fn)(struct netdev *nd, const void *data, size_t len, void *ctx);

struct netdev_ops {
	/* 0, or -EMSGSIZE for a frame longer than the MTU allows. */
	int (*transmit)(struct netdev *nd, const struct netdev_frag *frags, unsigned nfrags);
	/* Delivers what has arrived; returns the number of frames. */
	unsigned (*poll)(struct netdev *nd, netdev_deliver_fn deliver, void *ctx);
};

struct netdev_stats {
	uint64_t rx_packets, rx_bytes, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_dropped;
};

struct netdev {
	char name[NETDEV_NAME_MAX];     /* eth0, eth1... */
	uint8_t mac[ETH_ADDR_LEN];
	unsigned mtu;                   /* IP bytes per frame: 1500 */
	bool link_up;
	const struct netdev_ops *ops;
	void *driver_data;
	struct netdev_stats stats;
	struct wait_queue rx_wait;      /* the stack's receive thread sleeps here */
	bool rx_pending;                /* set by the interrupt, cleared by the thread */
	void *stack_data;               /* the stack's (lwIP's netif) */
	struct netdev *next;
};

/* Names the device (eth0...) and adds it to the list; at probe time. */
void netdev_register(struct netdev *nd);
/* The registered devices, in order: for (nd = netdev_first(); nd; nd = nd->next). */
struct netdev *netdev_first(void);
/* From the driver's interrupt: frames (or buffers) are waiting. */
void netdev_rx_ready(struct netdev *nd);
