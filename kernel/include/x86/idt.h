/* The interrupt descriptor table. */
#pragma once
#include <stdint.h>

void idt_init(void);
/* Loads the table on this CPU (idt_init does it on the boot CPU). */
void idt_load(void);
/* Sets vector's gate to handler; dpl 3 lets user code raise it with int. */
void idt_set_gate(int vector, uint64_t handler, int ist, int dpl);
