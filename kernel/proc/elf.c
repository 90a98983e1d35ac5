/* Loading a static ELF64 program (System V ABI, "Program Loading").
 *
 * The image is untrusted input: every field is checked before it is used,
 * and anything we cannot load is -ENOEXEC, never a crash. Each PT_LOAD
 * segment becomes a region of the address space with the segment's
 * permissions; its file bytes are copied in and the rest of its memory
 * (memsz beyond filesz: .bss) is zero. The image is either in memory (the
 * programs built into the kernel) or a file (execve): elf_read() hides
 * which. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <linux/elf.h>
#include <linux/elf-em.h>
#include <fs/fs.h>
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

static int load_segments(struct mm *mm, const struct elf_source *src, const Elf64_Ehdr *eh,
			 const Elf64_Phdr *ph, struct elf_info *info)
{
	uint64_t base = eh->e_type == ET_DYN ? PIE_BASE : 0;
	info->entry = base + eh->e_entry;
	info->phnum = eh->e_phnum;
	info->phdr = 0;
	info->load_end = 0;

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP) {
			printk("kestrel: a dynamically linked program needs its loader (Lab 4)\n");
			return -ENOEXEC;
		}
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		if (!segment_ok(&ph[i], src->size, base))
			return -ENOEXEC;
		uint64_t start = base + ph[i].p_vaddr;
		uint64_t end = start + ph[i].p_memsz;
		int err = vm_add_region(mm, ALIGN_DOWN(start, PAGE_SIZE), ALIGN_UP(end, PAGE_SIZE),
					region_flags(ph[i].p_flags), "[program]", NULL);
		if (err == -EEXIST)
			return -ENOEXEC;        /* overlapping segments */
		if (err)
			return err;
		/* File bytes, then zeroes to the end of the segment (its
		 * pages arrive zeroed from vm_write). */
		err = copy_segment(mm, src, ph[i].p_offset, start, ph[i].p_filesz);
		if (!err)
			err = vm_write(mm, start + ph[i].p_filesz, NULL, ph[i].p_memsz - ph[i].p_filesz);
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

int elf_load(struct mm *mm, const struct elf_source *src, struct elf_info *info)
{
	Elf64_Ehdr eh;
	if (elf_read(src, 0, &eh, sizeof(eh)) || !header_ok(&eh, src->size))
		return -ENOEXEC;
	size_t phsize = (size_t)eh.e_phnum * sizeof(Elf64_Phdr);
	Elf64_Phdr *ph = kmalloc(phsize);
	if (!ph)
		return -ENOMEM;
	int err = elf_read(src, eh.e_phoff, ph, phsize);
	if (!err)
		err = load_segments(mm, src, &eh, ph, info);
	kfree(ph);
	return err;
}
