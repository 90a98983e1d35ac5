/* memfd_create's files (fs/memfd.c). */
#pragma once
#include <kernel/types.h>

struct file;
/* fcntl F_ADD_SEALS and F_GET_SEALS: -EINVAL for a file that is no memfd. */
long memfd_fcntl(struct file *f, unsigned cmd, uint64_t arg);
