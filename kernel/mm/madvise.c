/* madvise: hints about a mapping's pages.
 *
 * madvise is advice, and most of it changes nothing here. MADV_DONTNEED
 * (and MADV_FREE, which Linux may apply lazily) drops the pages of a
 * private mapping: the next touch gets a zeroed page, or the file's data
 * again. Shared pages are kept: here they exist only in the page tables
 * (anonymous) or are the file's, so dropping them would lose or change
 * nothing the program could not see again. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/mman.h>
#include <mm/vm.h>
#include <proc/task.h>

long sys_madvise(uint64_t addr, size_t len, int advice)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	uint64_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	if (end < addr)
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTFORK: case MADV_DOFORK: case MADV_DONTDUMP: case MADV_DODUMP:
	case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_MERGEABLE: case MADV_UNMERGEABLE:
	case MADV_DONTNEED: case MADV_FREE:
		break;
	default:
		return -EINVAL;
	}
	if (end == addr)
		return 0;
	struct mm *mm = current->mm;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	long ret = vm_check_mapped(mm, addr, end) ? 0 : -ENOMEM;
	if (!ret && (advice == MADV_DONTNEED || advice == MADV_FREE)) {
		for (struct vma *v = vm_find_next(mm, addr); v && v->start < end; v = vm_next(mm, v)) {
			if (v->flags & VM_SHARED)
				continue;
			vm_unmap_pages(mm, v->start > addr ? v->start : addr, v->end < end ? v->end : end);
		}
	}
	spin_unlock_irqrestore(&mm->lock, irq);
	return ret;
}
