/* The stack Linux hands a new program (build_user_stack).
 *
 * Linux passes a new program its arguments on the stack (System V ABI,
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
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <linux/auxvec.h>
#include <asm/signal.h>
#include <linux/elf.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <proc/exec.h>
#include <x86/cpu.h>

/* Strings and vectors; more is E2BIG. Room for execve's limits
 * (ARG_STRINGS_MAX of strings, ARG_COUNT_MAX pointers) and auxv. Linux
 * allows a quarter of the stack limit (2 MiB); 256 KiB is plenty for the
 * programs here and keeps exec's buffer small. */
#define STACK_IMAGE_MAX (256 * 1024)

/* AT_MINSIGSTKSZ: the least stack a signal handler needs. The frame the
 * kernel will push (siginfo, ucontext and 512 bytes of fxsave state: no
 * XSAVE here) fits in the UAPI's MINSIGSTKSZ, so that is the answer; Linux
 * computes it from the CPU's XSAVE size (3 KiB and more with AVX-512). */
#define SIGNAL_STACK_MIN MINSIGSTKSZ

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

static __maybe_unused uint64_t push_string(struct stack_image *s, const char *str)
{
	return push_bytes(s, str, strlen(str) + 1);
}

static __maybe_unused int count(const char *const v[])
{
	int n = 0;
	while (v && v[n])
		n++;
	return n;
}

static __maybe_unused uint64_t hwcap(void)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	return r[3];    /* CPUID.1:EDX, as Linux reports it */
}

/* Pushes what a new program finds on its stack onto s, from the top down:
 * the strings, then auxv, envp, argv and argc (the layout above). argp has
 * room for argc + envc + 2 pointers. False if it does not fit. */
static bool push_program_args(struct stack_image *s, const struct elf_info *info,
			      const char *const argv[], int argc, const char *const envp[], int envc,
			      const char *execfn, uint64_t *argp)
{
	// LAB 3 BEGIN(exercise 4): the strings, then auxv, envp, argv and argc below them
	uint64_t zero = 0;
	bool ok = push_bytes(s, &zero, sizeof(zero));     /* an end marker, as Linux has */
	uint64_t execfn_at = push_string(s, execfn);
	uint64_t *envp_at = argp + argc + 1;
	for (int i = envc - 1; i >= 0; i--)
		ok &= (envp_at[i] = push_string(s, envp[i])) != 0;
	for (int i = argc - 1; i >= 0; i--)
		ok &= (argp[i] = push_string(s, argv[i])) != 0;
	argp[argc] = envp_at[envc] = 0;
	uint64_t platform = push_string(s, "x86_64");
	uint8_t random[16];
	get_random_bytes(random, sizeof(random));
	uint64_t random_at = push_bytes(s, random, sizeof(random));
	ok &= execfn_at && platform && random_at;

	const uint64_t auxv[][2] = {
		{ AT_PHDR, info->phdr },     { AT_PHENT, sizeof(Elf64_Phdr) },
		{ AT_PHNUM, info->phnum },   { AT_PAGESZ, PAGE_SIZE },
		{ AT_BASE, info->base },     { AT_FLAGS, 0 },
		{ AT_ENTRY, info->entry },   { AT_UID, info->uid }, { AT_EUID, info->euid },
		{ AT_GID, info->gid },       { AT_EGID, info->egid }, { AT_SECURE, info->secure },
		{ AT_RANDOM, random_at },    { AT_HWCAP, hwcap() }, { AT_HWCAP2, 0 },
		{ AT_CLKTCK, 100 },          { AT_PLATFORM, platform },
		{ AT_EXECFN, execfn_at },    { AT_MINSIGSTKSZ, SIGNAL_STACK_MIN },
		{ AT_SYSINFO_EHDR, info->vdso },
		{ AT_NULL, 0 },
	};
	/* The rest is 8-byte words, and argc must end up 16-byte aligned:
	 * pad by 8 if their number is odd. */
	uint64_t words = 1 + (argc + 1) + (envc + 1) + 2 * ARRAY_SIZE(auxv);
	s->sp = ALIGN_DOWN(s->sp, 16) - (words % 2) * 8;
	uint64_t argc64 = argc;
	return ok && push_bytes(s, auxv, sizeof(auxv)) &&
	       push_bytes(s, envp_at, (envc + 1) * sizeof(uint64_t)) &&
	       push_bytes(s, argp, (argc + 1) * sizeof(uint64_t)) &&
	       push_bytes(s, &argc64, sizeof(argc64));
	// LAB 3 STUB: return false;
	// LAB 3 END
}

/* Where the argument and environment strings and auxv went, for
 * /proc/PID/cmdline, environ, auxv and stat (Linux's mm->arg_start...). */
static void note_program_args(struct mm *mm, const char *const argv[], int argc,
			      const char *const envp[], int envc, const uint64_t *argp, uint64_t sp)
{
	const uint64_t *envp_at = argp + argc + 1;
	mm->arg_start = argc ? argp[0] : 0;
	mm->arg_end = argc ? argp[argc - 1] + strlen(argv[argc - 1]) + 1 : mm->arg_start;
	mm->env_start = envc ? envp_at[0] : mm->arg_end;
	mm->env_end = envc ? envp_at[envc - 1] + strlen(envp[envc - 1]) + 1 : mm->env_start;
	mm->start_stack = sp;
	mm->auxv_start = sp + 8 * (1 + (argc + 1) + (envc + 1));
}

int build_user_stack(struct mm *mm, const struct elf_info *info, const char *const argv[],
		     const char *const envp[], const char *execfn, uint64_t *sp)
{
	struct stack_image s = { .buf = kmalloc(STACK_IMAGE_MAX), .top = USER_STACK_TOP, .sp = USER_STACK_TOP };
	if (!s.buf)
		return -ENOMEM;
	int argc = count(argv), envc = count(envp), err = -ENOMEM;
	uint64_t *argp = kmalloc((argc + envc + 2) * sizeof(uint64_t));
	if (!argp)
		goto out;
	err = -E2BIG;

	if (!push_program_args(&s, info, argv, argc, envp, envc, execfn, argp))
		goto out;

	err = vm_add_region(mm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP,
			    VM_READ | VM_WRITE | (info->exec_stack ? VM_EXEC : 0), "[stack]", NULL);
	if (!err)
		err = vm_write(mm, s.sp, at(&s, s.sp), s.top - s.sp);
	*sp = s.sp;
	note_program_args(mm, argv, argc, envp, envc, argp, s.sp);
out:
	kfree(argp);
	kfree(s.buf);
	return err;
}
