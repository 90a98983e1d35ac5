/* A user address space (struct mm, as in Linux): its page tables and the
 * list of regions ("virtual memory areas") where the program may have
 * memory. A page inside a region may not be there yet — the stack and the
 * heap get pages on first touch — or may be shared read-only with another
 * address space after fork until one of them writes (copy-on-write).
 * An access outside every region, or against its permissions, is the
 * program's bug: SIGSEGV. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/avltree.h>
#include <kernel/spinlock.h>
#include <x86/paging.h>
#include <x86/memlayout.h>

#define VM_READ   0x1
#define VM_WRITE  0x2
#define VM_EXEC   0x4
#define VM_SHARED 0x8   /* MAP_SHARED: writes reach the file, and processes after fork share pages */

struct mempolicy;

struct vma {
	struct list_head link;      /* in mm->vmas, sorted by address */
	struct avl_node node;       /* in mm->tree, the same order */
	uint64_t start, end;        /* [start, end), page-aligned */
	unsigned flags;             /* VM_* */
	const char *name;           /* "[stack]", "[heap]", the program: for reports */
	struct file *file;          /* a file mapping (referenced), or NULL: anonymous memory */
	uint64_t pgoff;             /* the file page at start */
	struct mempolicy *policy;   /* mbind's (mm/mempolicy.h), referenced; NULL: MPOL_DEFAULT */
};

struct mm {
	int refcount;               /* tasks using it (threads share one) */
	pte_t *pml4;
	struct spinlock lock;       /* the regions and the page tables' user half */
	struct list_head vmas;      /* sorted by start (an empty region before a non-empty one there) */
	struct avl_root tree;       /* the same regions, for O(log n) lookups (mm/vma_tree.c) */
	/* mmap's search starts at free_hint when no gap above it could fit:
	 * every gap between free_hint and MMAP_BASE is shorter than
	 * free_hint_len, and free_hint is MMAP_BASE or a region's start. */
	uint64_t free_hint, free_hint_len;
	struct list_head retired;   /* regions removed under the lock, freed after it */
	struct vma *heap;           /* brk's region: [brk_start, page-aligned brk) */
	uint64_t brk_start, brk;
	/* Where execve put things, for /proc/PID/{stat,cmdline,environ,auxv}
	 * (proc/user_stack.c, proc/elf.c): Linux's mm fields of these names. */
	uint64_t arg_start, arg_end, env_start, env_end, auxv_start, auxv_end;
	uint64_t start_stack, start_code, end_code, start_data, end_data;
	struct file *exe_file;      /* the program (referenced): /proc/PID/exe; NULL if built in */
	/* Lab 6, SMP: the CPUs that have these page tables in CR3, so may
	 * cache their translations (bit i: cpus[i]); mm_activate keeps it,
	 * tlb_flush_mm_range interrupts them (x86/tlb.h). */
	uint64_t cpumask;
	unsigned membarrier_registered;     /* MEMBARRIER_CMD_REGISTER_* done (syscall/membarrier.c) */
};

#define USER_STACK_TOP   0x00007ffffffff000ull
#define USER_STACK_SIZE  (8ull << 20)       /* RLIMIT_STACK's default */
/* mmap without an address hint fills downwards from here: below the
 * stack and its room to grow (Linux keeps at least 128 MiB). */
#define MMAP_BASE        (USER_STACK_TOP - (128ull << 20))
#define MMAP_MIN_ADDR    0x10000ull         /* vm.mmap_min_addr: page 0 and friends stay unmapped */

struct mm *mm_create(void);
/* fork: a copy whose writable pages are shared copy-on-write. */
struct mm *mm_copy(struct mm *old);
/* Another user of mm (a vfork child borrowing its parent's). */
struct mm *mm_get(struct mm *mm);
void mm_put(struct mm *mm);
/* Pages mapped in mm's user half now (getrusage's resident set). */
uint64_t vm_resident_pages(struct mm *mm);

/* Adds a region [start, end) (page-aligned); -EEXIST if it overlaps one,
 * -ENOMEM.
 * *out (if not NULL) gets the new region. */
int vm_add_region(struct mm *mm, uint64_t start, uint64_t end, unsigned flags, const char *name,
		  struct vma **out);
/* The same with mm->lock held: the new region, or ERR_PTR(-EEXIST) if it
 * overlaps one, ERR_PTR(-ENOMEM). */
struct vma *vm_insert_region(struct mm *mm, uint64_t start, uint64_t end, unsigned flags, const char *name);
/* The region containing addr, or NULL (mm->lock held; O(log n)). */
struct vma *vm_find(struct mm *mm, uint64_t addr);
/* The first region ending above addr: the one containing addr, or else
 * the next one up; NULL if none (mm->lock held). Walk on with vm_next(). */
struct vma *vm_find_next(struct mm *mm, uint64_t addr);
/* The last region starting below addr, or NULL (mm->lock held). Walk
 * down with vm_prev(). */
struct vma *vm_last_below(struct mm *mm, uint64_t addr);
/* Puts v (its start and end set) into mm's list and tree (mm->lock held). */
void vm_link_region(struct mm *mm, struct vma *v);
/* Takes v out of mm's list and tree (mm->lock held). */
void vm_unlink_region(struct mm *mm, struct vma *v);
/* [start, end) became free: forgets the free-range hint if that makes a
 * gap above it (mm/mmap.c; mm->lock held). */
void vm_space_freed(struct mm *mm, uint64_t start, uint64_t end);

/* The regions after and before v in address order, or NULL. */
static inline struct vma *vm_next(struct mm *mm, struct vma *v)
{
	return v->link.next == &mm->vmas ? NULL : list_entry(v->link.next, struct vma, link);
}

static inline struct vma *vm_prev(struct mm *mm, struct vma *v)
{
	return v->link.prev == &mm->vmas ? NULL : list_entry(v->link.prev, struct vma, link);
}
/* Whether no region touches [start, end) (mm->lock held). */
bool vm_range_free(struct mm *mm, uint64_t start, uint64_t end);
/* The highest free [a, a + len) below MMAP_BASE, or 0 (mm/mmap.c;
 * mm->lock held). */
uint64_t vm_find_free_range(struct mm *mm, uint64_t len);
/* Whether regions cover all of [start, end) (mm->lock held). */
bool vm_check_mapped(struct mm *mm, uint64_t start, uint64_t end);
/* Splits the region containing addr (if any, and unless it starts there)
 * into two at addr, so that a change can apply to whole regions
 * (mm->lock held). -ENOMEM if there is no memory for the new half. */
int vm_split_at(struct mm *mm, uint64_t addr);
/* For exec, filling an address space that does not run yet: zeroes
 * [va, va + len), within one page of a writable private file mapping of
 * mm, which makes that page mm's own copy as a user write would (the
 * .bss that starts in a segment's last file page: Linux's padzero). */
int vm_zero_private(struct mm *mm, uint64_t va, uint64_t len);
/* Copies len bytes from the kernel to va in mm (mm need not be the live
 * address space), allocating zeroed pages as needed (loading programs). */
int vm_write(struct mm *mm, uint64_t va, const void *src, uint64_t len);

/* Copies up to len bytes at va of mm (not the caller's own address
 * space, maybe) into the kernel buffer buf, stopping at the first page
 * that is not there (mm/vm_read.c): the bytes copied. */
size_t vm_read(struct mm *mm, uint64_t va, void *buf, size_t len);

/* Creates the empty heap region at start (page-aligned): brk's. */
int vm_add_heap(struct mm *mm, uint64_t start);

/* A file shrank to size: its pages past the new end leave every mapping
 * (mm/file_shrink.c; takes tasklist_lock and each mm->lock). */
struct inode;
void vm_unmap_file_past(struct inode *inode, uint64_t size);
/* Drops the pages mapped in [start, end) (mm->lock held). */
void vm_unmap_pages(struct mm *mm, uint64_t start, uint64_t end);
/* Removes the regions in [start, end), splitting those that straddle an
 * end, and drops their pages (mm->lock held). */
int vm_remove_range(struct mm *mm, uint64_t start, uint64_t end);
/* Frees a region taken out of mm->vmas (its file reference too). */
void vm_free_region(struct vma *v);
/* Takes v off mm's list (mm->lock held); vm_unlock frees it once the lock
 * is released, since dropping its file may sleep (the last reference
 * closes the file and writes its inode back). */
void vm_retire_region(struct mm *mm, struct vma *v);
/* Releases mm->lock, then frees the regions retired under it. */
void vm_unlock(struct mm *mm, uint64_t irq);

/* Maps frame p (its reference passes to the page table) at va in region
 * v with the region's permissions, or read-only: then copy-on-write if
 * the region is private and writable. mm->lock held. */
struct page;
int vm_map_page(struct mm *mm, struct vma *v, uint64_t va, struct page *p, bool read_only);
/* Whether a region with flags vflags allows the access a page fault's
 * error code describes (mm/fault.c). */
bool vm_access_allowed(unsigned vflags, uint64_t error_code);
/* Makes v, a shared mapping of anonymous memory size bytes long, a
 * mapping of a new unnamed tmpfs file of that size (mm/shmem_zero.c), so
 * that processes sharing it through fork share its untouched pages too.
 * A file v->file held is left to the caller. 0 or -ENOMEM. */
int shmem_zero_setup(struct vma *v, uint64_t size);
/* Gives page (in region v) a zeroed frame; its physical address in *pa. */
int vm_map_zero_page(struct mm *mm, struct vma *v, uint64_t page, uint64_t *pa);

