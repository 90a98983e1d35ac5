/* x86_64 4-level page tables.
 *
 * A virtual address splits into four 9-bit table indexes and a 12-bit
 * offset:  PML4[47:39]  PDPT[38:30]  PD[29:21]  PT[20:12]  offset[11:0].
 * Each table is one 4 KiB frame of 512 entries; an entry holds the next
 * table's (or the page's) physical address and the permission bits below.
 * Tables are reached through the direct map (phys_to_virt). */
#pragma once
#include <kernel/types.h>

typedef uint64_t pte_t;

#define PTE_PRESENT   (1ull << 0)
#define PTE_WRITE     (1ull << 1)     /* writable (else read-only) */
#define PTE_USER      (1ull << 2)     /* user mode may access */
#define PTE_PWT       (1ull << 3)
#define PTE_PCD       (1ull << 4)     /* cache disabled: device memory */
#define PTE_ACCESSED  (1ull << 5)     /* set by the CPU on access */
#define PTE_DIRTY     (1ull << 6)     /* set by the CPU on write */
#define PTE_HUGE      (1ull << 7)     /* in a PD (PDPT): a 2 MiB (1 GiB) page */
#define PTE_GLOBAL    (1ull << 8)     /* survives CR3 reloads (kernel pages) */
#define PTE_COW       (1ull << 9)     /* software bit: read-only until copied (fork) */
#define PTE_SHARED    (1ull << 10)    /* software bit: a shared mapping's page: fork shares it as it is */
#define PTE_NX        (1ull << 63)    /* no instruction fetch (needs EFER.NXE) */
#define PTE_ADDR      0x000ffffffffff000ull

/* The bits a caller may pass as a leaf's permissions. */
#define PTE_PERM_MASK (PTE_WRITE | PTE_USER | PTE_PWT | PTE_PCD | PTE_GLOBAL | PTE_NX)

#define PT_LEVELS     4
#define PT_ENTRIES    512
#define HUGE_2M       (1ull << 21)

static inline unsigned pt_index(uint64_t va, int level)   /* level 4 = PML4 .. 1 = PT */
{
	return (va >> (12 + 9 * (level - 1))) & 0x1ff;
}

/* PTE bits this CPU supports (no PTE_NX without NX); pt_map applies it. */
extern uint64_t pte_supported;

/* The kernel's own top-level table; every address space shares its upper half. */
extern pte_t *kernel_pml4;

/* The entry mapping the 4 KiB page at va, or NULL if a table on the way is
 * missing (create: allocate it, NULL only when memory runs out) or the
 * walk meets a huge page. */
pte_t *pt_walk(pte_t *pml4, uint64_t va, bool create);

/* 4 KiB pages. Flags are PTE_* permissions; PTE_PRESENT is implied.
 * pt_map: -EEXIST if va is mapped, -ENOMEM, -EINVAL if unaligned.
 * pt_unmap: the frame that was mapped in *pa, -ENOENT if none.
 * pt_protect: new permissions for a mapped page, -ENOENT if none. */
int pt_map(pte_t *pml4, uint64_t va, uint64_t pa, uint64_t flags);
int pt_unmap(pte_t *pml4, uint64_t va, uint64_t *pa);
int pt_protect(pte_t *pml4, uint64_t va, uint64_t flags);
/* A 2 MiB page (both addresses 2 MiB aligned); used for the direct map. */
int pt_map_huge(pte_t *pml4, uint64_t va, uint64_t pa, uint64_t flags);

/* Where va leads: true with the physical address and the leaf entry's
 * flags if it is mapped (through a 4 KiB or a huge page). */
bool pt_translate(pte_t *pml4, uint64_t va, uint64_t *pa, uint64_t *flags);

/* A new address space: an empty lower half and the kernel's upper half.
 * pt_destroy frees the lower half's tables (not the frames they map). */
pte_t *pt_create(void);
void pt_destroy(pte_t *pml4);

/* Prints each level of the walk for va (fault reports). */
void pt_print_walk(pte_t *pml4, uint64_t va);

/* The address space the CPU is using. */
pte_t *pt_current(void);
void pt_switch(pte_t *pml4);

/* paging_init (kmap.c): the kernel's page tables, then NX/SMEP/SMAP/WP. */
bool paging_init(void);
bool paging_enabled(void);      /* true once the kernel runs on its own tables */
/* Bytes of the direct map in 4 KiB pages and in 2 MiB pages. */
void kmap_direct_sizes(uint64_t *bytes_4k, uint64_t *bytes_2m);
/* Is [va, va+len) mapped readable in the kernel's tables? (backtraces) */
bool kernel_readable(uint64_t va, uint64_t len);
/* Maps device registers at physical [pa, pa + size) uncached and returns
 * their address: in the direct map's range when its top-level entry exists
 * (below 512 GiB with little RAM), else in a window after the kernel
 * stacks (64-bit BARs placed high); NULL if that fails. */
void *kmap_mmio(uint64_t pa, uint64_t size);

static inline void invlpg(uint64_t va) { __asm__ __volatile__("invlpg (%0)" :: "r"(va) : "memory"); }
