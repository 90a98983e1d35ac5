/* sysfs's parts (kernel/fs/sysfs/): each file declares the directory it
 * builds, sysfs.c puts them together under /sys. */
#pragma once
#include <fs/pseudofs.h>
#include <linux/stat.h>

extern const struct pseudo_entry sysfs_cpu_children[];      /* devices/system/cpu */
extern const struct pseudo_list sysfs_cpu_list;             /* its cpuN (N > 0) */
extern const struct pseudo_list sysfs_block_list;           /* block/<disk> */
extern const struct pseudo_entry sysfs_tty_children[];      /* class/tty */

/* Prints the CPUs of mask as Linux's "%*pbl" does: ranges, "0-3" or
 * "0,2-3", and a newline. */
void cpulist_print(struct pbuf *b, uint64_t mask);

#define SYSFS_FILE(n, fn) { .name = (n), .mode = S_IFREG | 0444, .show = (fn) }
#define SYSFS_DIR(n, kids) { .name = (n), .mode = S_IFDIR | 0555, .children = (kids) }
