/* What lwIP asks of its platform (lwipopts.h, arch/cc.h): the time in
 * milliseconds, random numbers (initial sequence numbers, ephemeral
 * ports), and calloc on the kernel heap. */
#include <kernel/types.h>
#include <kernel/string.h>
#include <kernel/random.h>
#include <mm/kmalloc.h>
#include <time/clock.h>
#include "lwip/sys.h"

u32_t sys_now(void)
{
	return (u32_t)(clock_now_ns() / 1000000);
}

uint32_t lwip_port_rand(void)
{
	uint32_t r;
	get_random_bytes(&r, sizeof(r));
	return r;
}

void *lwip_port_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *p = kmalloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}
