/* Boot-time setup of the file tree (fs/rootfs.c). */
#pragma once
/* Registers the filesystem types, mounts "/", /dev and /tmp. */
void vfs_init(void);
/* Registers the filesystem types other than tmpfs (fs/filesystems.c). */
void filesystems_init(void);
