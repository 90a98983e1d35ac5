/* The interface ioctls (SIOCGIFCONF, SIOCGIFFLAGS...) that any socket
 * answers after its family (net/dev_ioctl.c): -ENOTTY for other commands. */
#pragma once
#include <kernel/types.h>

long dev_ioctl(unsigned cmd, uint64_t arg);
