/* The virtio PCI transport, modern interface (virtio spec v1.1, 4.1.4):
 * the device's registers sit in BARs, found through vendor-specific PCI
 * capabilities — common configuration (features, status, queues), the
 * notification area (kicks), and the device type's configuration. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <linux/pci_regs.h>
#include <time/clock.h>
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/irq_stats.h>
#include <x86/memlayout.h>
#include <x86/msi.h>

#define RESET_TIMEOUT_NS (1000ull * 1000 * 1000)

/* Maps the structure a virtio capability at cap describes. */
static volatile void *map_cap(struct pci_dev *pci, unsigned cap, uint32_t *len)
{
	uint8_t bar = pci_read8(pci, cap + offsetof(struct virtio_pci_cap, bar));
	uint32_t off = pci_read32(pci, cap + offsetof(struct virtio_pci_cap, offset));
	*len = pci_read32(pci, cap + offsetof(struct virtio_pci_cap, length));
	return pci_map_bar(pci, bar, off, *len);
}

/* The first capability of each type that maps is the one to use. */
static void find_caps(struct virtio_dev *vd)
{
	struct pci_dev *pci = vd->pci;
	uint32_t len;
	for (unsigned cap = pci_find_cap(pci, PCI_CAP_ID_VNDR, 0); cap; cap = pci_find_cap(pci, PCI_CAP_ID_VNDR, cap)) {
		uint8_t type = pci_read8(pci, cap + offsetof(struct virtio_pci_cap, cfg_type));
		if (type == VIRTIO_PCI_CAP_COMMON_CFG && !vd->common) {
			vd->common = map_cap(pci, cap, &len);
			if (len < sizeof(struct virtio_pci_common_cfg))
				vd->common = NULL;
		} else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && !vd->notify_base) {
			vd->notify_base = map_cap(pci, cap, &len);
			vd->notify_multiplier = pci_read32(pci, cap + offsetof(struct virtio_pci_notify_cap, notify_off_multiplier));
		} else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && !vd->device_cfg) {
			vd->device_cfg = map_cap(pci, cap, &len);
			vd->device_cfg_len = vd->device_cfg ? len : 0;
		}
	}
}

static bool reset(struct virtio_dev *vd)
{
	vd->common->device_status = 0;
	/* The reset is done when the status reads back as 0. */
	uint64_t deadline = clock_now_ns() + RESET_TIMEOUT_NS;
	while (vd->common->device_status != 0)
		if (clock_now_ns() > deadline)
			return false;
		else
			cpu_relax();
	return true;
}

static void set_status(struct virtio_dev *vd, uint8_t bits)
{
	vd->common->device_status = vd->common->device_status | bits;
}

int virtio_pci_init(struct virtio_dev *vd, struct pci_dev *pci)
{
	vd->pci = pci;
	pci_enable(pci);
	find_caps(vd);
	if (!vd->common || !vd->notify_base)
		return -ENODEV;         /* a legacy-only device */
	if (!reset(vd))
		return -EIO;
	set_status(vd, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	return 0;
}

int virtio_negotiate(struct virtio_dev *vd, uint64_t wanted)
{
	volatile struct virtio_pci_common_cfg *c = vd->common;
	c->device_feature_select = 0;
	uint64_t offered = c->device_feature;
	c->device_feature_select = 1;
	offered |= (uint64_t)c->device_feature << 32;
	wanted |= 1ull << VIRTIO_F_VERSION_1;
	if (!(offered >> VIRTIO_F_VERSION_1 & 1))
		return -ENODEV;
	vd->features = offered & wanted;
	c->guest_feature_select = 0;
	c->guest_feature = (uint32_t)vd->features;
	c->guest_feature_select = 1;
	c->guest_feature = vd->features >> 32;
	set_status(vd, VIRTIO_CONFIG_S_FEATURES_OK);
	/* The device clears FEATURES_OK if it cannot work with our choice. */
	return c->device_status & VIRTIO_CONFIG_S_FEATURES_OK ? 0 : -ENODEV;
}

int virtio_setup_queue(struct virtio_dev *vd, struct virtqueue *vq, unsigned index,
		       unsigned max_size, unsigned msix_entry)
{
	volatile struct virtio_pci_common_cfg *c = vd->common;
	c->queue_select = index;
	unsigned size = c->queue_size;
	if (size == 0 || c->queue_enable)
		return -ENOENT;
	while (size > max_size)         /* sizes are powers of 2 */
		size /= 2;
	vq->vdev = vd;
	vq->index = index;
	int err = vq_init(vq, size);
	if (err)
		return err;
	c->queue_size = size;
	c->queue_desc_lo = virt_to_phys(vq->desc), c->queue_desc_hi = virt_to_phys(vq->desc) >> 32;
	c->queue_avail_lo = virt_to_phys(vq->avail), c->queue_avail_hi = virt_to_phys(vq->avail) >> 32;
	c->queue_used_lo = virt_to_phys(vq->used), c->queue_used_hi = virt_to_phys(vq->used) >> 32;
	/* Reads back NO_VECTOR if the device could not take the entry. */
	c->queue_msix_vector = msix_entry;
	if (c->queue_msix_vector != msix_entry)
		return -EBUSY;
	vq->notify = (volatile uint16_t *)(vd->notify_base + (uint32_t)c->queue_notify_off * vd->notify_multiplier);
	c->queue_enable = 1;
	return 0;
}

int virtio_msix_vector(struct virtio_dev *vd, struct pci_dev *pci, void (*handler)(void *), void *arg,
		       const char *name)
{
	if (!lapic_active())
		return -ENODEV;         /* MSI-X messages go to a local APIC */
	int err = pci_msix_enable(pci);
	if (err < 0)
		return err;
	vd->common->msix_config = VIRTIO_MSI_NO_VECTOR;
	int vector = device_vector_alloc(handler, arg);
	if (vector < 0)
		return vector;
	irq_stats_set_name(vector, name);
	if ((err = pci_msix_route(pci, 0, vector)) != 0) {
		device_vector_free(vector);
		return err;
	}
	return vector;
}

void virtio_driver_ok(struct virtio_dev *vd)
{
	set_status(vd, VIRTIO_CONFIG_S_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *vd)
{
	if (vd->common)
		set_status(vd, VIRTIO_CONFIG_S_FAILED);
}

/* Multi-word fields may change between reads: retry until the
 * configuration generation stays put around them. */
uint64_t virtio_cfg_read64(struct virtio_dev *vd, unsigned off)
{
	uint8_t gen;
	uint64_t v;
	do {
		gen = vd->common->config_generation;
		v = *(volatile uint32_t *)(vd->device_cfg + off);
		v |= (uint64_t)*(volatile uint32_t *)(vd->device_cfg + off + 4) << 32;
	} while (gen != vd->common->config_generation);
	return v;
}

uint32_t virtio_cfg_read32(struct virtio_dev *vd, unsigned off)
{
	return *(volatile uint32_t *)(vd->device_cfg + off);
}
