/* The legacy 8259A interrupt controllers. */
#pragma once
#include <stdint.h>

void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);
