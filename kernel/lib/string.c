/* Memory and string functions. memset, memcpy and memmove move 8 bytes
 * per step with rep stosq/movsq, then the odd bytes with rep stosb/movsb:
 * as byte loops they were most of the kernel's time (clearing pages,
 * copying them on fork). Qwords even on CPUs with ERMS (fast rep
 * stosb/movsb): under QEMU's TCG every repetition costs about the same
 * whatever its width, so 8 bytes a step is several times faster there,
 * and on hardware the two are close for blocks of a page or more. gcc
 * inlines the small fixed-size cases itself. */
#include <kernel/string.h>
#include <stdint.h>

void *memset(void *dst, int c, size_t n)
{
	uint64_t pattern = 0x0101010101010101ull * (unsigned char)c;
	void *d = dst;
	size_t qwords = n / 8, bytes = n % 8;
	__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(qwords) : "a"(pattern) : "memory");
	__asm__ __volatile__("rep stosb" : "+D"(d), "+c"(bytes) : "a"(pattern) : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t qwords = n / 8, bytes = n % 8;
	__asm__ __volatile__("rep movsq" : "+D"(d), "+S"(src), "+c"(qwords) : : "memory");
	__asm__ __volatile__("rep movsb" : "+D"(d), "+S"(src), "+c"(bytes) : : "memory");
	return dst;
}

/* Overlapping with dst above src: copy from the end down, with the
 * direction flag set just for these instructions (the trap entry clears
 * it again for any interrupt that comes in between). */
void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst - (uintptr_t)src >= n)      /* dst below src, or no overlap */
		return memcpy(dst, src, n);
	size_t qwords = n / 8, bytes = n % 8;
	void *d = (char *)dst + n - 1;
	const void *s = (const char *)src + n - 1;
	__asm__ __volatile__("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(bytes) : : "memory");
	d = (char *)d - 7;              /* now at the last whole qword */
	s = (const char *)s - 7;
	__asm__ __volatile__("std\n\trep movsq\n\tcld" : "+D"(d), "+S"(s), "+c"(qwords) : : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/* Copies at most size - 1 bytes and always terminates (if size > 0);
 * returns strlen(src), so a result >= size means it was cut short. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t used = strnlen(dst, size);
	if (used == size)
		return size + strlen(src);
	return used + strlcpy(dst + used, src, size - used);
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);
	for (; *haystack; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return n == 0 ? (char *)haystack : NULL;
}
