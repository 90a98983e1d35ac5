/* Page faults that are not bugs (mm/mm.h).
 *
 * In a user address space a fault is normal in two cases:
 *   - the page is inside a region but not there yet (stack, heap): give
 *     it a zeroed frame ("demand paging" of anonymous memory);
 *   - a write to a copy-on-write page (after fork): copy the frame, or,
 *     if nobody else uses it any more, simply make it writable again.
 * Anything else — no region, or an access the region does not allow —
 * is the program's error, and the caller kills it with SIGSEGV (or, for
 * the kernel's own accesses to user memory, returns -EFAULT). */
#include <kernel/types.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/vm.h>
#include <proc/task.h>
#include <x86/paging.h>
#include <x86/uaccess.h>

/* A write to a page shared copy-on-write. */
static bool break_cow(pte_t *pte, uint64_t page)
{
	// LAB 3 BEGIN(exercise 8): give the writer a page of its own
	struct page *old = phys_to_page(*pte & PTE_ADDR);
	if (__atomic_load_n(&old->refcount, __ATOMIC_ACQUIRE) == 1) {
		/* The other sharers are gone: the page is ours already. */
		*pte = (*pte & ~PTE_COW) | PTE_WRITE;
	} else {
		struct page *copy = alloc_page(0);
		if (!copy)
			return false;
		memcpy(page_address(copy), page_address(old), PAGE_SIZE);
		*pte = page_to_phys(copy) | ((*pte & ~PTE_ADDR & ~PTE_COW) | PTE_WRITE);
		page_put(old);
	}
	invlpg(page);
	return true;
	// LAB 3 STUB: (void)pte; (void)page;
	// LAB 3 STUB: return false;
	// LAB 3 END
}

bool vm_handle_fault(uint64_t addr, uint64_t error_code, struct trap_frame *tf)
{
	if (addr >= USER_TOP || !current || !current->mm)
		return false;
	/* The kernel touches user memory only in the uaccess routines; a
	 * fault anywhere else at a user address is a kernel bug. */
	if (!(error_code & PF_USER) && !uaccess_fixup_address(tf->rip))
		return false;
	if (error_code & PF_RSVD)
		return false;
	struct mm *mm = current->mm;
	uint64_t page = ALIGN_DOWN(addr, PAGE_SIZE);
	bool ok = false;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	struct vma *v = vm_find(mm, addr);
	if (!v)
		goto out;
	if ((error_code & PF_WRITE) && !(v->flags & VM_WRITE))
		goto out;
	if ((error_code & PF_FETCH) && !(v->flags & VM_EXEC))
		goto out;
	if (!(v->flags & (VM_READ | VM_WRITE | VM_EXEC)))
		goto out;
	pte_t *pte = pt_walk(mm->pml4, page, false);
	if (!pte || !(*pte & PTE_PRESENT))
		ok = vm_map_zero_page(mm, v, page, NULL) == 0;
	else if ((error_code & PF_WRITE) && (*pte & PTE_COW))
		ok = break_cow(pte, page);
	else if (!(error_code & PF_PRESENT))
		ok = true;      /* another thread mapped it meanwhile: retry */
out:
	spin_unlock_irqrestore(&mm->lock, irq);
	return ok;
}
