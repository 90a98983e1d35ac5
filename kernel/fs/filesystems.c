/* The filesystem types the kernel knows, registered at boot. Adding one
 * is a line here. */
#include <fs/rootfs.h>
#include <fs/devfs.h>
#include <fs/ext2.h>
#include <fs/pipe.h>
#include <fs/procfs.h>
#include <fs/sysfs.h>
#include <net/socket.h>

void filesystems_init(void)
{
	devfs_init();
	ext2_init();
	pipefs_init();
	net_init();          /* sockfs and the socket families */
	proc_init();
	sysfs_init();
}
