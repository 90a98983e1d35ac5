/* PCI: finding the devices on the bus and giving them to their drivers.
 *
 * pci_init() walks every bus (configuration space through ports 0xCF8 and
 * 0xCFC), records each function's identity and BARs, then offers each
 * device to the drivers in pci/drivers.c; a driver whose id table matches
 * gets probe(dev). A probe maps the BARs it needs (pci_map_bar), turns on
 * memory decoding and DMA (pci_enable) and routes its interrupts through
 * MSI-X (pci_msix_enable, pci_msix_route). */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>

#define PCI_NUM_BARS 6

struct pci_bar {
	uint64_t addr;          /* physical (memory) or port (I/O) */
	uint64_t size;          /* 0: not implemented */
	bool io;                /* an I/O port range, else memory */
	bool is64;              /* a 64-bit memory BAR (takes two slots) */
	bool prefetch;
};

struct pci_driver;

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class, subclass, prog_if, revision;
	struct pci_bar bar[PCI_NUM_BARS];
	struct pci_driver *driver;      /* the driver that claimed it, or NULL */
	void *driver_data;
	volatile uint32_t *msix_table;  /* mapped by pci_msix_enable */
	unsigned msix_entries;
	struct list_head link;          /* in the list of all devices */
};

struct pci_id {
	uint16_t vendor, device;
};

struct pci_driver {
	const char *name;
	const struct pci_id *ids;       /* ends with a { 0, 0 } entry */
	/* Takes the device (0) or declines it (an errno). */
	int (*probe)(struct pci_dev *dev);
};

void pci_init(void);

/* Configuration space of one function. */
uint8_t pci_read8(struct pci_dev *d, unsigned off);
uint16_t pci_read16(struct pci_dev *d, unsigned off);
uint32_t pci_read32(struct pci_dev *d, unsigned off);
void pci_write16(struct pci_dev *d, unsigned off, uint16_t v);
void pci_write32(struct pci_dev *d, unsigned off, uint32_t v);

/* Capabilities: the offset of the first capability with this id after
 * `after` (0: from the start), or 0 if there is none. */
unsigned pci_find_cap(struct pci_dev *d, uint8_t id, unsigned after);

/* Turns on memory and I/O decoding and bus mastering (DMA). */
void pci_enable(struct pci_dev *d);
/* Maps [offset, offset + len) of a memory BAR uncached; NULL if the BAR
 * is missing, an I/O BAR, or too small. */
void *pci_map_bar(struct pci_dev *d, int bar, uint64_t offset, uint64_t len);

/* MSI-X: maps the vector table and enables it with every entry masked
 * (legacy INTx off). Returns the number of entries, or an errno. */
int pci_msix_enable(struct pci_dev *d);
/* Points entry at a CPU vector (x86/msi.h) and unmasks it. */
int pci_msix_route(struct pci_dev *d, unsigned entry, int vector);

/* "00:03.0" style name for messages; buf holds at least 8 bytes. */
const char *pci_name(struct pci_dev *d, char *buf);
