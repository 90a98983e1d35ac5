/* /proc/interrupts: how many interrupts of each source every CPU took
 * (arch/x86_64/irq_stats.c), in the layout of Linux 6.1's
 * kernel/irq/proc.c and arch/x86/kernel/irq.c: a header of CPU columns,
 * one numbered row per device interrupt (number = vector - 32) with its
 * controller and name, then the local APIC's own interrupts under
 * Linux's three-letter names. */
#include <kernel/types.h>
#include <x86/irq_stats.h>
#include <x86/percpu.h>
#include <x86/trap.h>
#include "system.h"

/* The PIC's lines the kernel uses. */
static const char *legacy_name(unsigned irq)
{
	switch (irq) {
	case IRQ_TIMER: return "timer";
	case IRQ_COM1:  return "ttyS0";
	default:        return NULL;
	}
}

static void counts(struct pbuf *b, unsigned vector)
{
	for (int c = 0; c < ncpus; c++)
		if (cpus[c].online)
			pbuf_printf(b, "%10lu ", irq_stats_get(c, vector));
}

static void device_rows(struct pbuf *b)
{
	for (unsigned v = IRQ_BASE; v < NUM_VECTORS; v++) {
		unsigned irq = v - IRQ_BASE;
		const char *name = irq < 16 ? legacy_name(irq) : irq_stats_name(v);
		if (!name)
			continue;
		pbuf_printf(b, "%3u: ", irq);
		counts(b, v);
		if (irq < 16)
			pbuf_printf(b, " %8s %3u-edge      %s\n", "XT-PIC", irq, name);
		else
			pbuf_printf(b, " %8s %3u-edge      %s\n", "PCI-MSIX", 0, name);
	}
}

/* The local APIC's vectors, as Linux names them. */
static const struct { const char *tag; unsigned vector; const char *what; } apic_rows[] = {
	{ "NMI", T_NMI, "Non-maskable interrupts" },
	{ "LOC", VEC_LAPIC_TIMER, "Local timer interrupts" },
	{ "SPU", VEC_SPURIOUS, "Spurious interrupts" },
	{ "RES", VEC_RESCHEDULE, "Rescheduling interrupts" },
	{ "CAL", VEC_STOP, "Function call interrupts" },
	{ "TLB", VEC_TLB_FLUSH, "TLB shootdowns" },
};

int interrupts_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	(void)ctx;
	pbuf_printf(b, "%*s", 3 + 8, "");
	for (int c = 0; c < ncpus; c++)
		if (cpus[c].online)
			pbuf_printf(b, "CPU%-8d", c);
	pbuf_printf(b, "\n");
	device_rows(b);
	for (size_t i = 0; i < sizeof(apic_rows) / sizeof(apic_rows[0]); i++) {
		pbuf_printf(b, "%3s: ", apic_rows[i].tag);
		counts(b, apic_rows[i].vector);
		pbuf_printf(b, "  %s\n", apic_rows[i].what);
	}
	pbuf_printf(b, "%3s: %10u\n%3s: %10u\n", "ERR", 0, "MIS", 0);
	return 0;
}
