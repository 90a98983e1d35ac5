/* Kernel console output. Everything goes to the serial console (COM1) and
 * to the kernel log (kmsg), which dmesg reads through syslog(2).
 *
 * Levels are Linux's: a message may start with KERN_ERR, KERN_INFO, ...
 * (an SOH byte and a digit). The console shows a message when its level is
 * below the console log level ("loglevel=N" on the command line, "quiet"
 * for 4, "debug" for 8; 7 by default, as Linux); the log keeps them all. A
 * message without a level has level 4, like Linux's default. */
#pragma once
#include <kernel/compiler.h>
#include <stdarg.h>

#define KERN_SOH     "\001"
#define KERN_EMERG   KERN_SOH "0"
#define KERN_ALERT   KERN_SOH "1"
#define KERN_CRIT    KERN_SOH "2"
#define KERN_ERR     KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE  KERN_SOH "5"
#define KERN_INFO    KERN_SOH "6"
#define KERN_DEBUG   KERN_SOH "7"

#define LOGLEVEL_DEFAULT_MESSAGE 4   /* a printk without a level */
#define LOGLEVEL_DEFAULT_CONSOLE 7   /* show all but KERN_DEBUG */

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);
void console_write(const char *s, unsigned long len);
/* The bytes as they are, no "\n" -> "\r\n": for the console tty, which
 * applies its termios output flags (OPOST, ONLCR) itself. */
void console_write_raw(const char *s, unsigned long len);
/* For panic: another CPU may have stopped while holding the console. */
void console_force_unlock(void);

/* The console log level: from the command line at boot, and syslog(2). */
void console_loglevel_init(void);
int console_loglevel_get(void);
void console_loglevel_set(int level);
/* Panic: from now on the console shows everything. */
void console_verbose(void);
