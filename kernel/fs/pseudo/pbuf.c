/* pbuf (fs/pseudofs.h): the growing buffer a pseudo file's show() prints
 * into, Linux's seq_file buffer. It doubles as needed; past PBUF_MAX, or
 * with no memory left, it stops growing and says so (overflow). */
#include <kernel/types.h>
#include <kernel/string.h>
#include <kernel/format.h>
#include <mm/kmalloc.h>
#include <fs/pseudofs.h>
#include <stdarg.h>

void pbuf_init(struct pbuf *b)
{
	*b = (struct pbuf){ 0 };
}

void pbuf_free(struct pbuf *b)
{
	kfree(b->data);
	pbuf_init(b);
}

/* Room for `more` bytes after len (plus a NUL for the formatter). */
static bool pbuf_reserve(struct pbuf *b, size_t more)
{
	size_t need = b->len + more + 1;
	if (need <= b->cap)
		return true;
	if (b->overflow || need > PBUF_MAX) {
		b->overflow = true;
		return false;
	}
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > PBUF_MAX)
		cap = PBUF_MAX;
	char *d = kmalloc(cap);
	if (!d) {
		b->overflow = true;
		return false;
	}
	if (b->len)
		memcpy(d, b->data, b->len);
	kfree(b->data);
	b->data = d;
	b->cap = cap;
	return true;
}

void pbuf_write(struct pbuf *b, const void *data, size_t len)
{
	if (!pbuf_reserve(b, len))
		return;
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

void pbuf_putc(struct pbuf *b, char c)
{
	pbuf_write(b, &c, 1);
}

void pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	/* First try in the room there is; if it did not fit, grow and
	 * print again. */
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	va_start(ap, fmt);
	int n = kvsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < room) {
		b->len += n;
		return;
	}
	if (!pbuf_reserve(b, n))
		return;
	va_start(ap, fmt);
	kvsnprintf(b->data + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}
