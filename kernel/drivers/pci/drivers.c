/* The PCI drivers built into the kernel, and matching them to devices:
 * the first driver whose id table names a device's vendor and device id
 * gets to probe it. To add a driver, add it to the table below. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include "pci_internal.h"

static struct pci_driver *const builtin_drivers[] = {
	&virtio_blk_driver,
	&virtio_net_driver,
};

static bool matches(const struct pci_driver *drv, const struct pci_dev *d)
{
	for (const struct pci_id *id = drv->ids; id->vendor; id++)
		if (id->vendor == d->vendor && id->device == d->device)
			return true;
	return false;
}

void pci_probe_drivers(void)
{
	struct pci_dev *d;
	char name[8];
	list_for_each_entry(d, &pci_devices, link) {
		for (unsigned i = 0; i < ARRAY_SIZE(builtin_drivers) && !d->driver; i++) {
			struct pci_driver *drv = builtin_drivers[i];
			if (!matches(drv, d))
				continue;
			int err = drv->probe(d);
			if (err == 0)
				d->driver = drv;
			else
				printk("pci: %s %04x:%04x: %s declined it (error %d)\n",
				       pci_name(d, name), d->vendor, d->device, drv->name, err);
		}
	}
}
