/* What the files of drivers/pci/ share and nobody else needs. */
#pragma once
#include <kernel/types.h>
#include <linux/pci_regs.h>

uint32_t pci_conf_read(unsigned bus, unsigned dev, unsigned fn, unsigned off);
void pci_conf_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v);

/* Offers every unclaimed device to the built-in drivers (drivers.c). */
void pci_probe_drivers(void);
extern struct list_head pci_devices;
