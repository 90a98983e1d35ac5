/* Page-table operations on any address space: walk, map, unmap, protect,
 * translate. Callers serialize changes to one address space (the kernel's
 * is changed only at boot, and then by kstack.c under its map_lock).
 *
 * TLB: the CPU caches translations, so changing or removing a present
 * entry must be followed by invlpg when the address space is live. With
 * several CPUs (Lab 3) the other CPUs must be told too ("shootdown"). */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/page_alloc.h>
#include <x86/paging.h>
#include <x86/cpu.h>

pte_t *kernel_pml4;

static __maybe_unused pte_t *table_at(pte_t entry) { return phys_to_virt(entry & PTE_ADDR); }

static bool is_user_address(uint64_t va) { return va < USER_TOP; }

pte_t *pt_current(void) { return phys_to_virt(read_cr3() & PTE_ADDR); }

void pt_switch(pte_t *pml4) { write_cr3(virt_to_phys(pml4)); }

/* Flush va from this CPU's TLB if the change is to the live address space
 * (or the shared kernel half, which every address space sees). */
static __maybe_unused void flush(pte_t *pml4, uint64_t va)
{
	if (pml4 == pt_current() || !is_user_address(va))
		invlpg(va);
}

/* The entry at `level` (1 = PT .. 4 = PML4) on the way to va, creating
 * the tables above it if asked. */
static pte_t *walk_to(pte_t *pml4, uint64_t va, int level, bool create)
{
	// LAB 2 BEGIN(exercise 4): walk down from the PML4, creating missing tables
	pte_t *table = pml4;
	for (int l = PT_LEVELS; l > level; l--) {
		pte_t *entry = &table[pt_index(va, l)];
		if (*entry & PTE_PRESENT) {
			if (*entry & PTE_HUGE)
				return NULL;    /* a huge page covers va: no table below */
		} else {
			if (!create)
				return NULL;
			struct page *p = alloc_page(ALLOC_ZERO);
			if (!p)
				return NULL;
			/* Tables grant everything; each leaf says what is allowed,
			 * and the CPU takes the most restrictive of all levels. */
			*entry = page_to_phys(p) | PTE_PRESENT | PTE_WRITE |
				 (is_user_address(va) ? PTE_USER : 0);
		}
		table = table_at(*entry);
	}
	return &table[pt_index(va, level)];
	// LAB 2 STUB: return NULL;
	// LAB 2 END
}

pte_t *pt_walk(pte_t *pml4, uint64_t va, bool create)
{
	return walk_to(pml4, va, 1, create);
}

int pt_map(pte_t *pml4, uint64_t va, uint64_t pa, uint64_t flags)
{
	if ((va | pa) & (PAGE_SIZE - 1))
		return -EINVAL;
	pte_t *pte = pt_walk(pml4, va, true);
	if (!pte)
		return -ENOMEM;
	if (*pte & PTE_PRESENT)
		return -EEXIST;
	*pte = pa | (flags & PTE_PERM_MASK & pte_supported) | PTE_PRESENT;
	return 0;
}

int pt_unmap(pte_t *pml4, uint64_t va, uint64_t *pa)
{
	// LAB 2 BEGIN(exercise 5): clear the entry and drop the stale translation from the TLB
	pte_t *pte = pt_walk(pml4, va, false);
	if (!pte || !(*pte & PTE_PRESENT))
		return -ENOENT;
	if (pa)
		*pa = *pte & PTE_ADDR;
	*pte = 0;
	flush(pml4, va);
	return 0;
	// LAB 2 STUB: return -ENOSYS;
	// LAB 2 END
}

int pt_protect(pte_t *pml4, uint64_t va, uint64_t flags)
{
	pte_t *pte = pt_walk(pml4, va, false);
	if (!pte || !(*pte & PTE_PRESENT))
		return -ENOENT;
	*pte = (*pte & (PTE_ADDR | PTE_ACCESSED | PTE_DIRTY)) | (flags & PTE_PERM_MASK & pte_supported) | PTE_PRESENT;
	flush(pml4, va);
	return 0;
}

int pt_map_huge(pte_t *pml4, uint64_t va, uint64_t pa, uint64_t flags)
{
	if ((va | pa) & (HUGE_2M - 1))
		return -EINVAL;
	pte_t *pde = walk_to(pml4, va, 2, true);
	if (!pde)
		return -ENOMEM;
	if (*pde & PTE_PRESENT)
		return -EEXIST;
	*pde = pa | (flags & PTE_PERM_MASK & pte_supported) | PTE_PRESENT | PTE_HUGE;
	return 0;
}

bool pt_translate(pte_t *pml4, uint64_t va, uint64_t *pa, uint64_t *flags)
{
	pte_t *table = pml4;
	for (int level = PT_LEVELS; level >= 1; level--) {
		pte_t e = table[pt_index(va, level)];
		if (!(e & PTE_PRESENT))
			return false;
		if (level == 1 || (e & PTE_HUGE)) {
			uint64_t size = 1ull << (12 + 9 * (level - 1));
			if (pa)
				*pa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
			if (flags)
				*flags = e & ~PTE_ADDR;
			return true;
		}
		table = table_at(e);
	}
	return false;
}

pte_t *pt_create(void)
{
	struct page *p = alloc_page(ALLOC_ZERO);
	if (!p)
		return NULL;
	pte_t *pml4 = page_address(p);
	/* The kernel half's PML4 entries never change after boot (kmap.c
	 * creates them all), so copying them once keeps them in sync. */
	memcpy(pml4 + PT_ENTRIES / 2, kernel_pml4 + PT_ENTRIES / 2, PAGE_SIZE / 2);
	return pml4;
}

static void free_table(pte_t *table, int level)
{
	for (int i = 0; level > 1 && i < PT_ENTRIES; i++)
		if ((table[i] & PTE_PRESENT) && !(table[i] & PTE_HUGE))
			free_table(table_at(table[i]), level - 1);
	page_put(virt_to_page(table));
}

void pt_destroy(pte_t *pml4)
{
	if (pml4 == pt_current())
		panic("pt_destroy: address space %p is in use", pml4);
	for (int i = 0; i < PT_ENTRIES / 2; i++)
		if (pml4[i] & PTE_PRESENT)
			free_table(table_at(pml4[i]), PT_LEVELS - 1);
	page_put(virt_to_page(pml4));
}

static const char *const level_names[] = { "", "PT", "PD", "PDPT", "PML4" };

/* "P W U NX G" ... for one entry. */
static void print_flags(pte_t e)
{
	printk("%s%s%s%s%s%s%s%s", e & PTE_PRESENT ? " present" : " not-present",
	       e & PTE_PRESENT ? (e & PTE_WRITE ? " writable" : " read-only") : "",
	       e & PTE_USER ? " user" : "", e & PTE_NX ? " no-exec" : "",
	       e & PTE_GLOBAL ? " global" : "", e & PTE_HUGE ? " huge" : "",
	       e & PTE_ACCESSED ? " accessed" : "", e & PTE_DIRTY ? " dirty" : "");
}

void pt_print_walk(pte_t *pml4, uint64_t va)
{
	printk("  page walk for %016lx (CR3=%016lx):\n", va, read_cr3());
	pte_t *table = pml4;
	for (int level = PT_LEVELS; level >= 1; level--) {
		unsigned i = pt_index(va, level);
		pte_t e = table[i];
		printk("    %-4s[%3u] = %016lx ", level_names[level], i, e);
		print_flags(e);
		printk("\n");
		if (!(e & PTE_PRESENT) || (e & PTE_HUGE))
			return;
		table = table_at(e);
	}
}
