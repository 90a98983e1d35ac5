/* printf-style formatting: the engine behind printk and ksnprintf.
 *
 * Supports flags "-+ #0", width and precision (also as "*"), the length
 * modifiers hh h l ll z t j, and the conversions d i u x X o p s c %. The
 * host unit tests (kernel/tests/unit/test_format.c) hold it to glibc's
 * printf, so "what would printf print?" is always the specification. */
#include <kernel/format.h>
#include <stdint.h>
#include <stdbool.h>

struct out {
	char *buf;
	size_t size;
	size_t len;     /* characters produced so far, even past size */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left;      /* '-': pad on the right */
	bool plus;      /* '+': always print a sign */
	bool space;     /* ' ': a space where a '+' would go */
	bool alt;       /* '#': 0x prefix for hex, leading 0 for octal */
	bool zero;      /* '0': pad with zeros instead of spaces */
	int width;      /* minimum field width */
	int precision;  /* -1 when absent */
};

/* Writes a string field of n characters, padded to the field width. */
static void format_chars(struct out *o, const struct spec *sp, const char *s, int n)
{
	if (!sp->left)
		put_repeat(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		put_repeat(o, ' ', sp->width - n);
}

/* Formats one integer: value is its magnitude, negative its sign.
 * The field is [padding][sign or 0x][zeros][digits][padding], where the
 * zeros come from the precision (minimum digit count) or the '0' flag. */
static void format_number(struct out *o, const struct spec *sp, uint64_t value,
			  bool negative, int base, bool upper)
{
	// LAB 1 BEGIN(exercise 2): format an integer with sign, prefix, precision and width
	const char *digit_chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24];
	int ndigits = 0;

	/* Digits, least significant first. A precision of 0 prints no
	 * digits for the value 0 (C11 7.21.6.1). */
	if (value != 0 || sp->precision != 0) {
		do {
			digits[ndigits++] = digit_chars[value % base];
			value /= base;
		} while (value);
	}

	char prefix[3];
	int nprefix = 0;
	if (negative)
		prefix[nprefix++] = '-';
	else if (sp->plus)
		prefix[nprefix++] = '+';
	else if (sp->space)
		prefix[nprefix++] = ' ';
	if (sp->alt && base == 16 && ndigits && !(ndigits == 1 && digits[0] == '0')) {
		prefix[nprefix++] = '0';
		prefix[nprefix++] = upper ? 'X' : 'x';
	}

	int zeros = sp->precision > ndigits ? sp->precision - ndigits : 0;
	/* '#' with octal: the first digit printed must be a 0. */
	if (sp->alt && base == 8 && zeros == 0 && (ndigits == 0 || digits[ndigits - 1] != '0'))
		zeros = 1;
	int len = nprefix + zeros + ndigits;
	/* The '0' flag pads with zeros after the sign, unless a precision
	 * was given or the field is left-aligned. */
	if (sp->zero && !sp->left && sp->precision < 0 && sp->width > len) {
		zeros += sp->width - len;
		len = sp->width;
	}

	if (!sp->left)
		put_repeat(o, ' ', sp->width - len);
	for (int i = 0; i < nprefix; i++)
		put(o, prefix[i]);
	put_repeat(o, '0', zeros);
	while (ndigits > 0)
		put(o, digits[--ndigits]);
	if (sp->left)
		put_repeat(o, ' ', sp->width - len);
	// LAB 1 END
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF, LEN_MAX };

static enum length parse_length(const char **fmt)
{
	const char *f = *fmt;
	enum length len = LEN_INT;
	switch (*f) {
	case 'h': len = f[1] == 'h' ? (f++, LEN_CHAR) : LEN_SHORT; break;
	case 'l': len = f[1] == 'l' ? (f++, LEN_LLONG) : LEN_LONG; break;
	case 'z': len = LEN_SIZE; break;
	case 't': len = LEN_PTRDIFF; break;
	case 'j': len = LEN_MAX; break;
	default: return LEN_INT;
	}
	*fmt = f + 1;
	return len;
}

static int64_t fetch_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:    return (signed char)va_arg(*ap, int);
	case LEN_SHORT:   return (short)va_arg(*ap, int);
	case LEN_LONG:    return va_arg(*ap, long);
	case LEN_LLONG:   return va_arg(*ap, long long);
	case LEN_SIZE:    return va_arg(*ap, long);      /* ssize_t */
	case LEN_PTRDIFF: return va_arg(*ap, long);      /* ptrdiff_t */
	case LEN_MAX:     return va_arg(*ap, intmax_t);
	default:          return va_arg(*ap, int);
	}
}

static uint64_t fetch_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:    return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT:   return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG:    return va_arg(*ap, unsigned long);
	case LEN_LLONG:   return va_arg(*ap, unsigned long long);
	case LEN_SIZE:    return va_arg(*ap, size_t);
	case LEN_PTRDIFF: return va_arg(*ap, unsigned long);
	case LEN_MAX:     return va_arg(*ap, uintmax_t);
	default:          return va_arg(*ap, unsigned);
	}
}

/* Reads flags, width and precision after a '%'. */
static void parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
	const char *f = *fmt;
	*sp = (struct spec){ .precision = -1 };
	for (;; f++) {
		if (*f == '-') sp->left = true;
		else if (*f == '+') sp->plus = true;
		else if (*f == ' ') sp->space = true;
		else if (*f == '#') sp->alt = true;
		else if (*f == '0') sp->zero = true;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {            /* a negative width means '-' */
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			if (sp->precision < 0)  /* a negative precision is "none" */
				sp->precision = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->precision = sp->precision * 10 + (*f++ - '0');
		}
	}
	*fmt = f;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	va_list ap;
	va_copy(ap, ap_in);

	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		const char *start = fmt++;
		struct spec sp;
		parse_spec(&fmt, &sp, &ap);
		enum length len = parse_length(&fmt);
		/* Signs belong to signed conversions only. */
		if (*fmt != 'd' && *fmt != 'i')
			sp.plus = sp.space = false;

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = fetch_signed(&ap, len);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
			format_number(&o, &sp, mag, v < 0, 10, false);
			break;
		}
		case 'u':
			format_number(&o, &sp, fetch_unsigned(&ap, len), false, 10, false);
			break;
		case 'x':
		case 'X':
			format_number(&o, &sp, fetch_unsigned(&ap, len), false, 16, *fmt == 'X');
			break;
		case 'o':
			format_number(&o, &sp, fetch_unsigned(&ap, len), false, 8, false);
			break;
		case 'p': {
			void *p = va_arg(ap, void *);
			if (!p) {               /* glibc prints NULL as "(nil)" */
				sp.precision = -1;
				format_chars(&o, &sp, "(nil)", 5);
			} else {
				sp.alt = true;
				format_number(&o, &sp, (uintptr_t)p, false, 16, false);
			}
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int n = 0;
			while (s[n] && (sp.precision < 0 || n < sp.precision))
				n++;
			format_chars(&o, &sp, s, n);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			format_chars(&o, &sp, &c, 1);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unknown conversion: print it as written. */
			for (const char *p = start; p <= fmt && *p; p++)
				put(&o, *p);
			if (!*fmt)
				goto done;
			break;
		}
		fmt++;
	}
done:
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	va_end(ap);
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
