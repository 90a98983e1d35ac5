/* Device interrupt vectors (x86/msi.h): a table of who owns each of
 * VEC_DEVICE_FIRST..LAST, one entry point that acknowledges the APIC and
 * calls the owner, and the MSI address/data format (Intel SDM vol. 3,
 * 11.11 "Message Signalled Interrupts"). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>
#include <x86/msi.h>
#include <x86/trap.h>
#include <x86/apic.h>
#include <x86/percpu.h>

#define NUM_DEVICE_VECTORS (VEC_DEVICE_LAST - VEC_DEVICE_FIRST + 1)

#define MSI_ADDRESS_BASE 0xfee00000u    /* the local APICs' message window */
#define MSI_DEST_SHIFT   12             /* destination APIC id, physical mode */

static struct {
	device_irq_fn fn;
	void *arg;
} owners[NUM_DEVICE_VECTORS];
static struct spinlock lock = SPINLOCK_INIT("device vectors");

/* Acknowledge first: MSIs are edge-triggered, so one that arrives while
 * fn runs is kept pending by the APIC and delivered after iretq. */
static void device_interrupt(struct trap_frame *tf)
{
	int i = tf->vector - VEC_DEVICE_FIRST;
	lapic_eoi();
	if (owners[i].fn)
		owners[i].fn(owners[i].arg);
}

int device_vector_alloc(device_irq_fn fn, void *arg)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	int vector = -ENOSPC;
	for (int i = 0; i < NUM_DEVICE_VECTORS; i++) {
		if (!owners[i].fn) {
			owners[i].arg = arg;
			owners[i].fn = fn;
			vector = VEC_DEVICE_FIRST + i;
			break;
		}
	}
	spin_unlock_irqrestore(&lock, flags);
	if (vector > 0)
		vector_register(vector, device_interrupt);
	return vector;
}

void device_vector_free(int vector)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	owners[vector - VEC_DEVICE_FIRST].fn = NULL;
	spin_unlock_irqrestore(&lock, flags);
}

void msi_message(int vector, uint64_t *address, uint32_t *data)
{
	/* Fixed delivery, edge-triggered, to the boot CPU alone: interrupt
	 * handlers then never run on two CPUs at once for one device. */
	*address = MSI_ADDRESS_BASE | (uint64_t)cpus[0].apic_id << MSI_DEST_SHIFT;
	*data = vector;
}
