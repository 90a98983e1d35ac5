/* Memory figures of a process for stat, statm and status: its regions'
 * sizes by kind, and the pages it has in memory. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/vm.h>
#include <fs/file.h>
#include <proc/task.h>
#include "proc.h"

int proc_mm_info(const struct pseudo_ctx *ctx, struct proc_mm_info *m)
{
	*m = (struct proc_mm_info){ 0 };
	struct mm *mm;
	int err = proc_task_mm(ctx, &mm);
	if (err || !mm)
		return err;         /* a zombie or kernel thread: all zero */
	m->has_mm = true;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	struct vma *v;
	list_for_each_entry(v, &mm->vmas, link) {
		uint64_t size = v->end - v->start;
		m->vsize += size;
		if (v->name && !strcmp(v->name, "[stack]")) {
			m->stack += size;
		} else if ((v->flags & (VM_WRITE | VM_SHARED)) == VM_WRITE) {
			m->data += size;        /* Linux's VmData: private writable */
		} else if (v->flags & VM_EXEC) {
			m->exec += size;
		}
	}
	m->start_brk = mm->brk_start;
	m->brk = mm->brk;
	m->arg_start = mm->arg_start;
	m->arg_end = mm->arg_end;
	m->env_start = mm->env_start;
	m->env_end = mm->env_end;
	m->start_stack = mm->start_stack;
	m->start_code = mm->start_code;
	m->end_code = mm->end_code;
	m->start_data = mm->start_data;
	m->end_data = mm->end_data;
	spin_unlock_irqrestore(&mm->lock, irq);
	m->resident = vm_resident_pages(mm);
	mm_put(mm);
	return 0;
}
