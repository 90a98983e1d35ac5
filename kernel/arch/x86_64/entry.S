/* Interrupt and exception entry.
 *
 * Each vector has a tiny stub that makes the stack look the same for all of
 * them (an error code, real or a pushed 0, then the vector number) and jumps
 * to trap_common, which saves every general register into a struct
 * trap_frame (x86/trap.h) and calls trap_dispatch(frame). Returning undoes
 * it all and ends with iretq, which resumes the interrupted code.
 *
 * Coming from user mode (the saved CS has RPL 3), the CPU has already
 * switched to the task's kernel stack (TSS rsp0); we also swap %gs to the
 * kernel's per-CPU base (x86/percpu.h), and swap back on the way out.
 *
 * The CFI of trap_common marks the end of the call chain for gdb
 * (.cfi_undefined rip): `bt` in a handler stops at trap_common rather than
 * reading the interrupted code's stack as if it were a caller's frame. */
#include <x86/gdt.h>
#include <x86/trap.h>

/* The CPU pushes an error code for these exceptions only. */
#define HAS_ERROR_CODE(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17 || (n) == 21 || (n) == 29 || (n) == 30)

.macro VECTOR n
	.p2align 4
vector\n:
	.if !HAS_ERROR_CODE(\n)
	pushq $0
	.endif
	pushq $\n
	jmp trap_common
.endm

	.text
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	VECTOR \n
	.endr
	.globl vector255
	VECTOR 255              /* the local APIC's spurious interrupt */

	.cfi_sections .debug_frame
trap_common:
	.cfi_startproc simple
	.cfi_def_cfa rsp, 0
	.cfi_undefined rip
	testb $3, 24(%rsp)      /* CS, above vector, error code and RIP */
	jz 1f
	swapgs
	/* A program may have set RFLAGS.AC (popf), which would switch SMAP
	 * off for the kernel; clear it (clac needs SMAP to exist). */
	pushfq
	andq $~0x40000, (%rsp)
	popfq
1:
	/* Push order is the reverse of struct trap_frame's field order. */
	SAVE_REGS
	cld                     /* the C ABI assumes the direction flag is clear */
	mov %rsp, %rdi
	call trap_dispatch

/* Returns to whatever the trap frame on the stack describes. A new task's
 * first return to user mode (ret_from_fork) comes here too. */
	.globl trap_return
trap_return:
	cli
	RESTORE_REGS
	add $16, %rsp           /* drop vector and error code */
	testb $3, 8(%rsp)       /* CS: going back to user mode? */
	jz 1f
	swapgs
1:
	iretq
	.cfi_endproc

/* Addresses of the stubs, indexed by vector, for idt_init(). */
	.section .rodata
	.p2align 3
	.globl vector_table
vector_table:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	.quad vector\n
	.endr
