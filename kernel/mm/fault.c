/* Page faults that are not bugs (mm/mm.h).
 *
 * In a user address space a fault is normal in three cases:
 *   - the page is inside a region but not there yet (stack, heap): give
 *     it a zeroed frame ("demand paging" of anonymous memory);
 *   - the same in a file mapping: map the file's page from the page
 *     cache (shared), or that page read-only and copied on the first
 *     write (private);
 *   - a write to a copy-on-write page (after fork): copy the frame, or,
 *     if nobody else uses it any more, simply make it writable again.
 * Anything else — no region, or an access the region does not allow —
 * is the program's error, and the caller kills it with SIGSEGV (or, for
 * the kernel's own accesses to user memory, returns -EFAULT). A page of
 * a file mapping past the end of its file is not there either: Linux
 * sends SIGBUS (BUS_ADRERR) for it, and so does the caller here, asking
 * vm_fault_past_eof(). */
#include <kernel/types.h>
#include <kernel/string.h>
#include <kernel/compiler.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/vm.h>
#include <fs/file.h>
#include <fs/pagecache.h>
#include <proc/task.h>
#include <x86/paging.h>
#include <x86/tlb.h>
#include <x86/uaccess.h>

/* A write to a page shared copy-on-write. */
static bool break_cow(struct mm *mm, pte_t *pte, uint64_t page)
{
	// LAB 3 BEGIN(exercise 8): give the writer a page of its own
	struct page *old = phys_to_page(*pte & PTE_ADDR);
	if (__atomic_load_n(&old->refcount, __ATOMIC_ACQUIRE) == 1) {
		/* The other sharers are gone: the page is ours already. */
		*pte = (*pte & ~PTE_COW) | PTE_WRITE;
		invlpg(page);   /* our read-only entry; others retry (pte_allows) */
	} else {
		struct page *copy = alloc_page(0);
		if (!copy)
			return false;
		memcpy(page_address(copy), page_address(old), PAGE_SIZE);
		*pte = page_to_phys(copy) | ((*pte & ~PTE_ADDR & ~PTE_COW) | PTE_WRITE);
		/* Another thread's CPU may still read the old frame: it must
		 * see the copy from now on, before the old frame can go. */
		tlb_flush_mm_range(mm, page, page + PAGE_SIZE);     /* this CPU's too */
		page_put(old);
	}
	return true;
	// LAB 3 STUB: return false;
	// LAB 3 END
}

/* A missing page of a file mapping. Reading the file may sleep, so
 * mm->lock is let go meanwhile (*irq is its saved state) and the region
 * looked up again after: if it changed, the access is simply retried. */
static bool file_fault(struct mm *mm, struct vma *v, uint64_t page, bool write, uint64_t *irq)
{
	// LAB 4 BEGIN(exercise 8): map a file page: the cache's own (shared) or a copy-on-write view of it (private)
	struct file *f = v->file;
	uint64_t index = v->pgoff + (page - v->start) / PAGE_SIZE;
	bool shared = v->flags & VM_SHARED;
	file_get(f);
	spin_unlock_irqrestore(&mm->lock, *irq);
	struct page *p = pagecache_get_page(f->inode, index, shared && (v->flags & VM_WRITE), NULL);
	*irq = spin_lock_irqsave(&mm->lock);
	v = vm_find(mm, page);
	bool same = v && v->file == f && v->pgoff + (page - v->start) / PAGE_SIZE == index;
	file_put(f);
	if (IS_ERR_OR_NULL(p))      /* past the end of the file, or a read error */
		return false;
	pte_t *pte = pt_walk(mm->pml4, page, false);
	if (!same || (pte && (*pte & PTE_PRESENT))) {
		page_put(p);
		return true;
	}
	if (!shared && write) {
		/* A private page written at once: copy it now. */
		struct page *mine = alloc_page(0);
		if (mine)
			memcpy(page_address(mine), page_address(p), PAGE_SIZE);
		page_put(p);
		if (!mine)
			return false;
		p = mine;
	}
	if (vm_map_page(mm, v, page, p, !shared && !write) != 0) {
		page_put(p);
		return false;
	}
	return true;
	// LAB 4 STUB: return false;
	// LAB 4 END
}

bool vm_access_allowed(unsigned vflags, uint64_t error_code)
{
	if ((error_code & PF_WRITE) && !(vflags & VM_WRITE))
		return false;
	if ((error_code & PF_FETCH) && !(vflags & VM_EXEC))
		return false;
	return vflags & (VM_READ | VM_WRITE | VM_EXEC);
}

bool vm_fault_past_eof(uint64_t addr, uint64_t error_code)
{
	struct mm *mm = current ? current->mm : NULL;
	if (addr >= USER_TOP || !mm)
		return false;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	struct vma *v = vm_find(mm, addr);
	bool past = false;
	if (v && v->file && vm_access_allowed(v->flags, error_code)) {
		uint64_t index = v->pgoff + (ALIGN_DOWN(addr, PAGE_SIZE) - v->start) / PAGE_SIZE;
		/* Without the inode lock: a truncate racing with the fault could
		 * go either way on Linux too. */
		uint64_t size = READ_ONCE(v->file->inode->size);
		past = index >= (size + PAGE_SIZE - 1) / PAGE_SIZE;
	}
	spin_unlock_irqrestore(&mm->lock, irq);
	return past;
}

/* Whether the entry itself allows the access (then the fault came from a
 * stale translation in this CPU's TLB). */
static bool pte_allows(pte_t e, uint64_t error_code)
{
	if ((error_code & PF_WRITE) && !(e & PTE_WRITE))
		return false;
	if ((error_code & PF_USER) && !(e & PTE_USER))
		return false;
	return !((error_code & PF_FETCH) && (e & PTE_NX));
}

/* Resolves a fault at page of mm (error_code as the CPU gives it). */
static bool resolve(struct mm *mm, uint64_t page, uint64_t error_code)
{
	bool ok = false;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	struct vma *v = vm_find(mm, page);
	if (!v)
		goto out;
	if (!vm_access_allowed(v->flags, error_code))
		goto out;
	pte_t *pte = pt_walk(mm->pml4, page, false);
	if ((!pte || !(*pte & PTE_PRESENT)) && v->file)
		/* A file page takes its inode's lock: not while the caller
		 * holds one (file_faults_off); it faults in and retries. */
		ok = !current->file_faults_off && file_fault(mm, v, page, error_code & PF_WRITE, &irq);
	else if (!pte || !(*pte & PTE_PRESENT))
		ok = vm_map_zero_page(mm, v, page, NULL) == 0;
	else if ((error_code & PF_WRITE) && (*pte & PTE_COW))
		ok = break_cow(mm, pte, page);
	else if (!(error_code & PF_PRESENT))
		ok = true;      /* another thread mapped it meanwhile: retry */
	else if (pte_allows(*pte, error_code)) {
		/* Another thread made it writable meanwhile (a copy-on-write
		 * break that needed no copy): our TLB held the read-only
		 * entry. Drop it and retry.
		 * fork in a threaded process makes this common: mm_copy
		 * write-protects every writable page and shoots down all CPUs,
		 * so the other threads' CPUs reload the read-only entries as
		 * they read. The child exits at once, the frames go back to one
		 * user, and the first thread to write a page takes it over by
		 * making the entry writable, an added right, so no shootdown.
		 * A thread on another CPU that still holds the read-only entry
		 * then write-faults on a present, writable entry without
		 * PTE_COW. Without this case that fault was taken for a real
		 * protection error: SIGSEGV, "writing ... (not allowed)", which
		 * killed the process (test smp-fork-race-4cpu). */
		invlpg(page);
		ok = true;
	}
out:
	spin_unlock_irqrestore(&mm->lock, irq);
	return ok;
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
	bool ok = resolve(current->mm, ALIGN_DOWN(addr, PAGE_SIZE), error_code);
	if (ok)
		current->minflt++;      /* getrusage's ru_minflt */
	return ok;
}

int vm_zero_private(struct mm *mm, uint64_t va, uint64_t len)
{
	uint64_t page = ALIGN_DOWN(va, PAGE_SIZE), pa;
	if (len == 0)
		return 0;
	if (va + len > page + PAGE_SIZE || !resolve(mm, page, PF_USER | PF_WRITE) ||
	    !pt_translate(mm->pml4, page, &pa, NULL))
		return -EFAULT;
	memset((uint8_t *)phys_to_virt(ALIGN_DOWN(pa, PAGE_SIZE)) + (va - page), 0, len);
	return 0;
}

bool vm_fault_in(uint64_t addr, bool write)
{
	if (addr >= USER_TOP || !current->mm)
		return false;
	/* As a not-present fault: a page already there is left alone,
	 * except that a write breaks its copy-on-write sharing. */
	return resolve(current->mm, ALIGN_DOWN(addr, PAGE_SIZE), PF_USER | (write ? PF_WRITE : 0));
}
