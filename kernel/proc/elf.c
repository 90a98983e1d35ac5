/* Loading a static ELF64 program (System V ABI, "Program Loading").
 *
 * The image is untrusted input: every field is checked before it is used,
 * and anything we cannot load is -ENOEXEC, never a crash. Each PT_LOAD
 * segment becomes regions of the address space with the segment's
 * permissions: from a file, its whole file pages are mapped from the file
 * (private, copy-on-write, as mmap maps them); the rest of its file bytes
 * are copied in, and the rest of its memory (memsz beyond filesz: .bss)
 * is zero. The image is either in memory (the programs built into the
 * kernel, copied whole) or a file (execve): elf_read() hides which.
 *
 * A dynamically linked program names its loader in PT_INTERP
 * (/lib64/ld-linux-x86-64.so.2). The kernel loads that too and starts
 * there; the loader finds the program through the auxiliary vector
 * (AT_PHDR, AT_ENTRY; its own base in AT_BASE), maps the shared libraries
 * itself with mmap, and jumps to the program's entry. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <linux/elf.h>
#include <linux/elf-em.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <linux/fcntl.h>
#include <linux/limits.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <proc/exec.h>
#include <x86/memlayout.h>

#define MAX_PHNUM 64
#define COPY_CHUNK (64 * 1024)      /* file bytes go to user pages through a buffer this big */
/* Where a position-independent static program (ET_DYN) is placed. */
#define PIE_BASE 0x0000555555554000ull

static bool header_ok(const Elf64_Ehdr *eh, size_t size)
{
	return size >= sizeof(*eh) &&
	       eh->e_ident[EI_MAG0] == ELFMAG0 && eh->e_ident[EI_MAG1] == ELFMAG1 &&
	       eh->e_ident[EI_MAG2] == ELFMAG2 && eh->e_ident[EI_MAG3] == ELFMAG3 &&
	       eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_ident[EI_DATA] == ELFDATA2LSB &&
	       eh->e_ident[EI_VERSION] == EV_CURRENT && eh->e_machine == EM_X86_64 &&
	       (eh->e_type == ET_EXEC || eh->e_type == ET_DYN) &&
	       eh->e_phentsize == sizeof(Elf64_Phdr) && eh->e_phnum > 0 && eh->e_phnum <= MAX_PHNUM &&
	       eh->e_phoff < size && size - eh->e_phoff >= (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
}

static bool segment_ok(const Elf64_Phdr *ph, size_t size, uint64_t base)
{
	uint64_t start = base + ph->p_vaddr;
	return ph->p_filesz <= ph->p_memsz && ph->p_offset <= size && size - ph->p_offset >= ph->p_filesz &&
	       start >= PAGE_SIZE && start + ph->p_memsz > start && start + ph->p_memsz <= USER_TOP &&
	       (ph->p_vaddr - ph->p_offset) % PAGE_SIZE == 0;
}

static unsigned region_flags(uint32_t p_flags)
{
	return (p_flags & PF_R ? VM_READ : 0) | (p_flags & PF_W ? VM_WRITE : 0) | (p_flags & PF_X ? VM_EXEC : 0);
}

/* n bytes at off of the image into buf; -ENOEXEC if the image is shorter. */
static int elf_read(const struct elf_source *src, uint64_t off, void *buf, size_t n)
{
	if (off > src->size || src->size - off < n)
		return -ENOEXEC;
	if (src->mem) {
		memcpy(buf, (const uint8_t *)src->mem + off, n);
		return 0;
	}
	ssize_t got = kernel_read(src->file, buf, n, off);
	return got < 0 ? (int)got : (size_t)got == n ? 0 : -EIO;
}

/* A segment's file bytes into mm at va, through a bounce buffer. */
static int copy_segment(struct mm *mm, const struct elf_source *src, uint64_t off, uint64_t va, uint64_t len)
{
	if (src->mem)
		return vm_write(mm, va, (const uint8_t *)src->mem + off, len);
	uint8_t *buf = kmalloc(COPY_CHUNK);
	if (!buf)
		return -ENOMEM;
	int err = 0;
	while (!err && len > 0) {
		uint64_t n = len < COPY_CHUNK ? len : COPY_CHUNK;
		err = elf_read(src, off, buf, n);
		if (!err)
			err = vm_write(mm, va, buf, n);
		off += n;
		va += n;
		len -= n;
	}
	kfree(buf);
	return err;
}

/* The lowest and highest addresses the PT_LOAD segments ask for. */
static bool load_span(const Elf64_Ehdr *eh, const Elf64_Phdr *ph, uint64_t *lo, uint64_t *hi)
{
	*lo = UINT64_MAX;
	*hi = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		if (ph[i].p_vaddr + ph[i].p_memsz < ph[i].p_vaddr)
			return false;
		if (ALIGN_DOWN(ph[i].p_vaddr, PAGE_SIZE) < *lo)
			*lo = ALIGN_DOWN(ph[i].p_vaddr, PAGE_SIZE);
		if (ph[i].p_vaddr + ph[i].p_memsz > *hi)
			*hi = ph[i].p_vaddr + ph[i].p_memsz;
	}
	return *hi != 0;
}

/* A region of [start, end) backed by pages [pgoff...] of src's file,
 * private (copy-on-write), as mmap(MAP_PRIVATE) makes them: the pages
 * come from the page cache on first touch, shared by every process that
 * runs the program, instead of being copied at each execve. 1 if the file
 * cannot be mapped that way (its kind has no page cache to map), so the
 * caller copies instead. The pages arrive through file_fault() (Exercise
 * 8): until it works, every program is copied, as before. */
static int map_from_file(struct mm *mm, const struct elf_source *src, uint64_t start, uint64_t end,
			 unsigned flags, uint64_t pgoff)
{
	// LAB 4 BEGIN(exercise 8): once file_fault() works, map the program's file pages as a private file region
	struct file *f = src->file;
	struct vma tmpl = { .flags = flags, .file = f, .pgoff = pgoff };
	if (!f->fop->mmap || f->fop->mmap(f, &tmpl) != 0 || tmpl.file != f)
		return 1;
	struct vma *v;
	int err = vm_add_region(mm, start, end, flags, "[program]", &v);
	if (err)
		return err;
	file_get(f);                /* the region's reference: file_put when it goes */
	v->file = f;                /* mm is not running yet: no lock needed to finish it */
	v->pgoff = pgoff;
	return 0;
	// LAB 4 STUB: return 1;       /* without file_fault() the pages could not arrive: copy */
	// LAB 4 END
}

/* One PT_LOAD segment at [start, start + p_memsz). From a file, every
 * page its file bytes reach is mapped from the file, as Linux maps them
 * (so /proc/PID/maps names the file for each); where .bss begins inside
 * the last of them, the rest of that page is zeroed in the process's own
 * copy.
 * The rest (.bss past the file pages, or everything for a program built
 * into the kernel, or a file that cannot be mapped) is an anonymous
 * region, its file bytes copied in; its pages arrive zeroed. */
static int load_segment(struct mm *mm, const struct elf_source *src, const Elf64_Phdr *ph, uint64_t start)
{
	uint64_t lo = ALIGN_DOWN(start, PAGE_SIZE), hi = ALIGN_UP(start + ph->p_memsz, PAGE_SIZE);
	uint64_t file_end = start + ph->p_filesz, bss_end = start + ph->p_memsz;
	unsigned flags = region_flags(ph->p_flags);
	uint64_t file_pages_end = ALIGN_UP(file_end, PAGE_SIZE);
	/* Zeroing .bss in the last file page writes it: a segment that may
	 * not be written (an odd one) gets that page copied instead. */
	if (bss_end > file_end && file_pages_end > file_end && !(ph->p_flags & PF_W))
		file_pages_end = ALIGN_DOWN(file_end, PAGE_SIZE);
	uint64_t mapped_end = lo;          /* [lo, mapped_end) from the file */
	if (src->file && file_pages_end > lo) {
		/* segment_ok: p_offset and p_vaddr agree modulo the page size. */
		int err = map_from_file(mm, src, lo, file_pages_end, flags,
					(ph->p_offset - (start - lo)) / PAGE_SIZE);
		if (err < 0)
			return err;
		if (err == 0)
			mapped_end = file_pages_end;
	}
	if (hi > mapped_end) {
		int err = vm_add_region(mm, mapped_end, hi, flags, "[program]", NULL);
		if (err)
			return err;
	}
	uint64_t copy_from = start > mapped_end ? start : mapped_end;
	if (file_end > copy_from)
		return copy_segment(mm, src, ph->p_offset + (copy_from - start), copy_from, file_end - copy_from);
	/* To the end of the page, as Linux's padzero: what follows .bss
	 * there is memory too (ld.so's first allocations, the heap). */
	if (bss_end > file_end && mapped_end > file_end)
		return vm_zero_private(mm, file_end, mapped_end - file_end);
	return 0;
}

/* Maps the PT_LOAD segments of one image (the program or its
 * interpreter) at base + p_vaddr. */
static int load_segments(struct mm *mm, const struct elf_source *src, const Elf64_Ehdr *eh,
			 const Elf64_Phdr *ph, uint64_t base, struct elf_info *info)
{
	info->entry = base + eh->e_entry;
	info->phnum = eh->e_phnum;
	info->phdr = 0;
	info->load_end = 0;

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		if (!segment_ok(&ph[i], src->size, base))
			return -ENOEXEC;
		uint64_t start = base + ph[i].p_vaddr;
		uint64_t end = start + ph[i].p_memsz;
		int err = load_segment(mm, src, &ph[i], start);
		if (err == -EEXIST)
			return -ENOEXEC;        /* overlapping segments */
		if (err)
			return err;
		/* The program headers are in memory if a segment covers them. */
		if (eh->e_phoff >= ph[i].p_offset && eh->e_phoff < ph[i].p_offset + ph[i].p_filesz)
			info->phdr = start + (eh->e_phoff - ph[i].p_offset);
		if (end > info->load_end)
			info->load_end = end;
	}
	if (!info->load_end || info->entry >= USER_TOP || !vm_find(mm, info->entry))
		return -ENOEXEC;
	return 0;
}

/* Reads and checks the ELF header and program headers of src; *ph is
 * kmalloc'ed (kfree it). */
static int read_headers(const struct elf_source *src, Elf64_Ehdr *eh, Elf64_Phdr **ph)
{
	if (elf_read(src, 0, eh, sizeof(*eh)) || !header_ok(eh, src->size))
		return -ENOEXEC;
	size_t phsize = (size_t)eh->e_phnum * sizeof(Elf64_Phdr);
	*ph = kmalloc(phsize);
	if (!*ph)
		return -ENOMEM;
	int err = elf_read(src, eh->e_phoff, *ph, phsize);
	if (err) {
		kfree(*ph);
		*ph = NULL;
	}
	return err;
}

/* The PT_INTERP path (NUL-terminated, kmalloc'ed), NULL if there is none. */
static int interpreter_path(const struct elf_source *src, const Elf64_Ehdr *eh, const Elf64_Phdr *ph,
			    char **path)
{
	*path = NULL;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_INTERP)
			continue;
		if (ph[i].p_filesz < 2 || ph[i].p_filesz > PATH_MAX)
			return -ENOEXEC;
		char *p = kmalloc(ph[i].p_filesz);
		if (!p)
			return -ENOMEM;
		int err = elf_read(src, ph[i].p_offset, p, ph[i].p_filesz);
		if (!err && (p[ph[i].p_filesz - 1] != '\0' || strlen(p) != ph[i].p_filesz - 1))
			err = -ENOEXEC;     /* exactly one NUL, at the end */
		if (err) {
			kfree(p);
			return err;
		}
		*path = p;
		return 0;
	}
	return 0;
}

/* Loads the dynamic loader named by PT_INTERP at the top of the mmap
 * area, where Linux would put it; info->base and info->start say where. */
static int load_interpreter(struct mm *mm, const char *path, struct elf_info *info)
{
	struct file *f;
	int err = exec_open(AT_FDCWD, path, 0, &f);
	if (err)
		return err;
	struct elf_source src = { .file = f, .size = f->inode->size };
	Elf64_Ehdr eh;
	Elf64_Phdr *ph = NULL;
	uint64_t lo, hi;
	err = read_headers(&src, &eh, &ph);
	if (!err && (eh.e_type != ET_DYN || !load_span(&eh, ph, &lo, &hi) || hi - lo > MMAP_BASE / 2))
		err = -ELIBBAD;         /* an interpreter must be position-independent */
	if (!err) {
		for (int i = 0; i < eh.e_phnum && !err; i++)
			if (ph[i].p_type == PT_INTERP)
				err = -ELIBBAD;     /* no interpreter of interpreters */
	}
	// LAB 4 BEGIN(exercise 7): place the loader below MMAP_BASE, load it, start there
	struct elf_info ii;
	if (!err) {
		uint64_t base = ALIGN_DOWN(MMAP_BASE - (ALIGN_UP(hi, PAGE_SIZE) - lo), PAGE_SIZE) - lo;
		err = load_segments(mm, &src, &eh, ph, base, &ii);
		if (err == -ENOEXEC)
			err = -ELIBBAD;
		info->base = base;
		info->start = ii.entry;
	}
	// LAB 4 STUB: (void)lo; (void)hi;
	// LAB 4 STUB: if (!err)
	// LAB 4 STUB: 	err = -ENOEXEC;
	// LAB 4 END
	kfree(ph);
	file_put(f);
	return err;
}

int elf_load(struct mm *mm, const struct elf_source *src, struct elf_info *info)
{
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	int err = read_headers(src, &eh, &ph);
	if (err)
		return err;
	char *interp = NULL;
	err = interpreter_path(src, &eh, ph, &interp);
	if (!err && interp && src->mem) {
		printk("kestrel: %s needs its dynamic loader: run it from the file system\n", interp);
		err = -ENOEXEC;
	}
	/* A position-independent program goes where Linux puts one
	 * (ELF_ET_DYN_BASE); without ASLR, always there. */
	uint64_t base = eh.e_type == ET_DYN ? PIE_BASE : 0;
	if (!err)
		err = load_segments(mm, src, &eh, ph, base, info);
	info->base = 0;
	info->start = info->entry;
	/* On x86_64 the stack is executable only if the program asks (no
	 * PT_GNU_STACK means a non-executable one, unlike 32-bit x86). */
	info->exec_stack = false;
	for (int i = 0; i < eh.e_phnum; i++)
		if (ph[i].p_type == PT_GNU_STACK)
			info->exec_stack = ph[i].p_flags & PF_X;
	if (!err && interp)
		err = load_interpreter(mm, interp, info);
	kfree(interp);
	kfree(ph);
	return err;
}
