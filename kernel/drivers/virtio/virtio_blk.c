/* virtio-blk (virtio spec v1.1, 5.2): a disk behind one virtqueue. Each
 * request is a chain of descriptors — a header (read or write, which
 * sector), the data a page at a time, and a status byte the device
 * writes last. Many requests are in flight at once; the device signals
 * finished ones by MSI-X, and the interrupt handler completes their bios. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/format.h>
#include <kernel/string.h>
#include <block/block.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <mm/kmalloc.h>
#include <x86/msi.h>
#include <x86/memlayout.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#define QUEUE_MAX     256
/* A bio of BIO_MAX_SECTORS whose buffer starts mid-page touches one page
 * more than it fills. */
#define MAX_DATA_SEGS (BIO_MAX_SECTORS * SECTOR_SIZE / PAGE_SIZE + 1)

/* What a request needs besides the bio's data, indexed by its chain's
 * head descriptor (a head is in one request at a time). */
struct vblk_req {
	struct virtio_blk_outhdr hdr;
	uint8_t status;
	struct bio *bio;
};

struct vblk {
	struct virtio_dev vdev;
	struct virtqueue vq;
	struct block_device bdev;
	struct vblk_req *reqs;
	unsigned max_segs;              /* data descriptors per request */
	uint64_t errors;                /* requests the device failed */
};

static int ndisks;

/* Cuts the bio's buffer at page boundaries: the pages of a kernel stack,
 * for one, are not contiguous. Returns the number of pieces. */
static unsigned data_segments(struct bio *bio, struct vq_buf *segs)
{
	uint8_t *p = bio->buf;
	uint64_t left = (uint64_t)bio->count * SECTOR_SIZE;
	unsigned n = 0;
	while (left > 0) {
		uint64_t in_page = PAGE_SIZE - ((uint64_t)p & (PAGE_SIZE - 1));
		uint64_t len = left < in_page ? left : in_page;
		segs[n++] = (struct vq_buf){ .addr = p, .len = len, .device_writes = !bio->write };
		p += len;
		left -= len;
	}
	return n;
}

static int vblk_submit(struct block_device *bdev, struct bio *bio)
{
	struct vblk *vb = bdev->driver_data;
	struct virtqueue *vq = &vb->vq;
	struct vq_buf bufs[MAX_DATA_SEGS + 2];
	bool flush = bio->write && bio->count == 0;
	if (flush && !virtio_has(&vb->vdev, VIRTIO_BLK_F_FLUSH)) {
		bio_complete(bio, 0);   /* no write cache: nothing to flush */
		return 0;
	}
	unsigned nseg = data_segments(bio, bufs + 1);
	if (nseg > vb->max_segs)
		return -EINVAL;
	unsigned n = nseg + 2;
	/* The header and status are filled in once the head is known. */
	bufs[0] = (struct vq_buf){ .len = sizeof(struct virtio_blk_outhdr) };
	bufs[n - 1] = (struct vq_buf){ .len = 1, .device_writes = true };

	uint64_t flags = spin_lock_irqsave(&vq->lock);
	while (vq->nfree < n) {
		/* The ring is full: sleep until the interrupt frees descriptors. */
		spin_unlock_irqrestore(&vq->lock, flags);
		wait_event(&vq->room, READ_ONCE(vq->nfree) >= n, WAIT_FOREVER);
		flags = spin_lock_irqsave(&vq->lock);
	}
	/* vq_add takes the free list's first descriptor as the head. */
	struct vblk_req *r = &vb->reqs[vq->free_head];
	bufs[0].addr = &r->hdr;
	bufs[n - 1].addr = &r->status;
	int head = vq_add(vq, bufs, n, r);
	if (head < 0) {
		spin_unlock_irqrestore(&vq->lock, flags);
		return head;
	}
	assert(r == &vb->reqs[head]);
	r->hdr.type = flush ? VIRTIO_BLK_T_FLUSH : bio->write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
	r->hdr.ioprio = 0;
	r->hdr.sector = flush ? 0 : bio->sector;
	r->status = 0xff;       /* not VIRTIO_BLK_S_OK until the device says so */
	r->bio = bio;
	vq_publish(vq, head);
	vq_kick(vq);
	spin_unlock_irqrestore(&vq->lock, flags);
	return 0;
}

/* MSI-X: some requests are done. Completions run outside the queue's
 * lock, since a bio's end_io may do anything an interrupt handler may. */
static void vblk_interrupt(void *arg)
{
	struct vblk *vb = arg;
	struct virtqueue *vq = &vb->vq;
	bool freed = false;
	if (!vb->reqs)
		return;         /* before the queue exists: nothing of ours */
	for (;;) {
		uint32_t len;
		uint64_t flags = spin_lock_irqsave(&vq->lock);
		struct vblk_req *r = vq_get_used(vq, &len);
		struct bio *bio = r ? r->bio : NULL;
		int status = r && r->status == VIRTIO_BLK_S_OK ? 0 : -EIO;
		if (r)
			r->bio = NULL;
		spin_unlock_irqrestore(&vq->lock, flags);
		if (!r)
			break;
		freed = true;
		if (status)
			vb->errors++;
		if (bio)
			bio_complete(bio, status);
	}
	if (freed)
		wake_up_all(&vq->room);
}

static void vblk_describe(struct vblk *vb, struct pci_dev *pci, int vector)
{
	char name[8];
	uint64_t mib = vb->bdev.nsectors / (1024 * 1024 / SECTOR_SIZE);
	printk("virtio-blk: %s at pci %s: %lu sectors (%lu MiB), %s%s, queue %u, vector %d\n",
	       vb->bdev.name, pci_name(pci, name), vb->bdev.nsectors, mib,
	       vb->bdev.read_only ? "read-only" : "read-write",
	       virtio_has(&vb->vdev, VIRTIO_BLK_F_FLUSH) ? ", write cache" : "",
	       vb->vq.size, vector);
}

/* Everything up to DRIVER_OK; the device is ours if it returns 0. */
static int vblk_setup(struct vblk *vb, struct pci_dev *pci, int *vector)
{
	struct virtio_dev *vd = &vb->vdev;
	int err = virtio_pci_init(vd, pci);
	if (err)
		return err;
	err = virtio_negotiate(vd, 1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_FLUSH |
			       1ull << VIRTIO_BLK_F_SEG_MAX);
	if (err)
		return err;
	if (!vd->device_cfg || vd->device_cfg_len < offsetof(struct virtio_blk_config, geometry))
		return -ENODEV;
	/* One MSI-X entry for the queue. */
	if ((*vector = virtio_msix_vector(vd, pci, vblk_interrupt, vb, "virtio-blk")) < 0)
		return *vector;
	if ((err = virtio_setup_queue(vd, &vb->vq, 0, QUEUE_MAX, 0)) != 0)
		return err;
	vb->reqs = kzalloc(vb->vq.size * sizeof(*vb->reqs));
	if (!vb->reqs)
		return -ENOMEM;
	/* Data descriptors per request: what the device allows and the ring
	 * holds beside the header and status. */
	vb->max_segs = vb->vq.size - 2;
	if (virtio_has(vd, VIRTIO_BLK_F_SEG_MAX)) {
		uint32_t seg_max = virtio_cfg_read32(vd, offsetof(struct virtio_blk_config, seg_max));
		if (seg_max > 0 && seg_max < vb->max_segs)
			vb->max_segs = seg_max;
	}
	vb->bdev.nsectors = virtio_cfg_read64(vd, offsetof(struct virtio_blk_config, capacity));
	vb->bdev.read_only = virtio_has(vd, VIRTIO_BLK_F_RO);
	virtio_driver_ok(vd);
	return 0;
}

static int vblk_probe(struct pci_dev *pci)
{
	struct vblk *vb = kzalloc(sizeof(*vb));
	if (!vb)
		return -ENOMEM;
	int vector = -1;
	int err = vblk_setup(vb, pci, &vector);
	if (err) {
		/* The memory stays allocated: the device may still hold its
		 * address, and a failed probe is rare. */
		virtio_fail(&vb->vdev);
		if (vector >= 0)
			device_vector_free(vector);
		return err;
	}
	ksnprintf(vb->bdev.name, sizeof(vb->bdev.name), "vd%c", 'a' + ndisks++);
	vb->bdev.submit = vblk_submit;
	vb->bdev.driver_data = vb;
	pci->driver_data = vb;
	block_register(&vb->bdev);
	vblk_describe(vb, pci, vector);
	return 0;
}

/* Transitional devices keep the legacy id; modern ones are 0x1040 + type. */
static const struct pci_id vblk_ids[] = {
	{ PCI_VENDOR_ID_VIRTIO, 0x1001 },
	{ PCI_VENDOR_ID_VIRTIO, 0x1040 + VIRTIO_ID_BLOCK },
	{ 0, 0 },
};

struct pci_driver virtio_blk_driver = {
	.name = "virtio-blk",
	.ids = vblk_ids,
	.probe = vblk_probe,
};
