/* Virtio 1.0 over PCI ("modern" devices; OASIS virtio spec v1.1, 4.1) and
 * split virtqueues (2.6): what a virtio device driver is built from.
 *
 * A driver's probe: virtio_pci_init (find and map the registers, reset,
 * ACKNOWLEDGE | DRIVER), virtio_negotiate (features, FEATURES_OK),
 * virtio_setup_queue for each queue, then virtio_driver_ok. Requests go
 * into a queue as descriptor chains (vq_add, vq_publish, vq_kick); the
 * device hands them back in the used ring (vq_get_used). */
#pragma once
#include <kernel/types.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#define VIRTIO_PCI_NO_LEGACY
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_config.h>

#define PCI_VENDOR_ID_VIRTIO 0x1af4    /* Red Hat, lent to virtio */

struct pci_dev;

struct virtio_dev {
	struct pci_dev *pci;
	volatile struct virtio_pci_common_cfg *common;
	volatile uint8_t *notify_base;
	uint32_t notify_multiplier;
	volatile uint8_t *device_cfg;   /* the device type's own registers */
	uint32_t device_cfg_len;
	uint64_t features;              /* what both sides agreed on */
};

struct virtqueue {
	struct virtio_dev *vdev;
	unsigned index, size;           /* size: descriptors, a power of 2 */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	volatile uint16_t *notify;      /* write the queue index here to kick */
	uint16_t free_head, nfree;      /* descriptors not in any chain */
	uint16_t last_used;             /* used->idx as far as we have read */
	void **cookie;                  /* per chain head: the caller's, NULL if free */
	uint64_t bad_used;              /* used entries naming no chain in flight */
	struct spinlock lock;           /* guards all the above */
	struct wait_queue room;         /* woken when descriptors free up */
};

/* One buffer of a chain: kernel memory within one page. */
struct vq_buf {
	void *addr;
	uint32_t len;
	bool device_writes;             /* the device fills it (a read's data) */
};

int virtio_pci_init(struct virtio_dev *vd, struct pci_dev *pci);
/* Accepts the features in wanted that the device offers; VIRTIO_F_VERSION_1
 * is required. 0, or -ENODEV if the device refuses. */
int virtio_negotiate(struct virtio_dev *vd, uint64_t wanted);
static inline bool virtio_has(const struct virtio_dev *vd, unsigned bit) { return vd->features >> bit & 1; }
/* Sets queue index up with at most max_size descriptors, interrupts on
 * MSI-X entry msix_entry. */
int virtio_setup_queue(struct virtio_dev *vd, struct virtqueue *vq, unsigned index,
		       unsigned max_size, unsigned msix_entry);
/* MSI-X on, entry 0 routed to a new vector that calls handler(arg) (its
 * queues then name entry 0); configuration changes go unsignalled. The
 * vector, or a negative errno (no local APIC: -ENODEV). */
int virtio_msix_vector(struct virtio_dev *vd, struct pci_dev *pci, void (*handler)(void *), void *arg,
		       const char *name);
void virtio_driver_ok(struct virtio_dev *vd);
/* Tells the device we gave up on it (probe errors). */
void virtio_fail(struct virtio_dev *vd);
/* Device configuration fields, read consistently (generation count). */
uint32_t virtio_cfg_read32(struct virtio_dev *vd, unsigned off);
uint64_t virtio_cfg_read64(struct virtio_dev *vd, unsigned off);

/* The queue's operations; the caller holds vq->lock.
 * vq_add: writes a chain for n buffers and returns its head descriptor
 * (the device does not see it yet); -ENOSPC if fewer than n are free,
 * -EFAULT if a buffer is not mapped.
 * cookie (not NULL) comes back from vq_get_used when the chain is done.
 * vq_publish: offers the chain to the device. vq_kick: tells the device
 * to look. vq_get_used: the cookie of a chain the device has finished
 * (its descriptors freed, the bytes it wrote in *len), NULL if none. */
int vq_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned n, void *cookie);
void vq_publish(struct virtqueue *vq, unsigned head);
void vq_kick(struct virtqueue *vq);
void *vq_get_used(struct virtqueue *vq, uint32_t *len);
/* The ring's memory, allocated and initialised (virtio_setup_queue). */
int vq_init(struct virtqueue *vq, unsigned size);

struct pci_driver;
extern struct pci_driver virtio_blk_driver;
extern struct pci_driver virtio_net_driver;
