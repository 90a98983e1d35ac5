/* thr_raw.h: raw clone for Lab 6's thread tests (user/lab6/thr_*.c).
 *
 * A child made by clone with a new stack cannot return from the C
 * function that called clone, so thr_clone is a small trampoline: the
 * child calls fn(arg) on its new stack and ends with exit(fn's result)
 * (SYS_exit: that thread only). Children of these tests share the
 * caller's TLS, so they make system calls with thr_sys (no errno) and
 * stick to memory they are given. */
#ifndef THR_RAW_H
#define THR_RAW_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

/* What musl's headers lack (Linux's <linux/sched.h>, <linux/futex.h>). */
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef FUTEX_WAIT
#define FUTEX_WAIT 0
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
struct thr_clone_args {         /* struct clone_args, CLONE_ARGS_SIZE_VER2 */
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static inline long thr_sys(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret)
			     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret;
}

/* clone(flags, stack, ptid, ctid, tls); in the child, exit(fn(arg)).
 * Returns what clone returned to the caller (a tid or -errno). */
long thr_clone(unsigned long flags, void *stack, int *ptid, int *ctid, unsigned long tls,
	       int (*fn)(void *), void *arg);
__asm__(".text\n"
	".type thr_clone, @function\n"
	"thr_clone:\n"
	"	mov 8(%rsp), %rax\n"            /* arg, the seventh argument */
	"	test %rsi, %rsi\n"
	"	jz 2f\n"
	"	sub $16, %rsi\n"                /* fn and arg on the child's stack */
	"	mov %rax, 8(%rsi)\n"
	"	mov %r9, 0(%rsi)\n"
	"	mov %rcx, %r10\n"
	"	mov $56, %eax\n"                /* SYS_clone */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	pop %rax\n"
	"	pop %rdi\n"
	"	call *%rax\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n"                /* SYS_exit */
	"	syscall\n"
	"	hlt\n"
	"2:	mov %rcx, %r10\n"               /* no stack: a plain clone */
	"	mov $56, %eax\n"
	"	syscall\n"
	"1:	ret\n"
	".size thr_clone, .-thr_clone\n");

/* clone3 with the same trampoline; args->stack and stack_size must be
 * set: the child starts with %rsp at their end, where fn and arg wait. */
long thr_clone3(struct thr_clone_args *args, unsigned long size, int (*fn)(void *), void *arg);
__asm__(".text\n"
	".type thr_clone3, @function\n"
	"thr_clone3:\n"
	"	mov 40(%rdi), %r8\n"           /* args->stack */
	"	add 48(%rdi), %r8\n"           /* + stack_size: the top */
	"	mov %rcx, -8(%r8)\n"           /* arg */
	"	mov %rdx, -16(%r8)\n"          /* fn */
	"	mov $435, %eax\n"              /* SYS_clone3 */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	mov -16(%rsp), %rax\n"
	"	mov -8(%rsp), %rdi\n"
	"	call *%rax\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n"
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n"
	".size thr_clone3, .-thr_clone3\n");

/* A stack for a child: the top of a fresh 64 KiB mapping. */
static inline void *thr_stack(void)
{
	char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p + 65536;
}

/* Waits (up to about 5 s) until the kernel clears *ctid
 * (CLONE_CHILD_CLEARTID): 1 if it did. */
static inline int thr_wait_cleared(volatile int *ctid)
{
	for (int i = 0; i < 50; i++) {
		int v = *ctid;
		if (v == 0)
			return 1;
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		thr_sys(SYS_futex, (long)ctid, FUTEX_WAIT, v, (long)&ts, 0, 0);
	}
	return *ctid == 0;
}

#endif
