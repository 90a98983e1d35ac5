/* Reading and writing user memory from the kernel.
 *
 * A pointer from a system call is only a number the program chose: it
 * may point into the kernel, at nothing, or at a page the program may not
 * write. These functions check the range is in the user half, then copy
 * with instructions listed in an "exception table" (__ex_table): if one
 * of them faults and the fault cannot be resolved (fault.c), the fault
 * handler resumes at the routine's fixup code instead of panicking, and
 * the caller sees -EFAULT. With SMAP on, the kernel may touch user pages
 * only between stac and clac, which these functions do. */
#pragma once
#include <kernel/types.h>

/* 0, or -EFAULT if any byte could not be copied. */
long copy_from_user(void *dst, const void *user_src, size_t n);
long copy_to_user(void *user_dst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max bytes (with the NUL):
 * returns its length, -EFAULT, or -ENAMETOOLONG if there is no NUL. */
long strncpy_from_user(char *dst, const char *user_src, size_t max);

/* Atomically: if the user word at uaddr holds old, store new there.
 * *cur gets the value found (old if the exchange happened). 0, or
 * -EFAULT for an unaligned word, one outside the user half or one the
 * fault handler cannot make present and writable. */
long cmpxchg_user32(uint32_t *uaddr, uint32_t old, uint32_t new, uint32_t *cur);

/* Set when CR4.SMAP is on (kmap.c). */
extern bool smap_enabled;

/* Fault handling: the fixup address for a faulting uaccess instruction,
 * or 0 if ip is not one. */
uint64_t uaccess_fixup_address(uint64_t ip);
