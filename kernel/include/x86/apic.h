/* The local APIC (one per CPU: its timer, interrupts between CPUs) and
 * what the ACPI tables say about the CPUs. */
#pragma once
#include <kernel/types.h>

/* Reads the ACPI MADT: fills cpus[].apic_id and ncpus. Returns false
 * (and leaves one CPU) when there is no usable table. */
bool acpi_find_cpus(uint64_t rsdp_pa);
extern uint64_t lapic_phys;       /* from the MADT */

/* Boot CPU: maps the APIC, measures its timer against the PIT, starts the
 * timer. Returns false if the APIC cannot be used (then: one CPU, PIT). */
bool lapic_init(void);
/* Other CPUs: enable their own APIC and timer with the boot CPU's figures. */
void lapic_init_ap(void);
bool lapic_active(void);
uint32_t lapic_id(void);
void lapic_eoi(void);

/* Inter-processor interrupts. */
void lapic_send_ipi(uint32_t apic_id, int vector);
void lapic_send_ipi_others(int vector);
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint32_t page);

#define LAPIC_TIMER_HZ 250
