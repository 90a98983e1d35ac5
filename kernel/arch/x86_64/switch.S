/* Switching from one task to another.
 *
 * struct task *context_switch(struct task *prev, struct task *next)
 *
 * The C calling convention lets a function clobber every register but
 * %rbx, %rbp, %r12-%r15 and %rsp, so those are all a switch must keep:
 * push them on prev's kernel stack, save %rsp in prev->saved_rsp, load
 * next's, pop next's. The `ret` then returns into whatever next was doing
 * when it last called context_switch, on next's stack. prev is returned
 * (in %rax) so the code after the switch knows whom it came from.
 *
 * A task that never ran has a stack prepared by sched.c/fork.c: six
 * zeroed registers and a return address of kthread_start (kernel
 * threads; %rbx = function, %r12 = argument) or ret_from_fork (user
 * tasks; above it sits the trap frame to return to user mode with). */

	.text
	.globl context_switch
context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)       /* prev->saved_rsp (the first field) */
	movq (%rsi), %rsp       /* next->saved_rsp */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	movq %rdi, %rax
	ret

/* A new task's first code: the bottom of its kernel stack, so gdb's `bt`
 * ends here (.cfi_undefined rip). */
	.cfi_sections .debug_frame
	.globl ret_from_fork
ret_from_fork:
	.cfi_startproc simple
	.cfi_def_cfa rsp, 0
	.cfi_undefined rip
	movq %rax, %rdi
	call schedule_tail
	call fork_child_start   /* fork.c: the child's first work, in its own address space */
	jmp trap_return         /* entry.S: pops the child's trap frame */
	.cfi_endproc

	.globl kthread_start
kthread_start:
	.cfi_startproc simple
	.cfi_def_cfa rsp, 0
	.cfi_undefined rip
	movq %rax, %rdi
	call schedule_tail
	movq %r12, %rdi
	call *%rbx
	movl %eax, %edi
	call kthread_exit
	ud2
	.cfi_endproc
