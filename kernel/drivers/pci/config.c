/* PCI configuration space through the two legacy I/O ports (PCI Local Bus
 * spec 3.0, 3.2.2.3.2 "Configuration Mechanism #1"): write the address of
 * a 32-bit register to 0xCF8, then read or write it at 0xCFC. The pair is
 * one transaction, so a lock keeps two CPUs from interleaving. */
#include <kernel/types.h>
#include <kernel/spinlock.h>
#include <drivers/pci.h>
#include <x86/cpu.h>
#include "pci_internal.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA    0xcfc
#define CONFIG_ENABLE  0x80000000u

static struct spinlock lock = SPINLOCK_INIT("pci config");

static uint32_t address(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	return CONFIG_ENABLE | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc);
}

uint32_t pci_conf_read(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	outl(CONFIG_ADDRESS, address(bus, dev, fn, off));
	uint32_t v = inl(CONFIG_DATA);
	spin_unlock_irqrestore(&lock, flags);
	return v;
}

void pci_conf_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	outl(CONFIG_ADDRESS, address(bus, dev, fn, off));
	outl(CONFIG_DATA, v);
	spin_unlock_irqrestore(&lock, flags);
}

/* Narrower accesses: the aligned dword, shifted (and for writes, merged). */
uint32_t pci_read32(struct pci_dev *d, unsigned off) { return pci_conf_read(d->bus, d->dev, d->fn, off); }
uint16_t pci_read16(struct pci_dev *d, unsigned off) { return pci_read32(d, off) >> (off & 2) * 8; }
uint8_t pci_read8(struct pci_dev *d, unsigned off) { return pci_read32(d, off) >> (off & 3) * 8; }

void pci_write32(struct pci_dev *d, unsigned off, uint32_t v) { pci_conf_write(d->bus, d->dev, d->fn, off, v); }

void pci_write16(struct pci_dev *d, unsigned off, uint16_t v)
{
	/* Read-modify-write of the aligned dword. Next to the command register
	 * is status, whose error bits clear when written as 1: write 0s there. */
	unsigned shift = (off & 2) * 8;
	uint32_t old = pci_read32(d, off);
	if ((off & ~3u) == PCI_COMMAND)
		old &= 0xffff;          /* never write back status bits */
	pci_write32(d, off, (old & ~(0xffffu << shift)) | (uint32_t)v << shift);
}
