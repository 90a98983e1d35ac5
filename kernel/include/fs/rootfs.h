/* Boot-time setup of the file tree (fs/rootfs.c). */
#pragma once
#include <kernel/types.h>
/* Registers the filesystem types, mounts "/", /dev and /tmp. */
void vfs_init(void);
/* Registers the filesystem types other than tmpfs (fs/filesystems.c). */
void filesystems_init(void);
/* Is "/" a disk's filesystem (not the empty tmpfs of a diskless boot)? */
bool rootfs_on_disk(void);
