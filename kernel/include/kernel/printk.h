/* Kernel console output. Everything goes to the serial console (COM1). */
#pragma once
#include <kernel/compiler.h>
#include <stdarg.h>

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);
void console_write(const char *s, unsigned long len);
/* The bytes as they are, no "\n" -> "\r\n": for the console tty, which
 * applies its termios output flags (OPOST, ONLCR) itself. */
void console_write_raw(const char *s, unsigned long len);
/* For panic: another CPU may have stopped while holding the console. */
void console_force_unlock(void);
