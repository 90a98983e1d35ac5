/* A file cut short under its mappings (truncate): the pages past the new
 * end of file leave every address space that maps them, shared pages and
 * private copies alike, as Linux's truncate_pagecache does. The next
 * touch faults, finds no page of the file there, and the process gets
 * SIGBUS (trap.c); a page the file grows back into reads as zeroes. */
#include <kernel/types.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <mm/vm.h>
#include <proc/task.h>

/* The part of v that maps file pages from index `first` on. */
static void unmap_from_index(struct mm *mm, struct vma *v, uint64_t first)
{
	uint64_t start = v->start;
	if (first > v->pgoff) {
		if (first - v->pgoff >= (v->end - v->start) / PAGE_SIZE)
			return;
		start += (first - v->pgoff) * PAGE_SIZE;
	}
	vm_unmap_pages(mm, start, v->end);
}

void vm_unmap_file_past(struct inode *inode, uint64_t size)
{
	uint64_t first = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	/* tasklist_lock keeps each task's mm (exec and exit swap it under
	 * this lock); threads sharing one are visited again, harmlessly. */
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	struct task *t;
	list_for_each_entry(t, &all_tasks, all_link) {
		struct mm *mm = t->mm;
		if (!mm)
			continue;
		uint64_t irq = spin_lock_irqsave(&mm->lock);
		struct vma *v;
		list_for_each_entry(v, &mm->vmas, link)
			if (v->file && v->file->inode == inode)
				unmap_from_index(mm, v, first);
		spin_unlock_irqrestore(&mm->lock, irq);
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
}
