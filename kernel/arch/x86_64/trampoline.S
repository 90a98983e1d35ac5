/* Where the other CPUs start. A STARTUP IPI starts a CPU in 16-bit real
 * mode at physical address (vector << 12), so this code is copied to
 * TRAMPOLINE_PA below 1 MiB (smp.c) and must not depend on where it was
 * linked: every address below is computed relative to trampoline_start
 * and rebased to TRAMPOLINE_PA. It climbs to 64-bit mode with the boot
 * CPU's own CR0/CR4/EFER values and jumps to ap_entry() on its stack.
 * Compare with boot.S, which does the same climb from 32-bit mode. */
#include <x86/smp.h>

#define REL(x) ((x) - trampoline_start + TRAMPOLINE_PA)

	.section .rodata
	.code16
	.globl trampoline_start, trampoline_end, trampoline_params
trampoline_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl REL(tramp_gdt_desc)
	movl %cr0, %eax
	orl $1, %eax                    /* PE: protected mode */
	movl %eax, %cr0
	ljmpl $0x08, $REL(tramp_32)

	.code32
tramp_32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl REL(tp_cr4), %eax          /* PAE and the rest, as on the boot CPU */
	movl %eax, %cr4
	movl REL(tp_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx          /* EFER: long mode, NX, syscall */
	movl REL(tp_efer), %eax
	xorl %edx, %edx
	wrmsr
	movl REL(tp_cr0), %eax          /* PG turns long mode on */
	movl %eax, %cr0
	ljmpl $0x18, $REL(tramp_64)

	.code64
tramp_64:
	movq REL(tp_stack), %rsp
	movq REL(tp_cpu), %rdi
	movq REL(tp_entry), %rax
	jmpq *%rax

	.p2align 3
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: 32-bit code, flat */
	.quad 0x00cf92000000ffff        /* 0x10: data, flat */
	.quad 0x00209a0000000000        /* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_desc:
	.word tramp_gdt_end - tramp_gdt - 1
	.long REL(tramp_gdt)

/* Filled in by smp.c for each CPU it starts (struct trampoline_params). */
	.p2align 3
trampoline_params:
tp_cr3:   .quad 0
tp_cr4:   .quad 0
tp_cr0:   .quad 0
tp_efer:  .quad 0
tp_stack: .quad 0
tp_entry: .quad 0
tp_cpu:   .quad 0
trampoline_end:
