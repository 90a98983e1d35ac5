/* The 16550 UART on COM1: the kernel console. */
#pragma once
#include <stdbool.h>

void serial_init(void);
void serial_putc(char c);
/* Returns a received character, or -1 if none is waiting. */
int serial_getc(void);
