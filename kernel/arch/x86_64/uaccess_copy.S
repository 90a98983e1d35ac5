/* The instructions that touch user memory (see x86/uaccess.h). Each one
 * that may fault has an __ex_table entry: (where it faults, where to go). */

#define EX_ENTRY(insn, fixup) \
	.pushsection __ex_table, "a"; .balign 8; .quad insn, fixup; .popsection

	.text
/* size_t __copy_user(void *dst, const void *src, size_t n):
 * returns how many bytes were NOT copied (0 on success).
 * Eight bytes a step (rep movsq: see kernel/lib/string.c for why not
 * rep movsb), then the last n % 8 bytes. A fault in the qword loop may
 * leave up to 7 bytes before the bad address uncopied, so the fixup
 * goes on byte by byte from where it stopped: the count that comes back
 * is exact, as read() and write() need for a partial transfer. */
	.globl __copy_user
__copy_user:
	movq %rdx, %rcx
	shrq $3, %rcx
	andl $7, %edx
1:	rep movsq
	movq %rdx, %rcx
2:	rep movsb
	xorl %eax, %eax
	ret
3:	leaq (%rdx,%rcx,8), %rcx  /* qwords left * 8 + the tail: bytes left */
	jmp 2b
4:	movq %rcx, %rax         /* rep movsb left the remaining count in %rcx */
	ret
	EX_ENTRY(1b, 3b)
	EX_ENTRY(2b, 4b)

/* long __strncpy_user(char *dst, const char *src, size_t max):
 * the string's length, -1 on a fault, max if no NUL within max bytes. */
	.globl __strncpy_user
__strncpy_user:
	xorl %eax, %eax
5:	cmpq %rdx, %rax
	je 7f
6:	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	testb %cl, %cl
	je 7f
	incq %rax
	jmp 5b
7:	ret
8:	movq $-1, %rax
	ret
	EX_ENTRY(6b, 8b)
