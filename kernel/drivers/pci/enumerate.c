/* Finding every PCI function: start at bus 0 and follow each PCI-to-PCI
 * bridge to the bus behind it (the firmware numbered them). Each function
 * found becomes a struct pci_dev with its identity and BARs. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <mm/kmalloc.h>
#include <drivers/pci.h>
#include "pci_internal.h"

#define PCI_BUSES   256
#define PCI_SLOTS   32
#define PCI_FUNCS   8
#define NO_DEVICE   0xffff

struct list_head pci_devices = LIST_HEAD_INIT(pci_devices);
static int ndevices, nbuses;
static bool bus_seen[PCI_BUSES];

/* A BAR's size: write all ones, see which address bits stick, restore.
 * The lowest address bit that sticks is the size. Decoding is off
 * meanwhile, so the device never answers at the probe address (the caller
 * turned it off). `fixed` are the bits that count as set although they do
 * not stick: the upper half of a 32-bit BAR, of an I/O BAR the bits above
 * its 16 address bits. */
static uint64_t bar_size(struct pci_dev *d, unsigned off, bool is64, uint64_t mask, uint64_t fixed)
{
	uint32_t lo = pci_read32(d, off), hi = is64 ? pci_read32(d, off + 4) : 0;
	pci_write32(d, off, ~0u);
	uint64_t bits = (pci_read32(d, off) & mask) | fixed;
	if (is64) {
		pci_write32(d, off + 4, ~0u);
		bits |= (uint64_t)pci_read32(d, off + 4) << 32;
	}
	pci_write32(d, off, lo);
	if (is64)
		pci_write32(d, off + 4, hi);
	return bits == fixed ? 0 : ~bits + 1;
}

static void read_bars(struct pci_dev *d, int nbars)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < nbars; i++) {
		unsigned off = PCI_BASE_ADDRESS_0 + 4 * i;
		uint32_t v = pci_read32(d, off);
		struct pci_bar *b = &d->bar[i];
		if (v & PCI_BASE_ADDRESS_SPACE_IO) {
			b->io = true;
			b->addr = v & PCI_BASE_ADDRESS_IO_MASK;
			b->size = bar_size(d, off, false, PCI_BASE_ADDRESS_IO_MASK, ~0xffffull);
			continue;
		}
		b->is64 = (v & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64;
		b->prefetch = v & PCI_BASE_ADDRESS_MEM_PREFETCH;
		bool upper = b->is64 && i + 1 < nbars;
		b->addr = v & PCI_BASE_ADDRESS_MEM_MASK;
		if (upper)
			b->addr |= (uint64_t)pci_read32(d, off + 4) << 32;
		b->size = bar_size(d, off, upper, PCI_BASE_ADDRESS_MEM_MASK, upper ? 0 : ~0xffffffffull);
		if (b->is64)
			i++;            /* the next slot holds the upper half */
	}
	pci_write16(d, PCI_COMMAND, cmd);
}

static void scan_bus(unsigned bus);

static void add_function(unsigned bus, unsigned slot, unsigned fn)
{
	struct pci_dev *d = kzalloc(sizeof(*d));
	if (!d)
		return;
	d->bus = bus, d->dev = slot, d->fn = fn;
	uint32_t id = pci_read32(d, PCI_VENDOR_ID);
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	uint32_t cr = pci_read32(d, PCI_CLASS_REVISION);
	d->class = cr >> 24, d->subclass = cr >> 16, d->prog_if = cr >> 8, d->revision = cr;
	uint8_t type = pci_read8(d, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	/* A bridge has two BARs, then bus numbers; a normal device six. */
	read_bars(d, type == PCI_HEADER_TYPE_BRIDGE ? 2 : type == PCI_HEADER_TYPE_NORMAL ? PCI_NUM_BARS : 0);
	list_add_tail(&d->link, &pci_devices);
	ndevices++;
	if (type == PCI_HEADER_TYPE_BRIDGE) {
		unsigned secondary = pci_read8(d, PCI_SECONDARY_BUS);
		if (secondary != 0)     /* 0: the firmware left it unconfigured */
			scan_bus(secondary);
	}
}

static void scan_bus(unsigned bus)
{
	if (bus_seen[bus])      /* a misconfigured bridge must not loop us */
		return;
	bus_seen[bus] = true;
	nbuses++;
	for (unsigned slot = 0; slot < PCI_SLOTS; slot++) {
		if ((pci_conf_read(bus, slot, 0, PCI_VENDOR_ID) & 0xffff) == NO_DEVICE)
			continue;
		bool multi = pci_conf_read(bus, slot, 0, PCI_HEADER_TYPE & ~3u) >> 16 & 0x80;
		for (unsigned fn = 0; fn < (multi ? PCI_FUNCS : 1); fn++)
			if ((pci_conf_read(bus, slot, fn, PCI_VENDOR_ID) & 0xffff) != NO_DEVICE)
				add_function(bus, slot, fn);
	}
}

void pci_init(void)
{
	scan_bus(0);
	printk("pci: %d functions on %d bus%s\n", ndevices, nbuses, nbuses == 1 ? "" : "es");
	pci_probe_drivers();
}
