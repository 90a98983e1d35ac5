/* The kernel's first instructions.
 *
 * QEMU's -kernel loads this ELF image and, finding the PVH note below, jumps
 * to pvh_entry in 32-bit protected mode: paging off, interrupts off, flat
 * segments, %ebx = physical address of struct hvm_start_info, no stack.
 * We build just enough page tables to run at the kernel's link address,
 * switch the CPU to 64-bit long mode, and call kmain(start_info). */
#include <x86/memlayout.h>
#include <x86/gdt.h>

#define CR0_PE    (1 << 0)
#define CR0_PG    (1 << 31)
#define CR4_PAE   (1 << 5)
#define MSR_EFER  0xc0000080
#define EFER_LME  (1 << 8)
#define PTE_P     (1 << 0)     /* present */
#define PTE_W     (1 << 1)     /* writable */
#define PTE_PS    (1 << 7)     /* in a page directory: a 2 MiB page */

/* The PVH loader finds the entry point in this ELF note (type 18,
 * XEN_ELFNOTE_PHYS32_ENTRY, owner "Xen"). QEMU reads the value as 64 bits. */
	.section .note.Xen, "a", @note
	.p2align 2
	.long 4                 /* name size */
	.long 8                 /* descriptor size */
	.long 18                /* type */
	.asciz "Xen"
	.p2align 2
	.quad pvh_entry

	.section .boot.text, "ax"
	.code32
	.globl pvh_entry
pvh_entry:
	cli
	cld
	mov %ebx, %esi          /* keep the start_info address for kmain */

	/* The loader need not clear .bss; C expects it zeroed. */
	mov $(__bss_start - KERNEL_VIRT_BASE), %edi
	mov $(__bss_end - KERNEL_VIRT_BASE), %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov $boot_page_tables, %edi
	mov $(4 * 4096), %ecx
	rep stosb

	// LAB 1 BEGIN(exercise 1): map the kernel and switch on long mode
	/* boot_pd: 512 entries of 2 MiB pages covering physical 0..1 GiB. */
	mov $boot_pd, %edi
	mov $(PTE_P | PTE_W | PTE_PS), %eax
	mov $512, %ecx
1:	mov %eax, (%edi)
	add $0x200000, %eax
	add $8, %edi
	loop 1b

	/* Two views of that same gigabyte: identity at virtual 0 (we are
	 * running there when paging switches on) and at KERNEL_VIRT_BASE
	 * (PML4 slot 511, PDPT slot 510), where the kernel is linked. */
	movl $(boot_pdpt_low + PTE_P + PTE_W), boot_pml4
	movl $(boot_pdpt_high + PTE_P + PTE_W), boot_pml4 + 511 * 8
	movl $(boot_pd + PTE_P + PTE_W), boot_pdpt_low
	movl $(boot_pd + PTE_P + PTE_W), boot_pdpt_high + 510 * 8

	/* Long mode needs PAE paging: CR4.PAE, CR3 = PML4, then EFER.LME,
	 * and finally CR0.PG, which activates long mode (EFER.LMA = 1). */
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_PE), %eax
	mov %eax, %cr0
	// LAB 1 END

	/* We are in compatibility mode; a far jump into a 64-bit code
	 * segment completes the switch. */
	lgdt boot_gdt_desc
	ljmp $GDT_KERNEL_CODE, $long_mode_entry

	.code64
long_mode_entry:
	mov $GDT_KERNEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs

	movabs $boot_stack_top, %rsp
	xor %ebp, %ebp          /* ends the backtrace's frame chain */
	mov %esi, %edi          /* kmain(start_info physical address) */
	movabs $kmain, %rax
	call *%rax
2:	cli
	hlt
	jmp 2b

	.section .boot.data, "aw"
	.p2align 3
boot_gdt:
	.quad 0
	.quad 0x00209a0000000000    /* 0x08: 64-bit kernel code */
	.quad 0x0000920000000000    /* 0x10: kernel data */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .boot.bss, "aw", @nobits
	.p2align 12
	.globl boot_pml4          /* mm_init adds the early direct-map alias */
boot_page_tables:
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096

	/* Below the stack, a page paging_init leaves unmapped: running off
	 * the end of the boot stack faults instead of corrupting .bss. */
	.section .bss
	.p2align 12
	.globl boot_stack_guard, boot_stack, boot_stack_top
boot_stack_guard:
	.skip 4096
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:
