/* Pipes (fs/pipe.c): pipe(2) and pipe2(2). A pipe is one ring buffer
 * with two struct files in front of it, the read end and the write end,
 * whose inode lives in "pipefs", a filesystem nobody can mount (as on
 * Linux), so fstat has something to describe. */
#pragma once
#include <kernel/types.h>

struct file;

/* Creates the pipefs superblock (at boot, with the filesystem types). */
void pipefs_init(void);

/* fcntl's pipe commands (F_GETPIPE_SZ): -EBADF if f is not a pipe. */
long pipe_fcntl(struct file *f, unsigned cmd, uint64_t arg);
