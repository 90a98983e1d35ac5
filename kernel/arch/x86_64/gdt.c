/* The global descriptor table and the task state segment.
 *
 * Long mode ignores segment bases and limits, but the CPU still takes its
 * privilege level from the code segment, and on an interrupt it takes the
 * stack to switch to from the TSS. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <x86/gdt.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];        /* stack for entering ring 0..2 from a lower privilege */
	uint64_t reserved1;
	uint64_t ist[7];        /* "interrupt stack table": stacks chosen per IDT gate */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

static struct tss tss;
static uint8_t double_fault_stack[8192] __aligned(16);

/* Descriptor bits: present, DPL, code/data, executable, 64-bit (L). */
static uint64_t gdt[7] = {
	[0] = 0,
	[GDT_KERNEL_CODE / 8] = 0x00209a0000000000,  /* P, DPL 0, code, L */
	[GDT_KERNEL_DATA / 8] = 0x0000920000000000,  /* P, DPL 0, data, writable */
	[GDT_USER_DATA / 8]   = 0x0000f20000000000,  /* P, DPL 3, data, writable */
	[GDT_USER_CODE / 8]   = 0x0020fa0000000000,  /* P, DPL 3, code, L */
	/* [5], [6]: the TSS descriptor, filled in at run time */
};

struct gdt_pointer {
	uint16_t limit;
	uint64_t base;
} __packed;

static void set_tss_descriptor(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   (0x89ull << 40) |            /* P, type 9: available 64-bit TSS */
			   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

void gdt_init(void)
{
	tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(double_fault_stack + sizeof(double_fault_stack));
	tss.iomap_base = sizeof(tss);   /* no I/O permission bitmap */
	set_tss_descriptor();

	struct gdt_pointer p = { .limit = sizeof(gdt) - 1, .base = (uint64_t)gdt };
	/* Reload CS with a far return (there is no far jump to an immediate
	 * in 64-bit mode), then the data segments and the task register. */
	__asm__ __volatile__(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ds\n\t"
		"movw %w2, %%es\n\t"
		"movw %w2, %%ss\n\t"
		"ltr %w3"
		:: "m"(p), "i"(GDT_KERNEL_CODE), "r"(GDT_KERNEL_DATA), "r"(GDT_TSS)
		: "rax", "memory");
}
