/* How many interrupts of each vector each CPU took (arch/x86_64/
 * irq_stats.c), for /proc/interrupts and /proc/stat's intr line. */
#pragma once
#include <kernel/types.h>

/* trap_dispatch: the running CPU takes vector (IRQ_BASE..NUM_VECTORS-1,
 * or VEC_SPURIOUS). */
void irq_stats_count(unsigned vector);
/* The count of vector on cpu (VEC_SPURIOUS included). */
uint64_t irq_stats_get(int cpu, unsigned vector);
/* A device's name for its vector, shown in /proc/interrupts
 * ("virtio0-req.0"); name must stay valid. */
void irq_stats_set_name(unsigned vector, const char *name);
/* The name given to vector, or NULL. */
const char *irq_stats_name(unsigned vector);
