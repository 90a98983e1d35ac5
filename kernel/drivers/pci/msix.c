/* MSI-X (PCI Local Bus spec 3.0, 6.8.2): the device holds a table in one
 * of its BARs, 16 bytes per interrupt it can raise: the address and data
 * of the memory write that signals it, and a mask bit. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <drivers/pci.h>
#include <x86/msi.h>
#include "pci_internal.h"

#define ENTRY_WORDS (PCI_MSIX_ENTRY_SIZE / 4)

static volatile uint32_t *entry_reg(struct pci_dev *d, unsigned entry, unsigned reg)
{
	return d->msix_table + entry * ENTRY_WORDS + reg / 4;
}

int pci_msix_enable(struct pci_dev *d)
{
	unsigned cap = pci_find_cap(d, PCI_CAP_ID_MSIX, 0);
	if (!cap)
		return -ENODEV;
	uint16_t ctrl = pci_read16(d, cap + PCI_MSIX_FLAGS);
	uint32_t table = pci_read32(d, cap + PCI_MSIX_TABLE);
	unsigned n = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1;
	d->msix_table = pci_map_bar(d, table & PCI_MSIX_TABLE_BIR, table & PCI_MSIX_TABLE_OFFSET,
				    n * PCI_MSIX_ENTRY_SIZE);
	if (!d->msix_table)
		return -ENOMEM;
	d->msix_entries = n;
	/* Enabled but masked as a whole while each entry is masked; then
	 * entries speak only once routed. INTx goes off: MSI-X replaces it. */
	pci_write16(d, cap + PCI_MSIX_FLAGS, ctrl | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	for (unsigned i = 0; i < n; i++)
		*entry_reg(d, i, PCI_MSIX_ENTRY_VECTOR_CTRL) = PCI_MSIX_ENTRY_CTRL_MASKBIT;
	pci_write16(d, cap + PCI_MSIX_FLAGS, (ctrl | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	return n;
}

int pci_msix_route(struct pci_dev *d, unsigned entry, int vector)
{
	if (!d->msix_table || entry >= d->msix_entries)
		return -EINVAL;
	uint64_t address;
	uint32_t data;
	msi_message(vector, &address, &data);
	*entry_reg(d, entry, PCI_MSIX_ENTRY_LOWER_ADDR) = (uint32_t)address;
	*entry_reg(d, entry, PCI_MSIX_ENTRY_UPPER_ADDR) = address >> 32;
	*entry_reg(d, entry, PCI_MSIX_ENTRY_DATA) = data;
	*entry_reg(d, entry, PCI_MSIX_ENTRY_VECTOR_CTRL) = 0;  /* unmasked */
	return 0;
}
