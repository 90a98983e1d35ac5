/* The instructions that touch user memory (see x86/uaccess.h). Each one
 * that may fault has an __ex_table entry: (where it faults, where to go). */

#define EX_ENTRY(insn, fixup) \
	.pushsection __ex_table, "a"; .balign 8; .quad insn, fixup; .popsection

	.text
/* size_t __copy_user(void *dst, const void *src, size_t n):
 * returns how many bytes were NOT copied (0 on success). */
	.globl __copy_user
__copy_user:
	movq %rdx, %rcx
1:	rep movsb
	xorl %eax, %eax
	ret
2:	movq %rcx, %rax         /* rep movsb left the remaining count in %rcx */
	ret
	EX_ENTRY(1b, 2b)

/* long __strncpy_user(char *dst, const char *src, size_t max):
 * the string's length, -1 on a fault, max if no NUL within max bytes. */
	.globl __strncpy_user
__strncpy_user:
	xorl %eax, %eax
3:	cmpq %rdx, %rax
	je 5f
4:	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	testb %cl, %cl
	je 5f
	incq %rax
	jmp 3b
5:	ret
6:	movq $-1, %rax
	ret
	EX_ENTRY(4b, 6b)
