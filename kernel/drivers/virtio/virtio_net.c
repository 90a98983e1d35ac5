/* virtio-net (virtio spec v1.1, 5.1): an Ethernet card behind two
 * virtqueues, receive (0) and transmit (1). Every frame travels with a
 * 12-byte header in front (struct virtio_net_hdr_v1: offloads, all off
 * here, so it is zero on the way out and ignored on the way in).
 *
 * Receiving: the queue is kept full of empty 2 KiB buffers; the device
 * fills one per frame and hands it back in the used ring; poll() passes
 * each to the stack and offers the buffer again (the refill).
 * Transmitting: a frame is copied into a free 2 KiB buffer, offered,
 * and the buffer comes back free when the device's interrupt says it
 * was sent (the completion). One MSI-X vector serves both queues. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/format.h>
#include <kernel/string.h>
#include <kernel/compiler.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <net/netdev.h>
#include <mm/kmalloc.h>
#include <mm/page_alloc.h>
#include <x86/msi.h>
#include <x86/memlayout.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ids.h>
#include <linux/if_ether.h>

#define RX_QUEUE     0
#define TX_QUEUE     1
#define QUEUE_MAX    256
/* A header and the largest frame (with a VLAN tag) fit; two per page. */
#define BUF_SIZE     2048
#define HDR_LEN      sizeof(struct virtio_net_hdr_v1)

struct vnet {
	struct virtio_dev vdev;
	struct virtqueue rxq, txq;
	struct netdev nd;
	uint8_t **rx_bufs;              /* rxq.size buffers, all offered */
	uint8_t **tx_free;              /* a stack of free transmit buffers */
	unsigned tx_nfree;
	unsigned tx_total;
	bool ready;                     /* queues set up: the interrupt may look */
};

/* BUF_SIZE pieces of whole pages, so that no buffer crosses a page. */
static uint8_t **alloc_buffers(unsigned n)
{
	uint8_t **bufs = kzalloc(n * sizeof(*bufs));
	if (!bufs)
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		if (i % (PAGE_SIZE / BUF_SIZE) == 0) {
			struct page *p = alloc_page(ALLOC_ZERO);
			if (!p)
				return NULL;    /* kept: boot-time only, and rare */
			bufs[i] = page_address(p);
		} else {
			bufs[i] = bufs[i - 1] + BUF_SIZE;
		}
	}
	return bufs;
}

/* Offers an empty receive buffer; the caller holds rxq.lock. */
static int rx_offer(struct vnet *vn, uint8_t *buf)
{
	struct vq_buf b = { .addr = buf, .len = BUF_SIZE, .device_writes = true };
	int head = vq_add(&vn->rxq, &b, 1, buf);
	if (head < 0)
		return head;
	vq_publish(&vn->rxq, head);
	return 0;
}

static unsigned vnet_poll(struct netdev *nd, netdev_deliver_fn deliver, void *ctx)
{
	struct vnet *vn = nd->driver_data;
	unsigned frames = 0;
	for (;;) {
		uint32_t len;
		uint64_t flags = spin_lock_irqsave(&vn->rxq.lock);
		uint8_t *buf = vq_get_used(&vn->rxq, &len);
		spin_unlock_irqrestore(&vn->rxq.lock, flags);
		if (!buf)
			break;
		if (len > HDR_LEN && len <= BUF_SIZE) {
			nd->stats.rx_packets++;
			nd->stats.rx_bytes += len - HDR_LEN;
			deliver(nd, buf + HDR_LEN, len - HDR_LEN, ctx);
		} else {
			nd->stats.rx_dropped++;
		}
		frames++;
		// LAB 9 BEGIN(exercise 1): the refill: give the buffer back to the device, empty
		flags = spin_lock_irqsave(&vn->rxq.lock);
		rx_offer(vn, buf);
		spin_unlock_irqrestore(&vn->rxq.lock, flags);
		// LAB 9 END
	}
	if (frames) {
		uint64_t flags = spin_lock_irqsave(&vn->rxq.lock);
		vq_kick(&vn->rxq);
		spin_unlock_irqrestore(&vn->rxq.lock, flags);
	}
	return frames;
}

static int vnet_transmit(struct netdev *nd, const struct netdev_frag *frags, unsigned nfrags)
{
	struct vnet *vn = nd->driver_data;
	struct virtqueue *vq = &vn->txq;
	size_t total = 0;
	for (unsigned i = 0; i < nfrags; i++)
		total += frags[i].len;
	if (total > nd->mtu + ETH_HLEN + 4 || HDR_LEN + total > BUF_SIZE)
		return -EMSGSIZE;
	uint64_t flags = spin_lock_irqsave(&vq->lock);
	while (vn->tx_nfree == 0) {
		/* Every buffer is on the wire: the completion interrupt frees one. */
		spin_unlock_irqrestore(&vq->lock, flags);
		wait_event(&vq->room, READ_ONCE(vn->tx_nfree) > 0, WAIT_FOREVER);
		flags = spin_lock_irqsave(&vq->lock);
	}
	uint8_t *buf = vn->tx_free[--vn->tx_nfree];
	spin_unlock_irqrestore(&vq->lock, flags);

	memset(buf, 0, HDR_LEN);        /* no offloads: checksums are in the frame */
	size_t off = HDR_LEN;
	for (unsigned i = 0; i < nfrags; i++) {
		memcpy(buf + off, frags[i].data, frags[i].len);
		off += frags[i].len;
	}
	struct vq_buf b = { .addr = buf, .len = off, .device_writes = false };
	flags = spin_lock_irqsave(&vq->lock);
	int head = vq_add(vq, &b, 1, buf);
	if (head >= 0) {
		vq_publish(vq, head);
		vq_kick(vq);
	} else {
		vn->tx_free[vn->tx_nfree++] = buf;
	}
	spin_unlock_irqrestore(&vq->lock, flags);
	if (head < 0) {
		nd->stats.tx_dropped++;
		return head;
	}
	nd->stats.tx_packets++;
	nd->stats.tx_bytes += total;
	return 0;
}

/* MSI-X, for both queues: sent frames free their buffers (the
 * completion); received ones are the receive thread's to take. */
static void vnet_interrupt(void *arg)
{
	struct vnet *vn = arg;
	if (!READ_ONCE(vn->ready))
		return;
	bool freed = false;
	uint64_t flags = spin_lock_irqsave(&vn->txq.lock);
	// LAB 9 BEGIN(exercise 2): the completion: the buffers of sent frames are free again
	uint32_t len;
	uint8_t *buf;
	while ((buf = vq_get_used(&vn->txq, &len)) != NULL) {
		vn->tx_free[vn->tx_nfree++] = buf;
		freed = true;
	}
	// LAB 9 END
	spin_unlock_irqrestore(&vn->txq.lock, flags);
	if (freed)
		wake_up_all(&vn->txq.room);
	netdev_rx_ready(&vn->nd);
}

static const struct netdev_ops vnet_ops = {
	.transmit = vnet_transmit,
	.poll = vnet_poll,
};

static void vnet_read_config(struct vnet *vn)
{
	struct virtio_dev *vd = &vn->vdev;
	volatile struct virtio_net_config *cfg = (volatile struct virtio_net_config *)vd->device_cfg;
	for (unsigned i = 0; i < ETH_ALEN; i++)
		vn->nd.mac[i] = virtio_has(vd, VIRTIO_NET_F_MAC) ? cfg->mac[i] : 0;
	if (!virtio_has(vd, VIRTIO_NET_F_MAC)) {
		/* A locally administered address of our own (bit 1 of the first byte). */
		static const uint8_t fallback[ETH_ALEN] = { 0x02, 'k', 'e', 's', 't', 0x01 };
		memcpy(vn->nd.mac, fallback, ETH_ALEN);
	}
	vn->nd.mtu = virtio_has(vd, VIRTIO_NET_F_MTU) ? cfg->mtu : ETH_DATA_LEN;
	if (vn->nd.mtu > ETH_DATA_LEN)
		vn->nd.mtu = ETH_DATA_LEN;      /* our buffers hold 1500-byte payloads */
	vn->nd.link_up = !virtio_has(vd, VIRTIO_NET_F_STATUS) || (cfg->status & VIRTIO_NET_S_LINK_UP);
}

static int vnet_setup(struct vnet *vn, struct pci_dev *pci, int *vector)
{
	struct virtio_dev *vd = &vn->vdev;
	int err = virtio_pci_init(vd, pci);
	if (err)
		return err;
	err = virtio_negotiate(vd, 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS |
			       1ull << VIRTIO_NET_F_MTU);
	if (err)
		return err;
	if (!vd->device_cfg || vd->device_cfg_len < offsetof(struct virtio_net_config, speed))
		return -ENODEV;
	/* One MSI-X entry for both queues. */
	if ((*vector = virtio_msix_vector(vd, pci, vnet_interrupt, vn, "virtio-net")) < 0)
		return *vector;
	if ((err = virtio_setup_queue(vd, &vn->rxq, RX_QUEUE, QUEUE_MAX, 0)) != 0 ||
	    (err = virtio_setup_queue(vd, &vn->txq, TX_QUEUE, QUEUE_MAX, 0)) != 0)
		return err;
	vn->rx_bufs = alloc_buffers(vn->rxq.size);
	vn->tx_free = alloc_buffers(vn->txq.size);
	if (!vn->rx_bufs || !vn->tx_free)
		return -ENOMEM;
	vn->tx_nfree = vn->tx_total = vn->txq.size;
	vnet_read_config(vn);
	for (unsigned i = 0; i < vn->rxq.size; i++)
		if ((err = rx_offer(vn, vn->rx_bufs[i])) != 0)
			return err;
	WRITE_ONCE(vn->ready, true);
	virtio_driver_ok(vd);
	vq_kick(&vn->rxq);
	return 0;
}

static int vnet_probe(struct pci_dev *pci)
{
	struct vnet *vn = kzalloc(sizeof(*vn));
	if (!vn)
		return -ENOMEM;
	int vector = -1;
	int err = vnet_setup(vn, pci, &vector);
	if (err) {
		/* The memory stays: the device may still hold its addresses. */
		WRITE_ONCE(vn->ready, false);
		virtio_fail(&vn->vdev);
		if (vector >= 0)
			device_vector_free(vector);
		return err;
	}
	vn->nd.ops = &vnet_ops;
	vn->nd.driver_data = vn;
	pci->driver_data = vn;
	netdev_register(&vn->nd);
	char name[8];
	const uint8_t *m = vn->nd.mac;
	printk("virtio-net: %s at pci %s: %02x:%02x:%02x:%02x:%02x:%02x, mtu %u, link %s, queues %u/%u, vector %d\n",
	       vn->nd.name, pci_name(pci, name), m[0], m[1], m[2], m[3], m[4], m[5], vn->nd.mtu,
	       vn->nd.link_up ? "up" : "down", vn->rxq.size, vn->txq.size, vector);
	return 0;
}

/* Transitional devices keep the legacy id; modern ones are 0x1040 + type. */
static const struct pci_id vnet_ids[] = {
	{ PCI_VENDOR_ID_VIRTIO, 0x1000 },
	{ PCI_VENDOR_ID_VIRTIO, 0x1040 + VIRTIO_ID_NET },
	{ 0, 0 },
};

struct pci_driver virtio_net_driver = {
	.name = "virtio-net",
	.ids = vnet_ids,
	.probe = vnet_probe,
};
