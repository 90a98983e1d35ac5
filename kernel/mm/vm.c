/* User address spaces (mm/vm.h): regions, fork's copy-on-write copy,
 * tearing down, and writing into a new program's memory. The page-fault
 * side is in fault.c, brk in brk.c. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/err.h>
#include <kernel/string.h>
#include <kernel/panic.h>
#include <mm/kmalloc.h>
#include <mm/mempolicy.h>
#include <mm/page_alloc.h>
#include <mm/vm.h>
#include <fs/file.h>
#include <x86/paging.h>
#include <x86/tlb.h>

static pte_t *table_at(pte_t e) { return phys_to_virt(e & PTE_ADDR); }

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	mm->pml4 = pt_create();
	if (!mm->pml4) {
		kfree(mm);
		return NULL;
	}
	mm->refcount = 1;
	spin_lock_init(&mm->lock, "mm");
	list_init(&mm->vmas);
	list_init(&mm->retired);
	mm->free_hint = MMAP_BASE;  /* no hint yet: search from the top */
	return mm;
}

/* Drops the frames mapped in a user page table at `level` and below. */
static void put_user_pages(pte_t *table, int level)
{
	for (int i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table[i];
		if (!(e & PTE_PRESENT))
			continue;
		if (level == 1)
			page_put(phys_to_page(e & PTE_ADDR));
		else
			put_user_pages(table_at(e), level - 1);
	}
}

/* Frames mapped in a user page table at `level` and below. */
static uint64_t count_user_pages(pte_t *table, int level)
{
	uint64_t n = 0;
	for (int i = 0; i < PT_ENTRIES; i++)
		if (table[i] & PTE_PRESENT)
			n += level == 1 ? 1 : count_user_pages(table_at(table[i]), level - 1);
	return n;
}

uint64_t vm_resident_pages(struct mm *mm)
{
	uint64_t n = 0;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	for (int i = 0; i < PT_ENTRIES / 2; i++)
		if (mm->pml4[i] & PTE_PRESENT)
			n += count_user_pages(table_at(mm->pml4[i]), PT_LEVELS - 1);
	spin_unlock_irqrestore(&mm->lock, irq);
	return n;
}

struct mm *mm_get(struct mm *mm)
{
	__atomic_add_fetch(&mm->refcount, 1, __ATOMIC_RELAXED);
	return mm;
}

void mm_put(struct mm *mm)
{
	if (!mm || __atomic_sub_fetch(&mm->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (int i = 0; i < PT_ENTRIES / 2; i++)
		if (mm->pml4[i] & PTE_PRESENT)
			put_user_pages(table_at(mm->pml4[i]), PT_LEVELS - 1);
	pt_destroy(mm->pml4);
	struct vma *v, *tmp;
	list_for_each_entry_safe(v, tmp, &mm->vmas, link)
		vm_free_region(v);
	file_put(mm->exe_file);
	kfree(mm);
}

/* --- regions --------------------------------------------------------------- */

struct vma *vm_insert_region(struct mm *mm, uint64_t start, uint64_t end, unsigned flags, const char *name)
{
	if (!vm_range_free(mm, start, end))
		return ERR_PTR(-EEXIST);
	struct vma *n = kzalloc(sizeof(*n));
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->start = start;
	n->end = end;
	n->flags = flags;
	n->name = name;
	vm_link_region(mm, n);
	return n;
}

int vm_add_region(struct mm *mm, uint64_t start, uint64_t end, unsigned flags, const char *name,
		  struct vma **out)
{
	if ((start | end) & (PAGE_SIZE - 1) || start > end || end > USER_TOP)
		return -EINVAL;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	struct vma *v = vm_insert_region(mm, start, end, flags, name);
	spin_unlock_irqrestore(&mm->lock, irq);
	if (IS_ERR(v))
		return PTR_ERR(v);
	if (out)
		*out = v;
	return 0;
}

/* Only the first region ending above start can overlap: the next ones
 * start after it ends. (An empty region, the heap, ends above start only
 * if it lies above it.) Not asserting mm->lock: a new mm is filled before
 * anyone else sees it. */
bool vm_range_free(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v = vm_find_next(mm, start);
	return !v || v->start >= end;
}

bool vm_check_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
	assert_held(&mm->lock);
	for (struct vma *v = vm_find_next(mm, start); v; v = vm_next(mm, v)) {
		if (v->start == v->end)
			continue;
		if (v->start > start)
			return false;       /* a hole before v */
		start = v->end;
		if (start >= end)
			return true;
	}
	return false;
}

int vm_split_at(struct mm *mm, uint64_t addr)
{
	assert_held(&mm->lock);
	struct vma *v = vm_find(mm, addr);
	if (!v || v->start == addr)
		return 0;
	struct vma *n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *v;
	n->start = addr;
	mpol_get(n->policy);
	if (n->file) {
		file_get(n->file);
		n->pgoff += (addr - v->start) / PAGE_SIZE;
	}
	v->end = addr;
	vm_link_region(mm, n);
	return 0;
}

void vm_free_region(struct vma *v)
{
	if (v->file)
		file_put(v->file);
	mpol_put(v->policy);
	kfree(v);
}

void vm_retire_region(struct mm *mm, struct vma *v)
{
	assert_held(&mm->lock);
	vm_unlink_region(mm, v);
	list_add_tail(&v->link, &mm->retired);
}

void vm_unlock(struct mm *mm, uint64_t irq)
{
	/* Ours to free, off mm's list: another thread may retire more. */
	struct list_head retired;
	list_init(&retired);
	while (!list_empty(&mm->retired)) {
		struct vma *v = list_first_entry(&mm->retired, struct vma, link);
		list_del(&v->link);
		list_add_tail(&v->link, &retired);
	}
	spin_unlock_irqrestore(&mm->lock, irq);
	while (!list_empty(&retired)) {
		struct vma *v = list_first_entry(&retired, struct vma, link);
		list_del(&v->link);
		vm_free_region(v);
	}
}

/* Frames unmapped but not yet freed: another CPU may still reach them
 * through its TLB until the shootdown is over (Linux's mmu_gather). */
#define UNMAP_BATCH 32

static void flush_and_put(struct mm *mm, uint64_t start, uint64_t end, struct page **pages, int n)
{
	if (n == 0)
		return;     /* nothing was mapped: no CPU can cache it */
	tlb_flush_mm_range(mm, start, end);
	while (n > 0)
		page_put(pages[--n]);
}

void vm_unmap_pages(struct mm *mm, uint64_t start, uint64_t end)
{
	assert_held(&mm->lock);
	struct page *pages[UNMAP_BATCH];
	int n = 0;
	uint64_t from = start;
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t pa;
		if (pt_unmap(mm->pml4, va, &pa) == 0)
			pages[n++] = phys_to_page(pa);
		if (n == UNMAP_BATCH) {
			flush_and_put(mm, from, va + PAGE_SIZE, pages, n);
			n = 0;
			from = va + PAGE_SIZE;
		}
	}
	flush_and_put(mm, from, end, pages, n);
}

int vm_remove_range(struct mm *mm, uint64_t start, uint64_t end)
{
	assert_held(&mm->lock);
	vm_space_freed(mm, start, end);
	// LAB 4 BEGIN(exercise 10): take [start, end) out of the address space (munmap, MAP_FIXED)
	int err = vm_split_at(mm, start) ?: vm_split_at(mm, end);
	if (err)
		return err;
	struct vma *v, *next;
	for (v = vm_find_next(mm, start); v && v->start < end; v = next) {
		next = vm_next(mm, v);  /* before v leaves the list */
		if (v->start < start || v->end > end || v->start == v->end)
			continue;
		vm_unmap_pages(mm, v->start, v->end);
		if (v == mm->heap) {
			v->end = v->start;      /* brk's region stays, empty */
			continue;
		}
		vm_retire_region(mm, v);
	}
	/* The break never points past its region. */
	if (mm->heap && mm->brk > mm->heap->end)
		mm->brk = mm->heap->end > mm->brk_start ? mm->heap->end : mm->brk_start;
	return 0;
	// LAB 4 STUB: return -ENOSYS;
	// LAB 4 END
}

/* --- loading --------------------------------------------------------------- */

/* The page-table bits for a region's pages. */
static uint64_t pte_flags(unsigned flags)
{
	return PTE_USER | (flags & VM_WRITE ? PTE_WRITE : 0) | (flags & VM_EXEC ? 0 : PTE_NX);
}

int vm_map_page(struct mm *mm, struct vma *v, uint64_t va, struct page *p, bool read_only)
{
	uint64_t flags = pte_flags(v->flags);
	if (read_only)
		flags &= ~PTE_WRITE;
	if (pt_map(mm->pml4, va, page_to_phys(p), flags) != 0)
		return -ENOMEM;
	/* Software bits, which pt_map leaves out: a shared mapping's page
	 * stays shared across fork; a private page mapped read-only in a
	 * writable region is copied on the first write. */
	pte_t *pte = pt_walk(mm->pml4, va, false);
	if (v->flags & VM_SHARED)
		*pte |= PTE_SHARED;
	else if (read_only && (v->flags & VM_WRITE))
		*pte |= PTE_COW;
	return 0;
}

int vm_map_zero_page(struct mm *mm, struct vma *v, uint64_t page, uint64_t *pa)
{
	struct page *p = alloc_page(ALLOC_ZERO);
	if (!p)
		return -ENOMEM;
	if (vm_map_page(mm, v, page, p, false) != 0) {
		page_put(p);
		return -ENOMEM;
	}
	if (pa)
		*pa = page_to_phys(p);
	return 0;
}

int vm_write(struct mm *mm, uint64_t va, const void *src, uint64_t len)
{
	const uint8_t *s = src;
	while (len > 0) {
		uint64_t page = ALIGN_DOWN(va, PAGE_SIZE);
		struct vma *v = vm_find(mm, page);
		if (!v)
			return -EFAULT;
		uint64_t pa;
		if (!pt_translate(mm->pml4, page, &pa, NULL)) {
			int err = vm_map_zero_page(mm, v, page, &pa);
			if (err)
				return err;
		}
		uint64_t off = va - page, n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
		memcpy((uint8_t *)phys_to_virt(ALIGN_DOWN(pa, PAGE_SIZE)) + off, s, n);
		va += n;
		len -= n;
		s += n;
	}
	return 0;
}

/* --- fork ------------------------------------------------------------------- */

/* Copies one user page table (at `level`) of the parent into the child's.
 * Leaf entries are shared, not copied: both point at the same frame, one
 * more reference on it, and a writable page becomes read-only + PTE_COW
 * in *both*, so whichever writes first gets its own copy (fault.c). */
static int copy_table(pte_t *src, pte_t *dst, int level)
{
	for (int i = 0; i < PT_ENTRIES; i++) {
		pte_t e = src[i];
		if (!(e & PTE_PRESENT))
			continue;
		if (level > 1) {
			struct page *p = alloc_page(ALLOC_ZERO);
			if (!p)
				return -ENOMEM;
			dst[i] = page_to_phys(p) | PTE_PRESENT | PTE_WRITE | PTE_USER;
			int err = copy_table(table_at(e), page_address(p), level - 1);
			if (err)
				return err;
			continue;
		}
		// LAB 3 BEGIN(exercise 7): share the frame copy-on-write
		if ((e & PTE_WRITE) && !(e & PTE_SHARED)) {
			e = (e & ~PTE_WRITE) | PTE_COW;
			src[i] = e;
		}
		page_get(phys_to_page(e & PTE_ADDR));
		dst[i] = e;
		// LAB 3 STUB: return -ENOSYS;
		// LAB 3 END
	}
	return 0;
}

/* What /proc shows of where execve put things goes with fork. */
static void mm_copy_layout(struct mm *mm, const struct mm *old)
{
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	mm->auxv_start = old->auxv_start;
	mm->start_stack = old->start_stack;
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->exe_file = old->exe_file;
	if (mm->exe_file)
		file_get(mm->exe_file);
}

struct mm *mm_copy(struct mm *old)
{
	struct mm *mm = mm_create();
	if (!mm)
		return NULL;
	uint64_t irq = spin_lock_irqsave(&old->lock);
	int err = 0;
	struct vma *v;
	list_for_each_entry(v, &old->vmas, link) {
		struct vma *n = vm_insert_region(mm, v->start, v->end, v->flags, v->name);
		if (IS_ERR(n)) {
			err = PTR_ERR(n);
			break;
		}
		n->file = v->file;
		n->pgoff = v->pgoff;
		if (n->file)
			file_get(n->file);
		n->policy = mpol_get(v->policy);
		if (v == old->heap)
			mm->heap = n;
	}
	for (int i = 0; !err && i < PT_ENTRIES / 2; i++) {
		if (!(old->pml4[i] & PTE_PRESENT))
			continue;
		struct page *p = alloc_page(ALLOC_ZERO);
		if (!p) {
			err = -ENOMEM;
			break;
		}
		mm->pml4[i] = page_to_phys(p) | PTE_PRESENT | PTE_WRITE | PTE_USER;
		err = copy_table(table_at(old->pml4[i]), page_address(p), PT_LEVELS - 1);
	}
	mm->brk_start = old->brk_start;
	mm->brk = old->brk;
	mm_copy_layout(mm, old);
	/* The parent's writable pages just became read-only: every CPU
	 * running one of its threads must drop the writable translations,
	 * or a thread's writes would reach the frames the child now shares. */
	tlb_flush_mm(old);
	spin_unlock_irqrestore(&old->lock, irq);
	if (err) {
		mm_put(mm);
		return NULL;
	}
	return mm;
}
