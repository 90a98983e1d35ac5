/* The interrupt descriptor table. */
#pragma once
#include <stdint.h>

void idt_init(void);
/* Sets vector's gate to handler; dpl 3 lets user code raise it with int. */
void idt_set_gate(int vector, uint64_t handler, int ist, int dpl);
