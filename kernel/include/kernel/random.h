/* Random bytes for user space (AT_RANDOM, getrandom). */
#pragma once
#include <kernel/types.h>

void get_random_bytes(void *buf, size_t n);
