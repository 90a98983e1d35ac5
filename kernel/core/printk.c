/* printk: formatted output to the console and the kernel log. A lock keeps
 * lines from different CPUs (and interrupt handlers) from interleaving
 * mid-line. Levels decide what the console shows (see printk.h); the log
 * (core/kmsg.c) keeps every message. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/format.h>
#include <kernel/spinlock.h>
#include <kernel/cmdline.h>
#include <kernel/kmsg.h>
#include <x86/serial.h>

static struct spinlock console_lock = SPINLOCK_INIT("console");
static int console_loglevel = LOGLEVEL_DEFAULT_CONSOLE;

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

void console_loglevel_init(void)
{
	const char *v = cmdline_get("loglevel");
	if (v && *v) {
		int level = 0;
		while (*v >= '0' && *v <= '9' && level < 100)
			level = level * 10 + (*v++ - '0');
		console_loglevel_set(level);
	}
	if (cmdline_get("quiet"))
		console_loglevel_set(4);
	if (cmdline_get("debug"))
		console_loglevel_set(8);
}

int console_loglevel_get(void)
{
	return __atomic_load_n(&console_loglevel, __ATOMIC_RELAXED);
}

void console_loglevel_set(int level)
{
	__atomic_store_n(&console_loglevel, level, __ATOMIC_RELAXED);
}

void console_verbose(void)
{
	console_loglevel_set(15);
}

/* The level of a message: its KERN_* prefix, or for a message that goes on
 * with an unfinished line (no prefix, the last one did not end in "\n"),
 * the level of that line. */
static int message_level(const char **text, unsigned long *len)
{
	/* Only a hint for continuations: two CPUs printing at once may mix
	 * these up, and then a piece of a line gets the other's level. */
	static int line_level = LOGLEVEL_DEFAULT_MESSAGE;
	static bool line_open;
	const char *s = *text;
	int level = line_open ? line_level : LOGLEVEL_DEFAULT_MESSAGE;
	if (*len >= 2 && s[0] == KERN_SOH[0] && s[1] >= '0' && s[1] <= '7') {
		level = s[1] - '0';
		*text = s + 2;
		*len -= 2;
	}
	if (*len) {
		line_level = level;
		line_open = (*text)[*len - 1] != '\n';
	}
	return level;
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	const char *text = buf;
	unsigned long len = n < (int)sizeof(buf) ? (unsigned long)n : sizeof(buf) - 1;
	int level = message_level(&text, &len);
	kmsg_store(level, text, len);
	if (level < console_loglevel_get())
		console_write(text, len);
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
