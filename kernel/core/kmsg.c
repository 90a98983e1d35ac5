/* The kernel log: a ring of the last KMSG_SIZE bytes printk produced, each
 * line stored as Linux's syslog(2) returns it ("<6>text\n"), so busybox
 * dmesg shows what the console's log level hid (ENOSYS reports, say). */
#include <kernel/types.h>
#include <kernel/kmsg.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/errno.h>
#include <x86/uaccess.h>
#include <mm/kmalloc.h>

#define KMSG_SIZE 16384          /* a power of two: positions wrap by mask */

static char ring[KMSG_SIZE];
static uint64_t head;            /* bytes ever stored */
static uint64_t cleared;         /* SYSLOG_ACTION_CLEAR's mark */
static bool at_line_start = true;
static struct spinlock kmsg_lock = SPINLOCK_INIT("kmsg");

static void put(char c)
{
	ring[head++ & (KMSG_SIZE - 1)] = c;
}

void kmsg_store(int level, const char *text, size_t len)
{
	uint64_t flags = spin_lock_irqsave(&kmsg_lock);
	for (size_t i = 0; i < len; i++) {
		if (at_line_start) {
			put('<');
			put('0' + level);
			put('>');
		}
		put(text[i]);
		at_line_start = text[i] == '\n';
	}
	spin_unlock_irqrestore(&kmsg_lock, flags);
}

/* syslog(2)'s actions, from Linux's include/linux/syslog.h (not UAPI). */
enum {
	SYSLOG_ACTION_CLOSE, SYSLOG_ACTION_OPEN, SYSLOG_ACTION_READ,
	SYSLOG_ACTION_READ_ALL, SYSLOG_ACTION_READ_CLEAR, SYSLOG_ACTION_CLEAR,
	SYSLOG_ACTION_CONSOLE_OFF, SYSLOG_ACTION_CONSOLE_ON,
	SYSLOG_ACTION_CONSOLE_LEVEL, SYSLOG_ACTION_SIZE_UNREAD,
	SYSLOG_ACTION_SIZE_BUFFER,
};

/* The oldest byte still in the ring at or after the clear mark, moved to
 * the start of a line when the ring has wrapped over the mark. */
static uint64_t oldest(void)
{
	uint64_t from = cleared;
	if (head - from > KMSG_SIZE) {
		from = head - KMSG_SIZE;
		while (from < head && ring[(from - 1) & (KMSG_SIZE - 1)] != '\n')
			from++;
	}
	return from;
}

/* Copies the newest `len` bytes (from a line start when the ring allows)
 * to user memory: a snapshot under the spinlock first, the user copy after,
 * since a copy may fault and sleep. */
static long read_all(char *ubuf, int len, bool clear)
{
	if (!ubuf || len < 0)
		return -EINVAL;
	char *snap = kmalloc(KMSG_SIZE);
	if (!snap)
		return -ENOMEM;
	uint64_t flags = spin_lock_irqsave(&kmsg_lock);
	uint64_t from = oldest(), to = head;
	if ((uint64_t)len < to - from)
		from = to - len;
	size_t n = to - from;
	for (size_t i = 0; i < n; i++)
		snap[i] = ring[(from + i) & (KMSG_SIZE - 1)];
	if (clear)
		cleared = to;
	spin_unlock_irqrestore(&kmsg_lock, flags);
	long ret = copy_to_user(ubuf, snap, n) ? -EFAULT : (long)n;
	kfree(snap);
	return ret;
}

long sys_syslog(int type, char *buf, int len)
{
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_READ_ALL:
		return read_all(buf, len, false);
	case SYSLOG_ACTION_READ_CLEAR:
		return read_all(buf, len, true);
	case SYSLOG_ACTION_CLEAR: {
		uint64_t flags = spin_lock_irqsave(&kmsg_lock);
		cleared = head;
		spin_unlock_irqrestore(&kmsg_lock, flags);
		return 0;
	}
	case SYSLOG_ACTION_CONSOLE_OFF:
		console_loglevel_set(1);        /* Linux keeps emergencies */
		return 0;
	case SYSLOG_ACTION_CONSOLE_ON:
		console_loglevel_set(LOGLEVEL_DEFAULT_CONSOLE);
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		if (len < 1 || len > 8)
			return -EINVAL;
		console_loglevel_set(len < 2 ? 2 : len);   /* Linux's minimum */
		return 0;
	case SYSLOG_ACTION_SIZE_UNREAD: {
		uint64_t flags = spin_lock_irqsave(&kmsg_lock);
		long n = (long)(head - oldest());
		spin_unlock_irqrestore(&kmsg_lock, flags);
		return n;
	}
	case SYSLOG_ACTION_SIZE_BUFFER:
		return KMSG_SIZE;
	case SYSLOG_ACTION_READ:
		/* Linux blocks until there is news; nothing here reads that way. */
		return -EINVAL;
	default:
		return -EINVAL;
	}
}
