/* brk: the end of the heap, the region right after the program's data.
 * Growing it extends the heap region (pages arrive on first touch);
 * shrinking gives pages back. The answer is always the break now in
 * effect: a failed request returns the old one, as Linux's brk does. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <mm/page_alloc.h>
#include <mm/vm.h>
#include <proc/task.h>
#include <syscall/syscalls.h>

int vm_add_heap(struct mm *mm, uint64_t start)
{
	int err = vm_add_region(mm, start, start, VM_READ | VM_WRITE, "[heap]", &mm->heap);
	if (!err)
		mm->brk_start = mm->brk = start;
	return err;
}

long sys_brk(uint64_t addr)
{
	struct mm *mm = current->mm;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	struct vma *heap = mm->heap;
	if (!heap || addr < mm->brk_start || addr >= USER_TOP)
		goto out;
	uint64_t new_end = ALIGN_UP(addr, PAGE_SIZE);
	if (new_end > heap->end) {
		/* The next region (the stack, say) must stay clear. */
		struct vma *next = vm_next(mm, heap);
		if (next && next->start < new_end)
			goto out;
	} else if (new_end < heap->end) {
		vm_unmap_pages(mm, new_end, heap->end);
		vm_space_freed(mm, new_end, heap->end);
	}
	heap->end = new_end;
	mm->brk = addr;
out:
	addr = mm->brk;
	spin_unlock_irqrestore(&mm->lock, irq);
	return addr;
}
