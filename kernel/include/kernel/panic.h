/* Fatal errors. panic() prints the reason and a symbolized backtrace, then
 * powers the machine off with the panic exit status the grader recognises. */
#pragma once
#include <kernel/compiler.h>

struct trap_frame;

void panic(const char *fmt, ...) __noreturn __printf(1, 2);
/* panic() for reports longer than a line: details(arg) prints them (with
 * printk) between the "PANIC:" line and the backtrace. */
void panic_report(void (*details)(void *arg), void *arg, const char *fmt, ...) __noreturn __printf(3, 4);
/* Panic for an unhandled CPU exception: backtrace starts at the fault. */
void panic_trap(const struct trap_frame *tf, const char *fmt, ...) __noreturn __printf(2, 3);

#define assert(cond) \
	do { if (unlikely(!(cond))) panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); } while (0)
#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
