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
	uint64_t entry;         /* the program's entry point (AT_ENTRY) */
	uint64_t phdr;          /* the program headers' address in memory */
	uint64_t phnum;
	uint64_t load_end;      /* end of the highest segment: the heap starts here */
	uint64_t base;          /* where the dynamic loader is (AT_BASE), or 0 */
	uint64_t start;         /* the first instruction: the loader's entry, or entry */
	bool exec_stack;        /* PT_GNU_STACK asks for an executable stack (PF_X) */
	/* Whom it runs as (AT_UID...), and AT_SECURE: a set-id program,
	 * whose loader must not trust the environment (LD_PRELOAD...). */
	uint32_t uid, euid, gid, egid;
	bool secure;
	uint64_t vdso;          /* the vDSO's address (AT_SYSINFO_EHDR), or 0 */
};

/* Where an ELF image is: in memory (mem), or in an open file. */
struct cred;
struct elf_source {
	const void *mem;
	struct file *file;
	uint64_t size;
	const struct cred *cred;    /* whom it will run as; NULL: the caller */
};

/* Checks the image and maps its PT_LOAD segments into mm, and those of
 * its dynamic loader if it names one; -ENOEXEC if it is not an x86_64
 * ELF program we can load, -ELIBBAD if its loader is not. */
int elf_load(struct mm *mm, const struct elf_source *src, struct elf_info *info);

/* Builds the stack Linux gives a new program (argc, argv, envp, auxv) in
 * mm below USER_STACK_TOP; returns the initial %rsp in *sp. */
int build_user_stack(struct mm *mm, const struct elf_info *info, const char *const argv[],
		     const char *const envp[], const char *execfn, uint64_t *sp);

/* A program ready to start: its address space, first instruction and
 * stack pointer. */
struct exec_image {
	struct mm *mm;
	uint64_t entry, sp;
};
/* Builds a new address space for the ELF program in src, with its
 * initial stack (argv, envp, auxv; AT_EXECFN is execfn) and empty heap.
 * The caller's address space is not touched. */
int exec_build_mm(const struct elf_source *src, const char *const argv[], const char *const envp[],
		  const char *execfn, struct exec_image *img);
/* t's user registers (and SSE state) as a new program finds them. */
void exec_set_user_regs(struct task *t, const struct exec_image *img);
/* Opens path for execution: -EACCES unless it is a regular file the
 * caller may execute. lookup_flags: O_NOFOLLOW or 0. An empty path (execveat's
 * AT_EMPTY_PATH) is the file open as dirfd. */
struct file;
int exec_open(int dirfd, const char *path, int lookup_flags, struct file **result);

/* execve's first step past the point of no return in a process with
 * several threads (proc/dethread.c): the others end, and t becomes the
 * leader, with the process's pid. 0, or -EINTR if the process is being
 * killed. */
int de_thread(struct task *t);

/* Creates the first user process (pid 1) running argv[0]: a path in the
 * file tree, or the name of a program built into the kernel. Returns 0
 * or -errno. */
int process_create_root(const char *const argv[]);
