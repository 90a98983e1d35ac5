/* The global descriptor table and the task state segment, one of each per
 * CPU (struct cpu holds them).
 *
 * Long mode ignores segment bases and limits, but the CPU still takes its
 * privilege level from the code segment, and on an interrupt it takes the
 * stack to switch to from the TSS. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <x86/gdt.h>
#include <x86/percpu.h>

/* Descriptor bits: present, DPL, code/data, executable, 64-bit (L). */
static const uint64_t gdt_template[GDT_ENTRIES] = {
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

static void set_tss_descriptor(uint64_t *gdt, struct tss *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   (0x89ull << 40) |            /* P, type 9: available 64-bit TSS */
			   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

void gdt_init(struct cpu *c)
{
	for (int i = 0; i < GDT_ENTRIES; i++)
		c->gdt[i] = gdt_template[i];
	c->tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(c->double_fault_stack + sizeof(c->double_fault_stack));
	c->tss.iomap_base = sizeof(c->tss);   /* no I/O permission bitmap */
	set_tss_descriptor(c->gdt, &c->tss);

	struct gdt_pointer p = { .limit = sizeof(c->gdt) - 1, .base = (uint64_t)c->gdt };
	/* Reload CS with a far return (there is no far jump to an immediate
	 * in 64-bit mode), then the data segments and the task register.
	 * %fs and %gs are left alone: their bases live in MSRs. */
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
