/* The system call entry.
 *
 * A program calls the kernel with the `syscall` instruction: number in
 * %rax, arguments in %rdi %rsi %rdx %r10 %r8 %r9 (the Linux x86_64 ABI).
 * The CPU saves the user %rip in %rcx and %rflags in %r11, loads CS/SS
 * from MSR_STAR, clears the flags named in MSR_FMASK (IF among them) and
 * jumps to MSR_LSTAR: here. It does not switch stacks — we do, through
 * the per-CPU area (%gs, after swapgs).
 *
 * We build the same struct trap_frame an interrupt from user mode would
 * (x86/trap.h), so fork, exit and the scheduler need not care how a task
 * entered the kernel, and call syscall_dispatch(frame). The way back is
 * `sysretq` (restores %rip from %rcx, %rflags from %r11), or the
 * interrupt path's `iretq` when syscall_dispatch asks for it.
 *
 * The CFI says "no return address here" (.cfi_undefined rip): this is
 * where the kernel's stack begins, so gdb's `bt` ends at syscall_entry
 * instead of walking on into the user stack. */
#include <x86/gdt.h>
#include <x86/percpu.h>
#include <x86/trap.h>

	.cfi_sections .debug_frame
	.text
	.globl syscall_entry
syscall_entry:
	.cfi_startproc simple
	.cfi_def_cfa rsp, 0
	.cfi_undefined rip
	swapgs
	movq %rsp, %gs:CPU_USER_RSP
	movq %gs:CPU_KERNEL_RSP, %rsp
	pushq $USER_DS              /* ss */
	pushq %gs:CPU_USER_RSP      /* rsp */
	pushq %r11                  /* rflags */
	pushq $USER_CS              /* cs */
	pushq %rcx                  /* rip */
	pushq $0                    /* error code */
	pushq $VEC_SYSCALL          /* vector */
	SAVE_REGS
	sti
	movq %rsp, %rdi
	call syscall_dispatch
	testl %eax, %eax
	jnz trap_return             /* the frame changed in ways sysret cannot restore */

	cli
	RESTORE_REGS
	addq $16, %rsp              /* vector, error code */
	popq %rcx                   /* rip, for sysret */
	addq $8, %rsp               /* cs */
	popq %r11                   /* rflags, for sysret */
	popq %rsp                   /* the user stack; we are done with this one */
	swapgs
	sysretq
	.cfi_endproc
