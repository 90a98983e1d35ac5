/* A pointer or an error in one return value, as Linux's include/linux/
 * err.h: the last 4095 addresses are never an object's, so they can carry
 * -errno.
 *
 * The kernel's one error convention:
 *   - A function that returns a number or nothing returns -ENOMEM and
 *     friends on failure, 0 or more on success: never a bare -1.
 *   - A function that returns an object or an error returns the object or
 *     ERR_PTR(-EIO); the caller tests IS_ERR() and passes PTR_ERR() on,
 *     never guessing the cause. NULL stays only where it has one meaning
 *     the name says: an allocator out of memory (kmalloc, alloc_pages,
 *     task_alloc: ENOMEM), a lookup that found nothing (vm_find, fd_get),
 *     the end of a file (pagecache_get_page).
 *   - int f(..., T **out) is for functions whose result is more than one
 *     object (a block and an entry in it) or that fill a caller's slot.
 *     No T *f(..., int *err). */
#pragma once
#include <kernel/types.h>
#include <kernel/compiler.h>

#define MAX_ERRNO 4095

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return unlikely((uintptr_t)ptr >= (uintptr_t)-MAX_ERRNO);
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return unlikely(!ptr) || IS_ERR(ptr);
}

/* An error pointer under another type (Linux's ERR_CAST). */
static inline void *ERR_CAST(const void *ptr)
{
	return (void *)ptr;
}
