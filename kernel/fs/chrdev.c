/* The character-device registry (fs/chrdev.h): drivers register their
 * device numbers at boot, and opening any S_IFCHR inode, wherever it
 * lives, swaps in the registered driver's file_operations. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>
#include <fs/chrdev.h>

/* Devices are registered during boot, before user space runs, and never
 * removed: so readers (devfs listing /dev, open) walk the list without a
 * lock. The lock only keeps two registrations from colliding. */
struct list_head chrdev_list = LIST_HEAD_INIT(chrdev_list);
static struct spinlock chrdev_lock = SPINLOCK_INIT("chrdev");

void chrdev_register(struct chrdev *cd)
{
	uint64_t flags = spin_lock_irqsave(&chrdev_lock);
	list_add_tail(&cd->link, &chrdev_list);    /* devfs numbers them in this order */
	spin_unlock_irqrestore(&chrdev_lock, flags);
}

struct chrdev *chrdev_find(dev_t dev)
{
	struct chrdev *cd;
	list_for_each_entry(cd, &chrdev_list, link)
		if (cd->dev == dev)
			return cd;
	return NULL;
}

/* A device inode's open: from here on the file is the driver's. */
static int chrdev_open(struct inode *inode, struct file *f)
{
	struct chrdev *cd = chrdev_find(inode->rdev);
	if (!cd)
		return -ENXIO;      /* Linux's answer for a number with no driver */
	f->fop = cd->fop;
	return f->fop->open ? f->fop->open(inode, f) : 0;
}

const struct file_operations chrdev_open_ops = {
	.open = chrdev_open,
};
