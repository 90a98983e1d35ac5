/* The 16550 UART on COM1: the kernel console. */
#pragma once
#include <stdbool.h>

void serial_init(void);
/* Sends c; '\n' goes out as "\r\n", as a terminal wants it. */
void serial_putc(char c);
/* Sends c as it is (the tty does its own output processing). */
void serial_putc_raw(char c);
/* Returns a received character, or -EAGAIN if none is waiting. */
int serial_getc(void);
