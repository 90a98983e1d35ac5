/* memfd_create's files (fs/memfd.c). */
#pragma once
#include <kernel/types.h>

struct file;
/* fcntl F_ADD_SEALS and F_GET_SEALS: -EINVAL for a file that is no memfd. */
long memfd_fcntl(struct file *f, unsigned cmd, uint64_t arg);
struct inode;
/* May the file's size change to size? -EPERM if a memfd's seals
 * (F_SEAL_SHRINK, F_SEAL_GROW) forbid it; 0 for any other file. */
int memfd_check_resize(struct inode *inode, uint64_t size);
