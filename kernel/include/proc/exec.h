/* Starting a program: ELF loading and the initial user stack. Lab 3 loads
 * static programs embedded in the kernel image (proc/programs.h); Lab 4's
 * execve loads them from files, adds the dynamic loader and replaces a
 * running process's image. */
#pragma once
#include <kernel/types.h>

struct task;
struct mm;

/* What loading an ELF image found out, for the auxiliary vector. */
struct elf_info {
	uint64_t entry;         /* where the program starts */
	uint64_t phdr;          /* the program headers' address in memory */
	uint64_t phnum;
	uint64_t load_end;      /* end of the highest segment: the heap starts here */
};

/* Checks image and maps its PT_LOAD segments into mm; -ENOEXEC if it is
 * not a static x86_64 ELF program we can load. */
int elf_load(struct mm *mm, const void *image, size_t size, struct elf_info *info);

/* Builds the stack Linux gives a new program (argc, argv, envp, auxv) in
 * mm below USER_STACK_TOP; returns the initial %rsp in *sp. */
int build_user_stack(struct mm *mm, const struct elf_info *info, const char *const argv[],
		     const char *const envp[], const char *execfn, uint64_t *sp);

/* Creates the first user process (pid 1) running the embedded program
 * `name`, with argv {name}; returns 0 or -errno. */
int process_create_root(const char *name);
