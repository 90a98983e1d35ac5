/* devfs: /dev, a directory of every registered character device
 * (fs/devfs/devfs.c). */
#pragma once

/* Registers the "devfs" filesystem type; mount it with
 * mount_fs("devfs", NULL, NULL, "/dev") once the devices are registered. */
void devfs_init(void);
