/* The vDSO's shared object (built from kernel/vdso/vdso.c by the Makefile),
 * embedded in the kernel as data: time/vdso.c copies it into pages. */
	.section .rodata
	.balign 4096
	.globl vdso_image_start, vdso_image_end
vdso_image_start:
	.incbin VDSO_SO
vdso_image_end:
	.section .note.GNU-stack, "", @progbits
