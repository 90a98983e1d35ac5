/* getrandom: random bytes without opening /dev/urandom. The kernel's
 * generator (core/random.c) never blocks, so GRND_NONBLOCK and
 * GRND_RANDOM change nothing, as on Linux once its pool is ready. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/random.h>
#include <linux/random.h>
#include <syscall/syscalls.h>
#include <x86/memlayout.h>
#include <x86/uaccess.h>

#define GETRANDOM_MAX (32 * 1024 * 1024 - 1)   /* Linux returns at most this per call */

long sys_getrandom(void *ubuf, size_t count, unsigned flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
		return -EINVAL;
	if (count > GETRANDOM_MAX)
		count = GETRANDOM_MAX;
	uint8_t chunk[256];
	size_t done = 0;
	while (done < count) {
		/* Pieces never cross a page, so a fault loses nothing: the
		 * caller gets the bytes before the bad page (Linux's short
		 * count), and EFAULT only if there are none. */
		uint64_t to = (uint64_t)ubuf + done;
		size_t n = count - done < sizeof(chunk) ? count - done : sizeof(chunk);
		if (n > PAGE_SIZE - (to & (PAGE_SIZE - 1)))
			n = PAGE_SIZE - (to & (PAGE_SIZE - 1));
		get_random_bytes(chunk, n);
		if (copy_to_user((uint8_t *)ubuf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return done;
}
