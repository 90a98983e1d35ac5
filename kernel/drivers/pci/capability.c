/* What a driver does with its device's configuration space: walk the
 * capability list, switch on decoding and DMA, and map BARs. */
#include <kernel/types.h>
#include <kernel/format.h>
#include <drivers/pci.h>
#include <x86/paging.h>
#include "pci_internal.h"

#define MAX_CAPS 48     /* 192 bytes of list at 4 bytes each: a loop guard */

unsigned pci_find_cap(struct pci_dev *d, uint8_t id, unsigned after)
{
	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	unsigned pos = after ? pci_read8(d, after + PCI_CAP_LIST_NEXT) : pci_read8(d, PCI_CAPABILITY_LIST);
	for (int n = 0; n < MAX_CAPS && pos >= 0x40; n++) {
		pos &= ~3u;     /* the low bits are reserved */
		if (pci_read8(d, pos + PCI_CAP_LIST_ID) == id)
			return pos;
		pos = pci_read8(d, pos + PCI_CAP_LIST_NEXT);
	}
	return 0;
}

void pci_enable(struct pci_dev *d)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

void *pci_map_bar(struct pci_dev *d, int bar, uint64_t offset, uint64_t len)
{
	if (bar < 0 || bar >= PCI_NUM_BARS)
		return NULL;
	struct pci_bar *b = &d->bar[bar];
	if (b->io || b->size == 0 || b->addr == 0 || offset > b->size || len > b->size - offset)
		return NULL;
	return kmap_mmio(b->addr + offset, len);
}

const char *pci_name(struct pci_dev *d, char *buf)
{
	ksnprintf(buf, 8, "%02x:%02x.%x", d->bus, d->dev, d->fn);
	return buf;
}
