/* The console tty: the serial port (COM1) as a terminal, /dev/console,
 * /dev/tty and /dev/ttyS0 (drivers/char/tty.c). */
#pragma once
#include <kernel/types.h>

/* Sets the tty up, registers its devices, and takes over COM1's receive
 * interrupt (IRQ 4): from then on every byte typed goes through the tty.
 * Call after pic_init, before sti. */
void tty_init(void);

/* For the kernel monitor: the next line typed (edited and echoed by the
 * tty in canonical mode), without its end, NUL-terminated; -EAGAIN if no
 * whole line is there yet. Never sleeps. */
long tty_read_line_nowait(char *buf, size_t size);
