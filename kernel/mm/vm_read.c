/* Reading another process's memory from the kernel (Linux's
 * access_remote_vm, read-only and without faulting pages in): what
 * /proc/PID/cmdline, environ and auxv show lives in that process's
 * stack. Pages it never touched read as the end of the data. */
#include <kernel/types.h>
#include <kernel/string.h>
#include <kernel/compiler.h>
#include <mm/vm.h>
#include <x86/paging.h>
#include <x86/memlayout.h>

size_t vm_read(struct mm *mm, uint64_t va, void *buf, size_t len)
{
	uint8_t *d = buf;
	size_t done = 0;
	while (done < len) {
		uint64_t page = ALIGN_DOWN(va, PAGE_SIZE), pa;
		size_t off = va - page, n = PAGE_SIZE - off < len - done ? PAGE_SIZE - off : len - done;
		/* Under the lock: the page cannot be unmapped and freed midway. */
		uint64_t irq = spin_lock_irqsave(&mm->lock);
		bool there = vm_find(mm, page) && pt_translate(mm->pml4, page, &pa, NULL);
		if (there)
			memcpy(d + done, (uint8_t *)phys_to_virt(ALIGN_DOWN(pa, PAGE_SIZE)) + off, n);
		spin_unlock_irqrestore(&mm->lock, irq);
		if (!there)
			break;
		done += n;
		va += n;
	}
	return done;
}
