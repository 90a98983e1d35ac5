/* The interrupt descriptor table: one gate per vector, each pointing at its
 * stub in entry.S. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <x86/idt.h>
#include <x86/gdt.h>
#include <x86/trap.h>

/* A 64-bit interrupt gate (Intel SDM vol. 3, "IDT Descriptors"). */
struct idt_gate {
	uint16_t offset_low;    /* handler address bits 0..15 */
	uint16_t selector;      /* code segment to run the handler in */
	uint8_t ist;            /* bits 0..2: interrupt stack table index, 0 = none */
	uint8_t type_attr;      /* P (bit 7), DPL (bits 5..6), type (bits 0..3) */
	uint16_t offset_mid;    /* bits 16..31 */
	uint32_t offset_high;   /* bits 32..63 */
	uint32_t reserved;
} __packed;
static_assert(sizeof(struct idt_gate) == 16, "IDT gates are 16 bytes");

#define GATE_PRESENT    0x80
#define GATE_INTERRUPT  0x0e    /* interrupt gate: the CPU clears IF on entry */

static struct idt_gate idt[256] __aligned(16);
extern const uint64_t vector_table[NUM_VECTORS];
extern char vector255[];

void idt_set_gate(int vector, uint64_t handler, int ist, int dpl)
{
	struct idt_gate *g = &idt[vector];
	// LAB 1 BEGIN(exercise 3): fill in the gate descriptor
	g->offset_low = handler & 0xffff;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_high = handler >> 32;
	g->selector = GDT_KERNEL_CODE;
	g->ist = ist & 7;
	g->type_attr = GATE_PRESENT | ((dpl & 3) << 5) | GATE_INTERRUPT;
	g->reserved = 0;
	// LAB 1 STUB: (void)g;
	// LAB 1 END
}

void idt_init(void)
{
	for (int v = 0; v < NUM_VECTORS; v++) {
		int ist = v == 8 ? IST_DOUBLE_FAULT : 0;
		int dpl = v == T_BREAKPOINT ? 3 : 0;   /* int3 is allowed from user mode */
		idt_set_gate(v, vector_table[v], ist, dpl);
	}
	idt_set_gate(VEC_SPURIOUS, (uint64_t)vector255, 0, 0);
	idt_load();
}

/* Every CPU loads the same table. */
void idt_load(void)
{
	struct { uint16_t limit; uint64_t base; } __packed p = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ __volatile__("lidt %0" :: "m"(p));
}
