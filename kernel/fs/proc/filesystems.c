/* /proc/filesystems: the registered filesystem types, in the order they
 * were registered, "nodev" before those that need no block device
 * (mount(8) tries the others on a disk whose type it is not told). */
#include <kernel/types.h>
#include <fs/fs.h>
#include "system.h"

int filesystems_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	(void)ctx;
	for (const struct fs_type *t = fs_type_next(NULL); t; t = fs_type_next(t))
		pbuf_printf(b, "%s\t%s\n", t->needs_device ? "" : "nodev", t->name);
	return 0;
}
