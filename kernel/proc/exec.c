/* A program's first moments: its initial stack, and the first process.
 *
 * Linux hands a new program its arguments on the stack (System V ABI,
 * x86_64 supplement, "Process Initialization"; fs/binfmt_elf.c). From the
 * top of the stack down:
 *
 *     the program's file name (AT_EXECFN points here)
 *     the environment strings, the argument strings
 *     "x86_64" (AT_PLATFORM), 16 random bytes (AT_RANDOM)
 *     padding to 16 bytes
 *     auxv: (type, value) pairs ending with AT_NULL
 *     envp[0] .. envp[envc-1], NULL
 *     argv[0] .. argv[argc-1], NULL
 *     argc                                  <- %rsp at the first instruction
 *
 * The C library's start code (_start) reads all of it from there. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <linux/auxvec.h>
#include <linux/elf.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <proc/exec.h>
#include <proc/programs.h>
#include <proc/sched.h>
#include <proc/task.h>
#include <fs/vfs.h>
#include <fs/fdtable.h>
#include <x86/cpu.h>
#include <x86/gdt.h>

#define STACK_IMAGE_MAX (32 * 1024)     /* strings and vectors; more: E2BIG */

/* The stack is assembled in a kernel buffer that stands for the top
 * STACK_IMAGE_MAX bytes of the user stack, then copied there. */
struct stack_image {
	uint8_t *buf;
	uint64_t top;           /* user address of buf's end */
	uint64_t sp;            /* user address of the lowest byte used */
};

static uint8_t *at(struct stack_image *s, uint64_t user_addr)
{
	return s->buf + STACK_IMAGE_MAX - (s->top - user_addr);
}

/* Pushes n bytes; returns their user address, or 0 when out of room. */
static uint64_t push_bytes(struct stack_image *s, const void *data, size_t n)
{
	if (s->top - s->sp + n > STACK_IMAGE_MAX)
		return 0;
	s->sp -= n;
	memcpy(at(s, s->sp), data, n);
	return s->sp;
}

static uint64_t push_string(struct stack_image *s, const char *str)
{
	return push_bytes(s, str, strlen(str) + 1);
}

static int count(const char *const v[])
{
	int n = 0;
	while (v && v[n])
		n++;
	return n;
}

static uint64_t hwcap(void)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	return r[3];    /* CPUID.1:EDX, as Linux reports it */
}

int build_user_stack(struct mm *mm, const struct elf_info *info, const char *const argv[],
		     const char *const envp[], const char *execfn, uint64_t *sp)
{
	struct stack_image s = { .buf = kmalloc(STACK_IMAGE_MAX), .top = USER_STACK_TOP, .sp = USER_STACK_TOP };
	if (!s.buf)
		return -ENOMEM;
	int argc = count(argv), envc = count(envp), err = -E2BIG;
	uint64_t *argp = kmalloc((argc + envc + 2) * sizeof(uint64_t));
	if (!argp)
		goto out;

	// LAB 3 BEGIN(exercise 4): the strings, then auxv, envp, argv and argc below them
	uint64_t zero = 0;
	bool ok = push_bytes(&s, &zero, sizeof(zero));     /* an end marker, as Linux has */
	uint64_t execfn_at = push_string(&s, execfn);
	uint64_t *envp_at = argp + argc + 1;
	for (int i = envc - 1; i >= 0; i--)
		ok &= (envp_at[i] = push_string(&s, envp[i])) != 0;
	for (int i = argc - 1; i >= 0; i--)
		ok &= (argp[i] = push_string(&s, argv[i])) != 0;
	argp[argc] = envp_at[envc] = 0;
	uint64_t platform = push_string(&s, "x86_64");
	uint8_t random[16];
	get_random_bytes(random, sizeof(random));
	uint64_t random_at = push_bytes(&s, random, sizeof(random));
	ok &= execfn_at && platform && random_at;

	const uint64_t auxv[][2] = {
		{ AT_PHDR, info->phdr },     { AT_PHENT, sizeof(Elf64_Phdr) },
		{ AT_PHNUM, info->phnum },   { AT_PAGESZ, PAGE_SIZE },
		{ AT_BASE, 0 },              { AT_FLAGS, 0 },
		{ AT_ENTRY, info->entry },   { AT_UID, 0 }, { AT_EUID, 0 },
		{ AT_GID, 0 }, { AT_EGID, 0 }, { AT_SECURE, 0 },
		{ AT_RANDOM, random_at },    { AT_HWCAP, hwcap() }, { AT_HWCAP2, 0 },
		{ AT_CLKTCK, 100 },          { AT_PLATFORM, platform },
		{ AT_EXECFN, execfn_at },    { AT_NULL, 0 },
	};
	/* The rest is 8-byte words, and argc must end up 16-byte aligned:
	 * pad by 8 if their number is odd. */
	uint64_t words = 1 + (argc + 1) + (envc + 1) + 2 * ARRAY_SIZE(auxv);
	s.sp = ALIGN_DOWN(s.sp, 16) - (words % 2) * 8;
	uint64_t argc64 = argc;
	ok = ok && push_bytes(&s, auxv, sizeof(auxv)) &&
	     push_bytes(&s, envp_at, (envc + 1) * sizeof(uint64_t)) &&
	     push_bytes(&s, argp, (argc + 1) * sizeof(uint64_t)) &&
	     push_bytes(&s, &argc64, sizeof(argc64));
	if (!ok)
		goto out;
	// LAB 3 STUB: (void)count; (void)hwcap; (void)push_string; (void)info; (void)execfn;
	// LAB 3 STUB: goto out;
	// LAB 3 END

	err = vm_add_region(mm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP, VM_READ | VM_WRITE, "[stack]", NULL);
	if (!err)
		err = vm_write(mm, s.sp, at(&s, s.sp), s.top - s.sp);
	*sp = s.sp;
out:
	kfree(argp);
	kfree(s.buf);
	return err;
}

/* --- the first process -------------------------------------------------------- */

/* Sets up an address space running image for t, ready to enter user mode
 * at the program's entry point. */
static int load_program(struct task *t, const struct embedded_program *prog,
			const char *const argv[], const char *const envp[])
{
	struct mm *mm = mm_create();
	if (!mm)
		return -ENOMEM;
	struct elf_info info;
	uint64_t sp = 0;
	int err = elf_load(mm, prog->data, prog->size, &info);
	if (!err)
		err = build_user_stack(mm, &info, argv, envp, argv[0], &sp);
	if (!err)
		err = vm_add_heap(mm, ALIGN_UP(info.load_end, PAGE_SIZE));
	if (err) {
		mm_put(mm);
		return err;
	}
	t->mm = mm;
	fpu_init_state(t->fpu);
	struct trap_frame *regs = task_user_regs(t);
	memset(regs, 0, sizeof(*regs));
	regs->rip = info.entry;
	regs->rsp = sp;
	regs->cs = USER_CS;
	regs->ss = USER_DS;
	regs->rflags = RFLAGS_IF | 0x2;     /* bit 1 is always set */
	return 0;
}

/* A program from the file tree, read whole into memory (execve of Lab 4
 * maps files instead). The caller kfrees prog->data. */
static int program_read(const char *path, struct embedded_program *prog)
{
	struct file *f;
	int err = vfs_open(AT_FDCWD, path, O_RDONLY, 0, &f);
	if (err)
		return err;
	uint64_t size = f->inode->size;
	uint8_t *data = S_ISREG(f->inode->mode) ? kmalloc(size ? size : 1) : NULL;
	ssize_t n = data ? kernel_read(f, data, size, 0) : S_ISREG(f->inode->mode) ? -ENOMEM : -EACCES;
	file_put(f);
	if (n >= 0 && (uint64_t)n != size)
		n = -EIO;
	if (n < 0) {
		kfree(data);
		return n;
	}
	prog->name = path;
	prog->data = data;
	prog->size = size;
	return 0;
}

/* fds 0, 1 and 2 of the first process: the console, as Linux's
 * console_on_rootfs() does. */
static void open_console(struct task *t)
{
	struct file *f;
	int err = vfs_open(AT_FDCWD, "/dev/console", O_RDWR, 0, &f);
	if (err) {
		printk("kestrel: warning: unable to open an initial console: error %d\n", err);
		return;
	}
	for (int fd = 0; fd < 3; fd++) {
		file_get(f);
		files_install(t->files, f, false, fd);
	}
	file_put(f);
}

int process_create_root(const char *name)
{
	/* A path is a file of the tree; a plain name, a program built into
	 * the kernel (Lab 3's tests, before there were files). */
	struct embedded_program from_file;
	const struct embedded_program *prog = &from_file;
	if (strchr(name, '/')) {
		int err = program_read(name, &from_file);
		if (err)
			return err;
	} else if (!(prog = program_find(name))) {
		return -ENOENT;
	}
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	struct task *t = task_alloc(base, true);
	if (!t) {
		if (prog == &from_file)
			kfree((void *)from_file.data);
		return -ENOMEM;
	}
	t->tid = t->tgid = 1;
	t->files = files_alloc();
	t->fs = fs_alloc();
	t->sighand = sighand_alloc();
	const char *const argv[] = { name, NULL };
	const char *const envp[] = { "HOME=/", "TERM=linux", NULL };
	int err = !t->files || !t->fs || !t->sighand || task_alloc_fpu(t) ? -ENOMEM
		  : load_program(t, prog, argv, envp);
	uint64_t size = prog->size;
	if (prog == &from_file)
		kfree((void *)from_file.data);
	if (err) {
		task_free(t);
		return err;
	}
	open_console(t);
	task_start_in_user_mode(t);
	init_task = t;
	task_add(t);
	printk("kestrel: starting init: %s (%lu bytes, entry %#lx)\n", name, size, task_user_regs(t)->rip);
	sched_add_new(t);
	return 0;
}
