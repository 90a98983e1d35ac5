/* The two cascaded 8259A interrupt controllers of the PC. At power-on they
 * deliver IRQs 0-15 on vectors 8-15 and 0x70-0x77, which collide with CPU
 * exceptions, so we move them to IRQ_BASE..IRQ_BASE+15 and mask them all
 * until a driver asks for its line. (Lab 3 replaces them with the APIC.) */
#include <kernel/types.h>
#include <x86/cpu.h>
#include <x86/pic.h>
#include <x86/trap.h>

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI   0x20

static uint16_t mask = 0xffff & ~(1 << 2);   /* IRQ 2 is the cascade to PIC2 */

static void write_mask(void)
{
	outb(PIC1_DATA, mask & 0xff);
	outb(PIC2_DATA, mask >> 8);
}

void pic_init(void)
{
	/* ICW1: initialise, expect ICW4. ICW2: vector base. ICW3: cascade
	 * wiring. ICW4: 8086 mode. */
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, IRQ_BASE);
	outb(PIC2_DATA, IRQ_BASE + 8);
	outb(PIC1_DATA, 1 << 2);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 0x01);
	outb(PIC2_DATA, 0x01);
	write_mask();
}

void pic_unmask(int irq)
{
	mask &= ~(1u << irq);
	write_mask();
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}
