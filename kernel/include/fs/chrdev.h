/* Character devices: device numbers to file operations.
 *
 * A device inode (S_IFCHR, in devfs or on a disk) carries a device number;
 * opening it finds the driver registered for that number, whose
 * file_operations the new file takes. The numbers are Linux's
 * (Documentation/admin-guide/devices.txt), so `ls -l /dev` reads the same. */
#pragma once
#include <fs/fs.h>
#include <fs/file.h>

struct chrdev {
	dev_t dev;
	const char *name;           /* its name in /dev */
	uint32_t mode;              /* permissions in /dev (0666...) */
	const struct file_operations *fop;
	struct list_head link;
};

void chrdev_register(struct chrdev *cd);
struct chrdev *chrdev_find(dev_t dev);
/* Every registered device, for devfs to list. */
extern struct list_head chrdev_list;
/* The file_operations of every device inode: open() looks the driver up. */
extern const struct file_operations chrdev_open_ops;
