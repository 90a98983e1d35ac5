/* Files that are not in any directory and are not pipes: eventfd,
 * timerfd, signalfd, epoll (fs/anon/anon_inodes.c). As Linux's
 * anon_inode_getfile, one call makes the struct file with its
 * operations and private data; /proc/PID/fd shows "anon_inode:[NAME]". */
#pragma once
#include <kernel/types.h>

struct file;
struct file_operations;

/* A new file of kind name (a string that lives forever: "eventfd"),
 * with fop and private, and status flags (O_RDWR, O_NONBLOCK...);
 * NULL if there is no memory. The caller installs it (fd_install). */
struct file *anon_inode_file(const char *name, const struct file_operations *fop,
			     void *private, unsigned flags);

/* The kind given at creation if f is such a file, else NULL. */
const char *anon_inode_name(const struct file *f);
