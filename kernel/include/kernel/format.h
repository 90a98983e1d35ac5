/* printf-style formatting into a buffer. Pure code with no kernel
 * dependencies, so the host unit tests compile it against glibc's printf. */
#pragma once
#include <stddef.h>
#include <stdarg.h>

/* Same contract as C's vsnprintf: writes at most size-1 characters plus a
 * NUL, returns the length the full output would have had. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
