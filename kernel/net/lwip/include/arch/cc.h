/* lwIP's compiler and platform definitions for Kestrel: the kernel's
 * printk and panic for diagnostics and assertions, its string functions,
 * and no libc headers (the kernel is freestanding). */
#pragma once
#include <kernel/types.h>      /* ssize_t */
#include <kernel/printk.h>
#include <kernel/panic.h>

#define LWIP_NO_INTTYPES_H      1
#define LWIP_NO_CTYPE_H         1
#define LWIP_NO_UNISTD_H        1
#define LWIP_NO_LIMITS_H        1       /* gcc's limits.h wants libc's under -nostdinc */
#define INT_MAX                 __INT_MAX__
#define SSIZE_MAX               __LONG_MAX__
#define X8_F   "02x"
#define U16_F  "u"
#define S16_F  "d"
#define X16_F  "x"
#define U32_F  "u"
#define S32_F  "d"
#define X32_F  "x"
#define SZT_F  "lu"

#define BYTE_ORDER LITTLE_ENDIAN
#define lwip_htons(x) __builtin_bswap16(x)
#define lwip_htonl(x) __builtin_bswap32(x)

#define LWIP_RAND_PROTO
#define LWIP_PLATFORM_DIAG(x)   do { printk x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) panic("lwIP assertion \"%s\" failed at %s:%d", x, __FILE__, __LINE__)

#define LWIP_ERR_T int

uint32_t lwip_port_rand(void);
void *lwip_port_calloc(size_t n, size_t size);
