/* printk: formatted output to the console. A lock keeps lines from
 * different CPUs (and interrupt handlers) from interleaving mid-line. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/format.h>
#include <kernel/spinlock.h>
#include <x86/serial.h>

static struct spinlock console_lock = SPINLOCK_INIT("console");

static void write_locked(const char *s, unsigned long len, void (*putc)(char))
{
	uint64_t flags = spin_lock_irqsave(&console_lock);
	for (unsigned long i = 0; i < len; i++)
		putc(s[i]);
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_write(const char *s, unsigned long len)
{
	write_locked(s, len, serial_putc);
}

void console_write_raw(const char *s, unsigned long len)
{
	write_locked(s, len, serial_putc_raw);
}

void console_force_unlock(void)
{
	__atomic_store_n(&console_lock.locked, 0, __ATOMIC_RELEASE);
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	console_write(buf, n < (int)sizeof(buf) ? (unsigned long)n : sizeof(buf) - 1);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
