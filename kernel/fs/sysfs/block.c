/* /sys/block/<disk>: one directory per disk (lsblk, df and iostat read
 * them), with Linux's files:
 *   size  the capacity in 512-byte sectors
 *   dev   the device number, "254:0"
 *   stat  the I/O counters, 17 columns as Linux 6.1's part_stat_show:
 *         reads, reads merged, sectors read, ms reading, then the same for
 *         writes, requests in flight, ms busy, ms queued, then discards
 *         (4) and flushes (2). Kestrel counts requests and sectors; it
 *         merges none, has no discards and does not time requests. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <block/block.h>
#include <fs/fs.h>
#include <linux/limits.h>
#include "sysfs.h"

/* The disk of a directory's item, or NULL if it went away. */
static struct block_device *disk(long item)
{
	long i = 0;
	for (struct block_device *d = block_first(); d; d = block_next(d), i++)
		if (i == item)
			return d;
	return NULL;
}

static int show_size(struct pbuf *b, const struct pseudo_ctx *c)
{
	struct block_device *d = disk(c->item);
	if (!d)
		return -ENODEV;
	pbuf_printf(b, "%lu\n", d->nsectors);
	return 0;
}

static int show_dev(struct pbuf *b, const struct pseudo_ctx *c)
{
	struct block_device *d = disk(c->item);
	if (!d)
		return -ENODEV;
	dev_t dev = block_devt(d);
	pbuf_printf(b, "%u:%u\n", MAJOR(dev), MINOR(dev));
	return 0;
}

static int show_stat(struct pbuf *b, const struct pseudo_ctx *c)
{
	struct block_device *d = disk(c->item);
	if (!d)
		return -ENODEV;
	uint64_t r = __atomic_load_n(&d->reads, __ATOMIC_RELAXED);
	uint64_t w = __atomic_load_n(&d->writes, __ATOMIC_RELAXED);
	uint64_t rs = __atomic_load_n(&d->sectors_read, __ATOMIC_RELAXED);
	uint64_t ws = __atomic_load_n(&d->sectors_written, __ATOMIC_RELAXED);
	pbuf_printf(b, "%8lu %8u %8lu %8u %8lu %8u %8lu %8u %8u %8u %8u %8u %8u %8u %8u %8u %8u\n",
		    r, 0, rs, 0, w, 0, ws, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	return 0;
}

static const struct pseudo_entry disk_children[] = {
	SYSFS_FILE("dev", show_dev),
	SYSFS_FILE("size", show_size),
	SYSFS_FILE("stat", show_stat),
	{ 0 },
};

static const struct pseudo_entry disk_dir = SYSFS_DIR(NULL, disk_children);

static long next_disk(const struct pseudo_ctx *dir, long from)
{
	(void)dir;
	return disk(from) ? from : -1;
}

static void disk_name(long item, char *buf)
{
	struct block_device *d = disk(item);
	strlcpy(buf, d ? d->name : "", NAME_MAX + 1);
}

static long parse_disk(const char *name)
{
	long i = 0;
	for (struct block_device *d = block_first(); d; d = block_next(d), i++)
		if (!strcmp(d->name, name))
			return i;
	return -1;
}

const struct pseudo_list sysfs_block_list = {
	.next = next_disk, .entry = &disk_dir, .name = disk_name, .parse = parse_disk,
};
