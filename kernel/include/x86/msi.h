/* Interrupt vectors for devices that signal with a message (MSI-X): the
 * device writes `data` to `address`, which the boot CPU's local APIC takes
 * as "interrupt at this vector". Vectors VEC_DEVICE_FIRST..LAST (trap.h)
 * are handed out one per queue or device by device_vector_alloc. */
#pragma once
#include <kernel/types.h>

typedef void (*device_irq_fn)(void *arg);

/* A free vector whose interrupts call fn(arg) (the EOI is done for it);
 * -ENOSPC when all are taken. */
int device_vector_alloc(device_irq_fn fn, void *arg);
void device_vector_free(int vector);

/* The MSI message that raises vector on the boot CPU. */
void msi_message(int vector, uint64_t *address, uint32_t *data);
