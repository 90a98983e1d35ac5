/* <stdlib.h> for lwIP's sources only: its heap is the kernel's
 * (lwipopts.h), and netif.c parses an interface number with atoi. */
#pragma once
#include <mm/kmalloc.h>

static inline int atoi(const char *s)
{
	int n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	return n;
}
