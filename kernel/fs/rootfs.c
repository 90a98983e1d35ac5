/* Boot: the filesystem types, the root filesystem and the standard mounts.
 *
 * "root=vda" (the default when a disk is present) mounts that disk's ext2
 * as "/"; without a disk, or if it cannot be mounted, "/" is an empty
 * tmpfs, so the kernel still boots and says why. /dev (devfs) and /tmp
 * (tmpfs) are mounted on top either way. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/cmdline.h>
#include <kernel/string.h>
#include <block/block.h>
#include <fs/fs.h>
#include <fs/dentry.h>
#include <fs/vfs.h>
#include <fs/tmpfs.h>
#include <fs/rootfs.h>
#include <fs/writeback.h>
#include <fs/locks.h>

static void mount_on(const char *type, const char *where)
{
	if (!fs_type_find(type))
		return;
	int err = vfs_mkdir(AT_FDCWD, where, 0755);
	if (err && err != -EEXIST)
		printk("kestrel: cannot create %s for %s: error %d\n", where, type, err);
	err = mount_fs(type, type, NULL, where);     /* source: the type, as Linux's devtmpfs */
	if (err)
		printk("kestrel: cannot mount %s on %s: error %d\n", type, where, err);
}

static bool root_on_disk;

bool rootfs_on_disk(void)
{
	return root_on_disk;
}

void vfs_init(void)
{
	inode_cache_init();
	locks_init();
	tmpfs_init();
	filesystems_init();
	writeback_init();

	const char *root = cmdline_get("root");
	if (!root && block_first())
		root = block_first()->name;
	bool mounted = false;
	if (root && strcmp(root, "none")) {
		const char *type = cmdline_get("rootfstype");
		if (!type)
			type = "ext2";
		int err = mount_fs(type, root, NULL, "/");
		if (err)
			printk("kestrel: cannot mount the root filesystem (%s on %s): error %d; "
			       "using an empty tmpfs instead\n", type, root, err);
		else
			printk("kestrel: root filesystem: %s on %s\n", type, root);
		mounted = root_on_disk = !err;
	}
	if (!mounted && mount_fs("tmpfs", "tmpfs", NULL, "/")) {
		/* Only without a working kernel heap (Lab 2 not done yet). */
		printk("kestrel: cannot mount a tmpfs as root: no file tree\n");
		return;
	}
	mount_on("devfs", "/dev");
	mount_on("tmpfs", "/tmp");
}
