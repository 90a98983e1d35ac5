/* A pointer or an error in one return value, as Linux's include/linux/
 * err.h: the last 4095 addresses are never an object's, so they can carry
 * -errno.
 *
 * The kernel's one error convention:
 *   - A function that returns a number (or only whether it worked)
 *     returns -ENOMEM and friends on failure, 0 or more on success:
 *     never a bare -1.
 *   - A function that returns an object returns it or ERR_PTR(-EIO); the
 *     caller tests IS_ERR() and passes PTR_ERR() on, never guessing the
 *     cause (bread, pagecache_get, vm_insert_region, open_program).
 *   - The shape int f(..., T **out) stays where Linux has it too: the
 *     path lookups and the file systems' operations (user_path_inode,
 *     lookup_child, exec_open, iop->mkdir), and functions with more than
 *     one result or that fill the caller's slot (vm_add_region).
 *   - NULL has one meaning, the one the name says: an allocator out of
 *     memory (kmalloc, alloc_pages, task_alloc: ENOMEM), a lookup that
 *     found nothing (vm_find, fd_get), the end of a file
 *     (pagecache_get_page). Never a NULL for several causes, and never
 *     T *f(..., int *err). */
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
