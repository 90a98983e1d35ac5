/* /proc/partitions: the disks, with their device numbers and sizes in
 * 1 KiB blocks, as Linux's block/genhd.c prints them. Kestrel reads no
 * partition tables: each disk is one row. */
#include <kernel/types.h>
#include <block/block.h>
#include <fs/fs.h>
#include "system.h"

int partitions_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	(void)ctx;
	pbuf_printf(b, "major minor  #blocks  name\n\n");
	for (struct block_device *d = block_first(); d; d = block_next(d)) {
		dev_t dev = block_devt(d);
		pbuf_printf(b, "%4u  %7u %10lu %s\n", MAJOR(dev), MINOR(dev), d->nsectors / 2, d->name);
	}
	return 0;
}
