/* mprotect: change the permissions of a range of the address space.
 *
 * The range must be mapped entirely (else ENOMEM, and nothing changes).
 * Regions that straddle its ends are split first, so the new permissions
 * apply to whole regions; then the page-table entries of the pages
 * already present are rewritten. A copy-on-write page stays read-only
 * even in a region that becomes writable: the next write still has to
 * copy it (fault.c). glibc's loader calls this after relocation to make
 * its data read-only ("RELRO"). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/mman.h>
#include <fs/mount_flags.h>
#include <mm/vm.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/paging.h>
#include <x86/tlb.h>

static unsigned prot_to_flags(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* Whether entry `to` allows less than `from` (a stale `from` in some TLB
 * would then allow what is no longer allowed). */
static bool loses_rights(pte_t from, pte_t to)
{
	return ((from & PTE_WRITE) && !(to & PTE_WRITE)) || ((from & PTE_USER) && !(to & PTE_USER)) ||
	       (!(from & PTE_NX) && (to & PTE_NX));
}

/* Rewrites the present pages of [start, end) for the region flags;
 * whether any of them lost a right. */
static bool reprotect_pages(struct mm *mm, uint64_t start, uint64_t end, unsigned flags)
{
	bool lost = false;
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		pte_t *pte = pt_walk(mm->pml4, va, false);
		if (!pte || !(*pte & PTE_PRESENT))
			continue;
		/* PROT_NONE: the frame stays, but user mode may not touch it
		 * (the kernel's own accesses through uaccess still can). */
		bool was_writable = *pte & PTE_WRITE;
		pte_t e = *pte & ~(PTE_WRITE | PTE_NX | PTE_USER);
		if (flags & (VM_READ | VM_WRITE | VM_EXEC))
			e |= PTE_USER;
		/* A private page that was read-only may be someone else's too:
		 * a file's page-cache page, or a frame shared after fork. It
		 * becomes copy-on-write, never writable in place (break_cow
		 * takes it over without copying if nobody else has it). */
		if ((flags & VM_WRITE) && ((e & PTE_SHARED) || (was_writable && !(e & PTE_COW))))
			e |= PTE_WRITE;
		else if (flags & VM_WRITE)
			e |= PTE_COW;
		if (!(flags & VM_EXEC))
			e |= PTE_NX & pte_supported;
		lost |= loses_rights(*pte, e);
		*pte = e;
	}
	return lost;
}

/* A file mapping from a noexec mount never becomes executable (Linux:
 * no VM_MAYEXEC): -EACCES. mm->lock held. */
static long may_exec_range(struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct vma *v = vm_find_next(mm, start); v && v->start < end; v = vm_next(mm, v))
		if (v->file && mount_may_exec(v->file))
			return -EACCES;
	return 0;
}

long sys_mprotect(uint64_t start, size_t len, unsigned long prot)
{
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;         /* PROT_GROWSDOWN/UP: no growing regions here */
	uint64_t end = start + ALIGN_UP(len, PAGE_SIZE);
	if (end < start || end > USER_TOP)
		return -ENOMEM;
	if (end == start)
		return 0;
	struct mm *mm = current->mm;
	unsigned flags = prot_to_flags(prot);
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	long err = vm_check_mapped(mm, start, end) ? 0 : -ENOMEM;
	if (!err && (prot & PROT_EXEC))
		err = may_exec_range(mm, start, end);
	if (!err)
		err = vm_split_at(mm, start) ?: vm_split_at(mm, end);
	if (!err) {
		for (struct vma *v = vm_find_next(mm, start); v && v->start < end; v = vm_next(mm, v))
			if (v->start >= start && v->end <= end)
				v->flags = flags;
		/* Rights taken away: every CPU running mm must forget the old
		 * entries. Rights added need nothing: a stale entry only
		 * causes a fault that finds the page fine (fault.c). */
		if (reprotect_pages(mm, start, end, flags))
			tlb_flush_mm_range(mm, start, end);
	}
	spin_unlock_irqrestore(&mm->lock, irq);
	return err;
}
