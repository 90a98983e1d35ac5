/* Thin wrappers over gcc attributes and builtins, so code reads as intent. */
#pragma once

#define __noreturn      __attribute__((noreturn))
#define __packed        __attribute__((packed))
#define __aligned(n)    __attribute__((aligned(n)))
#define __section(s)    __attribute__((section(s)))
#define __used          __attribute__((used))
#define __printf(f, a)  __attribute__((format(printf, f, a)))
#define __noinline      __attribute__((noinline))
/* A helper only a lab's solution calls: no warning in the blanked tree. */
#define __maybe_unused  __attribute__((unused))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))

#define static_assert _Static_assert

/* Stops the compiler from caching or reordering a memory access. */
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier()        __asm__ __volatile__("" ::: "memory")
