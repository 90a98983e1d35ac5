/* An atomic compare-and-exchange on a 32-bit word of user memory, for
 * futexes (WAKE_OP, robust lists, PI locks): one lock cmpxchgl with an
 * __ex_table entry, so that a fault the fault handler cannot resolve
 * makes it return -EFAULT instead of oopsing (see x86/uaccess.h). */

#define EX_ENTRY(insn, fixup) \
	.pushsection __ex_table, "a"; .balign 8; .quad insn, fixup; .popsection

	.text
/* long __cmpxchg_user32(uint32_t *uaddr, uint32_t old, uint32_t new,
 *                       uint32_t *cur): stores the word's value before
 * the exchange in *cur; returns 0, or -14 (EFAULT) on a fault. */
	.globl __cmpxchg_user32
__cmpxchg_user32:
	movl %esi, %eax
1:	lock cmpxchgl %edx, (%rdi)
	movl %eax, (%rcx)
	xorl %eax, %eax
	ret
2:	movq $-14, %rax
	ret
	EX_ENTRY(1b, 2b)
