/* Error numbers: Linux's own, from the UAPI headers (linux-libc-dev), so
 * the values the kernel returns are the ones user programs expect.
 * Kernel functions return -ENOMEM and friends; 0 or more means success. */
#pragma once
#include <asm-generic/errno.h>
