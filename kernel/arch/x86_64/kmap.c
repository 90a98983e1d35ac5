/* The kernel's address space, built once at boot to replace the early
 * 1 GiB map of boot.S:
 *   - the direct map: every range of RAM (and ACPI tables) at
 *     DIRECT_MAP_BASE + physical, writable, never executable;
 *   - the kernel image, each part with only the rights it needs;
 *   - the kernel stack area (kstack.c fills it in later).
 * Then the CPU's protections go on: NX, write protection for the kernel
 * itself (CR0.WP), and SMEP/SMAP when the CPU has them. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/errno.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <x86/paging.h>
#include <x86/cpu.h>
#include <x86/uaccess.h>

#define CR0_WP     (1ull << 16)     /* ring 0 honours read-only pages too */
#define CR4_PGE    (1ull << 7)      /* global pages */
#define CR4_SMEP   (1ull << 20)     /* ring 0 may not execute user pages */
#define CR4_SMAP   (1ull << 21)     /* ring 0 may not touch user pages (unless RFLAGS.AC) */
#define EFER_NXE   (1ull << 11)

/* From the linker script (kernel.ld). */
extern char _text[], _etext[], __rodata_start[], __rodata_end[], __data_start[], _end[];
extern char boot_stack_guard[];

/* PTE bits the CPU understands: NX is dropped on a CPU without it (where
 * bit 63 would be a reserved-bit fault). */
uint64_t pte_supported = ~0ull;

static bool on_own_tables;

bool paging_enabled(void) { return on_own_tables; }

/* Maps [start, end) of the kernel image with flags, except the boot
 * stack's guard page, which stays unmapped so an overflow faults. */
static bool map_image(const char *start, const char *end, uint64_t flags)
{
	for (uint64_t va = (uint64_t)start; va < (uint64_t)end; va += PAGE_SIZE) {
		if (va == (uint64_t)boot_stack_guard)
			continue;
		if (pt_map(kernel_pml4, va, va - KERNEL_VIRT_BASE, flags) != 0)
			return false;
	}
	return true;
}

/* How much of the direct map each page size maps (/proc/meminfo's
 * DirectMap4k and DirectMap2M). */
static uint64_t direct_bytes_4k, direct_bytes_2m;

void kmap_direct_sizes(uint64_t *bytes_4k, uint64_t *bytes_2m)
{
	*bytes_4k = direct_bytes_4k;
	*bytes_2m = direct_bytes_2m;
}

/* [start, end) of physical memory in the direct map: 2 MiB pages where
 * alignment allows, 4 KiB pages at the ragged edges. */
static bool map_direct(uint64_t start, uint64_t end)
{
	const uint64_t flags = PTE_WRITE | PTE_NX | PTE_GLOBAL;
	uint64_t pa = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	while (pa < end) {
		uint64_t va = (uint64_t)phys_to_virt(pa);
		int err;
		if ((pa & (HUGE_2M - 1)) == 0 && pa + HUGE_2M <= end) {
			err = pt_map_huge(kernel_pml4, va, pa, flags);
			pa += HUGE_2M;
			direct_bytes_2m += err ? 0 : HUGE_2M;
		} else {
			err = pt_map(kernel_pml4, va, pa, flags);
			pa += PAGE_SIZE;
			direct_bytes_4k += err ? 0 : PAGE_SIZE;
		}
		/* Ranges may share a page at their edges: mapped once is enough. */
		if (err != 0 && err != -EEXIST)
			return false;
	}
	return true;
}

static bool build_kernel_tables(void)
{
	struct page *root = alloc_page(ALLOC_ZERO);
	if (!root)
		return false;
	kernel_pml4 = page_address(root);

	if (!map_direct(0, 0x100000))   /* low memory: BIOS data, ACPI RSDP */
		return false;
	for (int i = 0; i < memmap_count; i++) {
		uint32_t t = memmap[i].type;
		if ((t == E820_RAM || t == E820_ACPI || t == E820_NVS) &&
		    !map_direct(memmap[i].start, memmap[i].end))
			return false;
	}

	// LAB 2 BEGIN(exercise 6): map each part of the kernel image with least privilege
	if (!map_image(_text, _etext, PTE_GLOBAL) ||                          /* r-x */
	    !map_image(__rodata_start, __rodata_end, PTE_GLOBAL | PTE_NX) ||  /* r-- */
	    !map_image(__data_start, _end, PTE_GLOBAL | PTE_WRITE | PTE_NX))  /* rw- */
		return false;
	// LAB 2 STUB: if (!map_image(_text, _end, PTE_GLOBAL | PTE_WRITE))
	// LAB 2 STUB: 	return false;
	// LAB 2 END

	/* The kernel stack area's PML4 entry exists from the start: every
	 * address space copies the kernel half's PML4 entries when it is
	 * created, so they must never change afterwards. */
	if (!pt_walk(kernel_pml4, KSTACK_AREA_BASE, true))
		return false;
	return true;
}

bool paging_init(void)
{
	uint32_t r[4];
	cpuid(0x80000001, 0, r);
	bool nx = r[3] & (1u << 20);
	cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	uint32_t ebx7 = 0;
	if (max_leaf >= 7) {
		cpuid(7, 0, r);
		ebx7 = r[1];
	}
	bool smep = ebx7 & (1u << 7), smap = ebx7 & (1u << 20);

	/* NXE before any table with NX bits is loaded. */
	if (nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	else
		pte_supported &= ~PTE_NX;

	if (!build_kernel_tables()) {
		printk("paging: could not build the kernel's page tables; staying on the boot map\n");
		return false;
	}
	pt_switch(kernel_pml4);
	on_own_tables = true;

	write_cr0(read_cr0() | CR0_WP);
	write_cr4(read_cr4() | CR4_PGE | (smep ? CR4_SMEP : 0) | (smap ? CR4_SMAP : 0));
	smap_enabled = smap;
	printk("paging: kernel page tables at %#lx; NX %s, WP on, SMEP %s, SMAP %s\n",
	       virt_to_phys(kernel_pml4), nx ? "on" : "absent",
	       smep ? "on" : "absent", smap ? "on" : "absent");
	return true;
}

bool kernel_readable(uint64_t va, uint64_t len)
{
	if (!on_own_tables)     /* the early map: the first GiB of the image region */
		return va >= KERNEL_VIRT_BASE && va + len <= KERNEL_VIRT_BASE + (1ull << 30);
	for (uint64_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len; p += PAGE_SIZE)
		if (p < KERNEL_HALF || !pt_translate(kernel_pml4, p, NULL, NULL))
			return false;
	return true;
}

/* Maps [pa, pa + size) at va onwards, uncached, skipping pages already
 * mapped (the direct map's RAM, or an earlier call for the same page). */
static bool map_uncached(uint64_t va, uint64_t pa, uint64_t size)
{
	/* PCD and PWT make the page "uncacheable" in the default PAT. */
	const uint64_t flags = PTE_WRITE | PTE_NX | PTE_GLOBAL | PTE_PCD | PTE_PWT;
	uint64_t off = pa & (PAGE_SIZE - 1);
	for (uint64_t p = 0; p < off + size; p += PAGE_SIZE) {
		if (pt_translate(kernel_pml4, va - off + p, NULL, NULL))
			continue;
		if (pt_map(kernel_pml4, va - off + p, pa - off + p, flags) != 0)
			return false;
	}
	return true;
}

/* Can [pa, pa + size) use its direct-map address? Only if that lies below
 * the kernel stacks and in top-level (PML4) entries made at boot: every
 * address space copied those entries when it was created, and a new one
 * would never reach them. Device BARs above 512 GiB are not. */
static bool direct_map_reaches(uint64_t pa, uint64_t size)
{
	uint64_t last = pa + size - 1;
	if (last < pa || last >= KSTACK_AREA_BASE - DIRECT_MAP_BASE)
		return false;
	for (uint64_t va = (uint64_t)phys_to_virt(pa); ; va += 1ull << 39) {
		if (!(kernel_pml4[pt_index(va, 4)] & PTE_PRESENT))
			return false;
		if (pt_index(va, 4) == pt_index((uint64_t)phys_to_virt(last), 4))
			return true;
	}
}

/* Other device memory goes into a window next to the kernel stacks,
 * whose top-level entry exists from boot (build_kernel_tables). */
#define MMIO_WINDOW_BASE (KSTACK_AREA_BASE + KSTACK_AREA_SIZE)
#define MMIO_WINDOW_SIZE (64ull << 30)
static_assert(((MMIO_WINDOW_BASE + MMIO_WINDOW_SIZE - 1) >> 39) == (KSTACK_AREA_BASE >> 39),
	      "the MMIO window shares the kernel stacks' PML4 entry");
static uint64_t mmio_window_next = MMIO_WINDOW_BASE;

void *kmap_mmio(uint64_t pa, uint64_t size)
{
	if (!on_own_tables || size == 0)
		return NULL;
	/* Called at boot, one CPU at a time (drivers' probes). */
	if (direct_map_reaches(pa, size))
		return map_uncached((uint64_t)phys_to_virt(pa), pa, size) ? phys_to_virt(pa) : NULL;
	uint64_t off = pa & (PAGE_SIZE - 1);
	uint64_t span = ALIGN_UP(off + size, PAGE_SIZE);
	if (span > MMIO_WINDOW_BASE + MMIO_WINDOW_SIZE - mmio_window_next)
		return NULL;
	uint64_t va = mmio_window_next + off;
	mmio_window_next += span;
	return map_uncached(va, pa, size) ? (void *)va : NULL;
}
