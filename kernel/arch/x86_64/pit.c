/* The 8253/8254 programmable interval timer: a 1.193182 MHz counter whose
 * channel 0 raises IRQ 0 every time it counts down to zero. We use it as
 * the periodic tick until Lab 3 moves to the local APIC timer. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/timer.h>
#include <x86/cpu.h>
#include <x86/pic.h>
#include <x86/pit.h>
#include <x86/trap.h>


static __maybe_unused void pit_interrupt(struct trap_frame *tf)
{
	timer_tick(tf);
}

void timer_init(void)
{
	// LAB 1 BEGIN(exercise 6): make channel 0 interrupt TIMER_HZ times a second
	uint16_t divisor = PIT_FREQUENCY / TIMER_HZ;
	outb(PIT_COMMAND, 0x34);            /* channel 0, low then high byte, mode 2 (rate generator) */
	outb(PIT_CHANNEL0, divisor & 0xff);
	outb(PIT_CHANNEL0, divisor >> 8);
	irq_register(IRQ_TIMER, pit_interrupt);
	pic_unmask(IRQ_TIMER);
	// LAB 1 END
}
