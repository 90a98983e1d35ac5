/* Memory at boot, in the order things become possible:
 *
 * 1. Read the memory map (memmap.c).
 * 2. Alias the boot map's first GiB at DIRECT_MAP_BASE, so phys_to_virt
 *    works from now on (for physical addresses below 1 GiB).
 * 3. Put the struct page array in RAM right after the kernel image.
 * 4. Give the frame allocator the RAM the boot map reaches (< 1 GiB).
 * 5. Build the kernel's page tables with frames from it; switch to them.
 * 6. Now that the direct map covers all of RAM, give it the rest.
 *
 * If step 5 fails (the Lab 2 exercises are blank), the kernel carries on
 * with the boot map, so earlier labs still work. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <mm/kmalloc.h>
#include <x86/paging.h>
#include <x86/memlayout.h>

#define BOOT_MAP_LIMIT (1ull << 30)     /* boot.S maps physical 0..1 GiB */

extern char _end[];
extern pte_t boot_pml4[];               /* boot.S, identity mapped */

/* RAM in [lo, hi) joins the frame allocator. */
static void add_ram(uint64_t lo, uint64_t hi)
{
	for (int i = 0; i < memmap_count; i++) {
		if (memmap[i].type != E820_RAM)
			continue;
		uint64_t s = memmap[i].start > lo ? memmap[i].start : lo;
		uint64_t e = memmap[i].end < hi ? memmap[i].end : hi;
		if (s < e)
			page_alloc_add_range(s, e);
	}
}

/* The struct page array goes in the RAM range holding the kernel's end. */
static uint64_t place_page_array(uint64_t npages)
{
	uint64_t start = ALIGN_UP((uint64_t)_end - KERNEL_VIRT_BASE, PAGE_SIZE);
	uint64_t size = ALIGN_UP(npages * sizeof(struct page), PAGE_SIZE);
	for (int i = 0; i < memmap_count; i++)
		if (memmap[i].type == E820_RAM && memmap[i].start <= start &&
		    start + size <= memmap[i].end && start + size <= BOOT_MAP_LIMIT)
			return start;
	panic("no room for the page array (%lu KiB) after the kernel at %#lx", size / 1024, start);
}

void mm_init(uint64_t start_info_pa)
{
	uint64_t usable = memmap_read(early_phys_to_virt(start_info_pa));
	printk("mm: %lu MiB of usable RAM\n", usable >> 20);

	boot_pml4[pt_index(DIRECT_MAP_BASE, 4)] = boot_pml4[0];

	uint64_t npages = memmap_end(E820_RAM) >> PAGE_SHIFT;
	uint64_t array_pa = place_page_array(npages);
	uint64_t array_end = array_pa + ALIGN_UP(npages * sizeof(struct page), PAGE_SIZE);
	page_alloc_init(phys_to_virt(array_pa), npages);

	/* Low memory (firmware data, the start_info we were given), the
	 * kernel image and the page array stay out of the allocator. */
	add_ram(array_end, BOOT_MAP_LIMIT);
	if (paging_init())
		add_ram(array_end > BOOT_MAP_LIMIT ? array_end : BOOT_MAP_LIMIT, ~0ull);
	kmalloc_init();

	struct mem_stats s;
	mem_stats(&s);
	printk("mm: %lu frames managed, %lu free (%lu MiB); page array %lu KiB at %#lx\n",
	       s.total_pages, s.free_pages, s.free_pages >> (20 - PAGE_SHIFT),
	       (array_end - array_pa) / 1024, array_pa);
}
