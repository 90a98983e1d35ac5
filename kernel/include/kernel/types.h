/* Fixed-width integer types and the few basics every kernel file needs.
 * The kernel is freestanding: these come from the compiler, not libc. */
#pragma once
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef int64_t ssize_t;
typedef uint64_t physaddr_t;
