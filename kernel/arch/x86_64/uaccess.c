/* Checked copies between the kernel and user memory (x86/uaccess.h). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <x86/uaccess.h>
#include <x86/cpu.h>
#include <x86/memlayout.h>

size_t __copy_user(void *dst, const void *src, size_t n);
long __strncpy_user(char *dst, const char *src, size_t max);
long __cmpxchg_user32(uint32_t *uaddr, uint32_t old, uint32_t new, uint32_t *cur);

struct ex_entry {
	uint64_t insn, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

/* SMAP: set by paging_init when CR4.SMAP is on (stac/clac would be
 * invalid instructions on a CPU without it). */
bool smap_enabled;

static inline void user_access_begin(void)
{
	if (smap_enabled)
		__asm__ __volatile__("stac" ::: "memory");
}

static inline void user_access_end(void)
{
	if (smap_enabled)
		__asm__ __volatile__("clac" ::: "memory");
}

/* Is [addr, addr + n) entirely in the user half? Without this check a
 * program could have the kernel read or write the kernel's own memory:
 * those pages are mapped, so no fault would stop the copy. */
static bool access_ok(const void *addr, size_t n)
{
	// LAB 3 BEGIN(exercise 3): refuse ranges that wrap around or reach past USER_TOP
	uint64_t a = (uint64_t)addr;
	return a + n >= a && a + n <= USER_TOP;
	// LAB 3 STUB: return true;
	// LAB 3 END
}

uint64_t uaccess_fixup_address(uint64_t ip)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++)
		if (e->insn == ip)
			return e->fixup;
	return 0;
}

/* Copies n bytes from src to dst, one of which is the user pointer. */
static long copy_checked(void *dst, const void *src, const void *user, size_t n)
{
	if (!access_ok(user, n))
		return -EFAULT;
	user_access_begin();
	size_t left = __copy_user(dst, src, n);
	user_access_end();
	return left ? -EFAULT : 0;
}

long copy_from_user(void *dst, const void *user_src, size_t n)
{
	return copy_checked(dst, user_src, user_src, n);
}

long copy_to_user(void *user_dst, const void *src, size_t n)
{
	return copy_checked(user_dst, src, user_dst, n);
}

long strncpy_from_user(char *dst, const char *user_src, size_t max)
{
	uint64_t a = (uint64_t)user_src;
	if (a >= USER_TOP)
		return -EFAULT;
	/* Stop at the end of the user half even if max reaches beyond. */
	if (max > USER_TOP - a)
		max = USER_TOP - a;
	user_access_begin();
	long len = __strncpy_user(dst, user_src, max);
	user_access_end();
	if (len < 0)
		return -EFAULT;
	if ((size_t)len == max)
		return -ENAMETOOLONG;
	return len;
}

long cmpxchg_user32(uint32_t *uaddr, uint32_t old, uint32_t new, uint32_t *cur)
{
	if ((uint64_t)uaddr % sizeof(uint32_t) || !access_ok(uaddr, sizeof(uint32_t)))
		return -EFAULT;
	user_access_begin();
	long err = __cmpxchg_user32(uaddr, old, new, cur);
	user_access_end();
	return err;
}
