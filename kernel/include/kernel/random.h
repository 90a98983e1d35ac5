/* Random bytes for user space (AT_RANDOM, later getrandom). */
#pragma once
#include <kernel/types.h>

void get_random_bytes(void *buf, size_t n);
