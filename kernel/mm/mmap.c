/* mmap and munmap: regions of memory a program asks for.
 *
 * A mapping is a region (struct vma) and nothing else at first: its pages
 * arrive on first touch (fault.c), zeroed for anonymous memory, from the
 * page cache for a file. MAP_SHARED regions share their pages: with the
 * file (what the program writes is the file's data, seen by read()) and
 * with the children of fork. Shared anonymous memory is a file's too, an
 * unnamed tmpfs one (shmem_zero.c), or fork would not share the pages
 * nobody had touched yet. MAP_PRIVATE file pages are the file's until
 * the program writes one, which then becomes a private copy.
 *
 * Where a mapping goes: at MAP_FIXED's address (replacing what was
 * there), at the hint if that range is free, else in the highest free
 * gap below MMAP_BASE, as Linux's top-down layout does. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/err.h>
#include <linux/mman.h>
#include <asm/mman.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/mount_flags.h>
#include <mm/vm.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/paging.h>

/* The flags every Linux file mapping takes (its LEGACY_MAP_MASK, with
 * the huge page sizes); MAP_SHARED_VALIDATE refuses any other. */
#define MAP_KNOWN (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | \
		   MAP_DENYWRITE | MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_LOCKED | MAP_NORESERVE | \
		   MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT | \
		   (MAP_HUGE_MASK << MAP_HUGE_SHIFT) | MAP_FIXED_NOREPLACE)

/* The highest free [a, a + len) with a >= MMAP_MIN_ADDR and a + len <= top,
 * where top is MMAP_BASE or the start of a region; or 0. */
static uint64_t highest_gap_below(struct mm *mm, uint64_t top, uint64_t len)
{
	// LAB 4 BEGIN(exercise 9): the highest free gap of len bytes below top
	uint64_t end = top;
	for (struct vma *v = vm_last_below(mm, top); v; v = vm_prev(mm, v)) {
		if (v->end <= end && end - v->end >= len)
			return end - len;
		end = v->start;
	}
	return end >= MMAP_MIN_ADDR + len ? end - len : 0;
	// LAB 4 STUB: return 0;
	// LAB 4 END
}

/* Searching from MMAP_BASE every time walks past every mapping made so
 * far: 20,000 of them make 20,000 mmaps quadratic. So the search starts
 * where the last one ended when the gaps above could not fit len anyway
 * (mm->free_hint, as Linux's free_area_cache before 3.8). The answer is
 * the same as from MMAP_BASE. */
uint64_t vm_find_free_range(struct mm *mm, uint64_t len)
{
	assert_held(&mm->lock);
	uint64_t top = len >= mm->free_hint_len ? mm->free_hint : MMAP_BASE;
	uint64_t addr = highest_gap_below(mm, top, len);
	if (addr) {
		/* Every gap passed on the way down was shorter than len. */
		mm->free_hint = addr + len;
		mm->free_hint_len = len;
	}
	return addr;
}

void vm_space_freed(struct mm *mm, uint64_t start, uint64_t end)
{
	assert_held(&mm->lock);
	if (start < end && end > mm->free_hint) {
		mm->free_hint = MMAP_BASE;
		mm->free_hint_len = 0;
	}
}

/* Checks fd for a mapping with prot and flags: the file (referenced),
 * or an ERR_PTR. A file without mmap support is ENODEV. */
static struct file *mappable_file(int fd, unsigned long prot, unsigned long flags)
{
	struct file *f = fd_get(fd);
	if (!f)
		return ERR_PTR(-EBADF);
	bool shared = (flags & MAP_TYPE) != MAP_PRIVATE;
	int err = 0;
	if (!f->fop || !f->fop->mmap)
		err = -ENODEV;
	else if (!file_readable(f))
		err = -EACCES;
	else if (shared && (prot & PROT_WRITE) && !file_writable(f))
		err = -EACCES;
	else if ((prot & PROT_EXEC) && mount_may_exec(f))
		err = -EPERM;           /* a noexec mount (Linux's do_mmap) */
	if (err) {
		file_put(f);
		return ERR_PTR(err);
	}
	return f;
}

long sys_mmap(uint64_t addr, size_t len, unsigned long prot, unsigned long flags, int fd, uint64_t off)
{
	unsigned long type = flags & MAP_TYPE;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	/* MAP_SHARED_VALIDATE is for files (Linux: EINVAL for anonymous
	 * memory), where it refuses flags it does not know. */
	if (type == MAP_SHARED_VALIDATE && (flags & MAP_ANONYMOUS))
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN & ~MAP_TYPE))
		return -EOPNOTSUPP;
	if (len == 0 || (off & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	uint64_t size = ALIGN_UP(len, PAGE_SIZE);
	if (size < len || size > USER_TOP)
		return -ENOMEM;
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	if (fixed && (addr & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (fixed && (addr + size < addr || addr + size > USER_TOP))
		return -ENOMEM;
	if (fixed && addr < MMAP_MIN_ADDR)
		return -EPERM;

	struct file *f = NULL;
	if (!(flags & MAP_ANONYMOUS)) {
		if (off + size < off)
			return -EOVERFLOW;
		f = mappable_file(fd, prot, flags);
		if (IS_ERR(f))
			return PTR_ERR(f);
	}
	struct vma tmpl = {
		.start = 0, .end = size,        /* the length, for the file's mmap */
		.flags = (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
			 (prot & PROT_EXEC ? VM_EXEC : 0) | (type != MAP_PRIVATE ? VM_SHARED : 0),
		.name = f ? "[file]" : "[anon]",
		.file = f,
		.pgoff = off / PAGE_SIZE,
	};
	/* The file says what its mapping is (/dev/zero: anonymous memory).
	 * Shared anonymous memory is a tmpfs file's (shmem_zero.c). */
	long err = f ? f->fop->mmap(f, &tmpl) : type != MAP_PRIVATE ? shmem_zero_setup(&tmpl, size) : 0;
	if (f && tmpl.file != f)
		file_put(f);            /* it chose not to keep the file */
	if (err) {
		if (tmpl.file)
			file_put(tmpl.file);
		return err;
	}

	struct mm *mm = current->mm;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE);
	if (flags & MAP_FIXED_NOREPLACE) {
		if (!vm_range_free(mm, start, start + size))
			err = -EEXIST;
	} else if (flags & MAP_FIXED) {
		err = vm_remove_range(mm, start, start + size);
	} else if (!(start >= MMAP_MIN_ADDR && start + size > start && start + size <= USER_TOP &&
		     vm_range_free(mm, start, start + size))) {
		start = vm_find_free_range(mm, size);
		if (!start)
			err = -ENOMEM;
	}
	struct vma *v = err ? ERR_PTR(err) : vm_insert_region(mm, start, start + size, tmpl.flags, tmpl.name);
	if (IS_ERR(v)) {
		err = PTR_ERR(v);
	} else {
		v->file = tmpl.file;    /* the file reference passes to the region */
		v->pgoff = tmpl.pgoff;
		tmpl.file = NULL;
	}
	vm_unlock(mm, irq);
	if (tmpl.file)
		file_put(tmpl.file);
	return err ? err : (long)start;
}

long sys_munmap(uint64_t addr, size_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || len == 0)
		return -EINVAL;
	uint64_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	if (end < addr || end > USER_TOP)
		return -EINVAL;
	struct mm *mm = current->mm;
	uint64_t irq = spin_lock_irqsave(&mm->lock);
	long err = vm_remove_range(mm, addr, end);
	vm_unlock(mm, irq);
	return err;
}

/* msync: MS_SYNC writes the files behind the shared mappings of the range
 * back now (fsync's work: the page cache, then the file system's
 * metadata). MS_ASYNC has nothing to start, since the pages are the page
 * cache's and reach the disk at the next sync anyway; MS_INVALIDATE has
 * nothing to drop, since mappings and the cache are the same pages. */
long sys_msync(uint64_t addr, size_t len, int flags)
{
	if ((addr & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	uint64_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	if (end < addr || end > USER_TOP)
		return -ENOMEM;
	struct mm *mm = current->mm;
	/* At most one file at a time: the region list may not be walked
	 * with the lock dropped, so find the next file, sync it, repeat. */
	for (uint64_t at = addr; at < end;) {
		struct file *f = NULL;
		uint64_t irq = spin_lock_irqsave(&mm->lock);
		bool mapped = vm_check_mapped(mm, at, end);
		for (struct vma *v = vm_find_next(mm, at); v && v->start < end; v = vm_next(mm, v)) {
			at = v->end;
			if (v->file && (v->flags & VM_SHARED)) {
				f = v->file;
				file_get(f);
				break;
			}
		}
		if (!f)
			at = end;
		spin_unlock_irqrestore(&mm->lock, irq);
		if (!mapped) {
			if (f)
				file_put(f);
			return -ENOMEM;
		}
		if (f) {
			int err = (flags & MS_SYNC) && f->fop->fsync ? f->fop->fsync(f, false) : 0;
			file_put(f);
			if (err)
				return err;
		}
	}
	return 0;
}

int generic_file_mmap(struct file *f, struct vma *v)
{
	(void)f;
	(void)v;        /* the region keeps the file: pages come from its page cache */
	return 0;
}
