/* mremap: resizing a mapping.
 *
 * mremap shrinks a mapping in place, grows it in place when the pages
 * after it are free, and otherwise (MREMAP_MAYMOVE) moves it: a new
 * region elsewhere, the page-table entries carried over as they are (the
 * same frames, still shared or copy-on-write), the old region removed.
 * Nothing is copied, which is why glibc's realloc of a big block uses it. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/err.h>
#include <linux/mman.h>
#include <fs/file.h>
#include <mm/mempolicy.h>
#include <mm/page_alloc.h>
#include <mm/vm.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/paging.h>
#include <x86/tlb.h>

/* Carries the present pages of [from, from + len) over to [to, ...),
 * entries as they are (mm->lock held). */
static int move_pages(struct mm *mm, uint64_t from, uint64_t to, uint64_t len)
{
	assert_held(&mm->lock);
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		pte_t *src = pt_walk(mm->pml4, from + off, false);
		if (!src || !(*src & PTE_PRESENT))
			continue;
		pte_t *dst = pt_walk(mm->pml4, to + off, true);
		if (!dst) {
			tlb_flush_mm_range(mm, from, from + off);
			return -ENOMEM;
		}
		*dst = *src;
		*src = 0;
	}
	/* Other threads' CPUs must stop using the old addresses. */
	tlb_flush_mm_range(mm, from, from + len);
	return 0;
}

/* The region holding all of [addr, addr + len), or NULL. */
static struct vma *single_region(struct mm *mm, uint64_t addr, uint64_t len)
{
	struct vma *v = vm_find(mm, addr);
	return v && len <= v->end - addr ? v : NULL;
}

long sys_mremap(uint64_t addr, size_t old_len, size_t new_len, int flags, uint64_t new_addr)
{
	if ((addr & (PAGE_SIZE - 1)) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL;         /* keeping the old range mapped: not supported */
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (new_len == 0 || old_len == 0)
		return -EINVAL;         /* old_len 0 duplicates a shared mapping on Linux: not here */
	/* A length beyond the whole address space is EINVAL; one that merely
	 * runs past its top cannot grow in place: ENOMEM below, as on Linux. */
	if (new_len > USER_TOP - PAGE_SIZE || addr + old_len < addr)   /* Linux: TASK_SIZE */
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && ((new_addr & (PAGE_SIZE - 1)) || new_addr + new_len > USER_TOP ||
				       (new_addr < addr + old_len && addr < new_addr + new_len)))
		return -EINVAL;

	struct mm *mm = current->mm;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	long ret;
	struct vma *v = single_region(mm, addr, old_len);
	if (!v || v == mm->heap) {
		ret = -EFAULT;
	} else if (!(flags & MREMAP_FIXED) && new_len <= old_len) {
		ret = vm_remove_range(mm, addr + new_len, addr + old_len) ?: (long)addr;
	} else if (!(flags & MREMAP_FIXED) && v->end == addr + old_len &&
		   new_len <= USER_TOP - addr && vm_range_free(mm, addr + old_len, addr + new_len)) {
		v->end = addr + new_len;        /* grow in place */
		ret = addr;
	} else if (!(flags & MREMAP_MAYMOVE)) {
		ret = -ENOMEM;
	} else {
		uint64_t to = flags & MREMAP_FIXED ? new_addr : vm_find_free_range(mm, new_len);
		ret = to ? 0 : -ENOMEM;
		if (!ret && (flags & MREMAP_FIXED))
			ret = vm_remove_range(mm, to, to + new_len);
		/* Split so that the moved part is one region of its own. */
		if (!ret)
			ret = vm_split_at(mm, addr) ?: vm_split_at(mm, addr + old_len);
		struct vma *n = NULL;
		if (!ret) {
			v = vm_find(mm, addr);
			n = vm_insert_region(mm, to, to + new_len, v->flags, v->name);
			if (IS_ERR(n))
				ret = PTR_ERR(n);
		}
		if (!ret) {
			uint64_t moved = old_len < new_len ? old_len : new_len;
			n->file = v->file;
			n->pgoff = v->pgoff;
			if (n->file)
				file_get(n->file);
			n->policy = mpol_get(v->policy);   /* mbind's policy moves too */
			ret = move_pages(mm, addr, to, moved);
			/* What is left of the old range (shrinking while moving)
			 * and the old region go, with any pages still there. */
			if (!ret)
				ret = vm_remove_range(mm, addr, addr + old_len);
			if (!ret)
				ret = to;
		}
	}
	vm_unlock(mm, irq);
	return ret;
}
