/* Reading the boot loader's memory map. QEMU's PVH loader passes the same
 * E820 table a PC BIOS would: usable RAM, plus ranges reserved for
 * firmware, ACPI and device memory (PCI holes), sorted by address. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <mm/memmap.h>
#include <x86/memlayout.h>

struct mem_range memmap[MEMMAP_MAX];
int memmap_count;

static const char *type_name(uint32_t type)
{
	switch (type) {
	case E820_RAM:      return "usable";
	case E820_RESERVED: return "reserved";
	case E820_ACPI:     return "ACPI data";
	case E820_NVS:      return "ACPI NVS";
	case E820_UNUSABLE: return "unusable";
	default:            return "type?";
	}
}

uint64_t memmap_read(const struct hvm_start_info *si)
{
	if (si->version < 1 || !si->memmap_paddr || si->memmap_entries == 0)
		panic("the boot loader passed no memory map (start_info version %u)", si->version);
	const struct hvm_memmap_entry *e = early_phys_to_virt(si->memmap_paddr);
	uint64_t usable = 0;
	memmap_count = 0;
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		if (e[i].size == 0)
			continue;
		if (memmap_count == MEMMAP_MAX) {
			printk("memmap: more than %d ranges, ignoring the rest\n", MEMMAP_MAX);
			break;
		}
		struct mem_range *r = &memmap[memmap_count++];
		r->start = e[i].addr;
		r->end = e[i].addr + e[i].size;
		r->type = e[i].type;
		printk("memmap: [mem 0x%016lx-0x%016lx] %s\n", r->start, r->end - 1, type_name(r->type));
		if (r->type == E820_RAM)
			usable += e[i].size;
	}
	return usable;
}

uint64_t memmap_end(uint32_t type)
{
	uint64_t end = 0;
	for (int i = 0; i < memmap_count; i++)
		if (memmap[i].type == type && memmap[i].end > end)
			end = memmap[i].end;
	return end;
}
