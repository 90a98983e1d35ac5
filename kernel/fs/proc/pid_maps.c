/* /proc/PID/maps: one line per region of the address space, as Linux
 * 6.1's show_map_vma prints it:
 *
 *   start-end perms offset major:minor inode   name
 *   00400000-00401000 r-xp 00000000 fe:00 1234     /usr/bin/prog
 *
 * The regions are copied under mm->lock (a spinlock), each with a
 * reference on its file, and printed after it: printing a path may
 * sleep. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <linux/magic.h>
#include <mm/vm.h>
#include <mm/kmalloc.h>
#include <x86/memlayout.h>
#include <proc/task.h>
#include <fs/file.h>
#include "proc.h"

struct region {
	uint64_t start, end, pgoff;
	unsigned flags;
	struct file *file;          /* referenced, or NULL */
	const char *name;           /* "[stack]"..., or NULL */
};

/* The names Linux gives regions without a file. */
static const char *region_name(struct mm *mm, struct vma *v)
{
	if (v == mm->heap)
		return "[heap]";
	if (v->name && (!strcmp(v->name, "[stack]") || !strcmp(v->name, "[vdso]") ||
			!strcmp(v->name, "[vvar]")))
		return v->name;
	return NULL;
}

/* Copies up to max regions (the non-empty ones); returns how many there
 * are, which is more than max if they did not all fit. */
static size_t copy_regions(struct mm *mm, struct region *r, size_t max)
{
	size_t n = 0;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	struct vma *v;
	list_for_each_entry(v, &mm->vmas, link) {
		if (v->start == v->end)
			continue;       /* the heap before the first brk */
		if (n < max) {
			r[n] = (struct region){ v->start, v->end, v->pgoff, v->flags, v->file,
						region_name(mm, v) };
			if (v->file)
				file_get(v->file);
		}
		n++;
	}
	spin_unlock_irqrestore(&mm->lock, irq);
	return n;
}

static void put_regions(struct region *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		file_put(r[i].file);
}

/* The name column: the file's path, or the region's own name. */
static void print_name(struct pbuf *b, const struct region *r)
{
	struct file *f = r->file;
	if (f && !f->dentry && f->inode->sb->magic == TMPFS_MAGIC && f->fop == &generic_file_ops)
		pbuf_printf(b, "/dev/zero (deleted)");  /* shared anonymous memory */
	else if (f)
		proc_print_file(b, f);
	else if (r->name)
		pbuf_printf(b, "%s", r->name);
}

static void print_region(struct pbuf *b, const struct region *r)
{
	// LAB 7 BEGIN(exercise 3): one line of maps
	struct inode *inode = r->file ? r->file->inode : NULL;
	dev_t dev = inode ? inode->sb->dev : 0;
	size_t line_start = b->len;
	pbuf_printf(b, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", r->start, r->end,
		    r->flags & VM_READ ? 'r' : '-', r->flags & VM_WRITE ? 'w' : '-',
		    r->flags & VM_EXEC ? 'x' : '-', r->flags & VM_SHARED ? 's' : 'p',
		    r->file ? r->pgoff * PAGE_SIZE : 0, MAJOR(dev), MINOR(dev), inode ? inode->ino : 0);
	if (r->file || r->name) {
		/* Linux pads the name to column 73 (seq_pad). */
		while (b->len - line_start < 72 && !b->overflow)
			pbuf_putc(b, ' ');
		pbuf_putc(b, ' ');
		print_name(b, r);
	}
	pbuf_putc(b, '\n');
	// LAB 7 STUB: (void)b;
	// LAB 7 STUB: (void)r;
	// LAB 7 STUB: (void)print_name;
	// LAB 7 END
}

int proc_pid_maps(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct mm *mm;
	int err = proc_task_mm(ctx, &mm);
	if (err || !mm)
		return err;
	size_t max = 64, n;
	struct region *r;
	for (;;) {
		r = kmalloc(max * sizeof(*r));
		if (!r) {
			mm_put(mm);
			return -ENOMEM;
		}
		n = copy_regions(mm, r, max);
		if (n <= max)
			break;
		put_regions(r, max);
		kfree(r);
		max = n + 16;
	}
	mm_put(mm);
	for (size_t i = 0; i < n; i++)
		print_region(b, &r[i]);
	put_regions(r, n);
	kfree(r);
	return 0;
}
