/* sysfs, mounted on /sys: the machine's devices as a tree of directories,
 * one per object, each holding small files of one value each (Linux's
 * rule for sysfs: "one value per file"). Where /proc grew file formats
 * of its own, sysfs is the place for new kernel objects. Kestrel builds
 * the parts programs read:
 *
 *   devices/system/cpu/   online, possible, present... (cpu.c)
 *   block/<disk>/         size, dev, stat (block.c)
 *   class/tty/<name>/dev  the terminals' device numbers
 *   kernel/mm/transparent_hugepage/enabled   "never": Kestrel has none
 *   fs/                   (filesystems' own settings: none yet) */
#include <kernel/types.h>
#include <linux/magic.h>
#include "sysfs.h"

/* class/tty: the terminal devices devfs has (drivers/char/tty.c). */
static int show_tty_dev(struct pbuf *b, const char *dev) { pbuf_printf(b, "%s\n", dev); return 0; }
static int show_console_dev(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; return show_tty_dev(b, "5:1"); }
static int show_tty_tty_dev(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; return show_tty_dev(b, "5:0"); }
static int show_ttyS0_dev(struct pbuf *b, const struct pseudo_ctx *c) { (void)c; return show_tty_dev(b, "4:64"); }

static const struct pseudo_entry console_children[] = { SYSFS_FILE("dev", show_console_dev), { 0 } };
static const struct pseudo_entry tty_children[] = { SYSFS_FILE("dev", show_tty_tty_dev), { 0 } };
static const struct pseudo_entry ttyS0_children[] = { SYSFS_FILE("dev", show_ttyS0_dev), { 0 } };

const struct pseudo_entry sysfs_tty_children[] = {
	SYSFS_DIR("console", console_children),
	SYSFS_DIR("tty", tty_children),
	SYSFS_DIR("ttyS0", ttyS0_children),
	{ 0 },
};

static int show_thp_enabled(struct pbuf *b, const struct pseudo_ctx *c)
{
	(void)c;
	pbuf_printf(b, "always madvise [never]\n");
	return 0;
}

static const struct pseudo_entry thp_children[] = { SYSFS_FILE("enabled", show_thp_enabled), { 0 } };
static const struct pseudo_entry mm_children[] = { SYSFS_DIR("transparent_hugepage", thp_children), { 0 } };
static const struct pseudo_entry kernel_children[] = { SYSFS_DIR("mm", mm_children), { 0 } };
static const struct pseudo_entry empty[] = { { 0 } };

static const struct pseudo_entry system_children[] = {
	{ .name = "cpu", .mode = S_IFDIR | 0555, .children = sysfs_cpu_children, .list = &sysfs_cpu_list },
	{ 0 },
};
static const struct pseudo_entry devices_children[] = { SYSFS_DIR("system", system_children), { 0 } };
static const struct pseudo_entry class_children[] = { SYSFS_DIR("tty", sysfs_tty_children), { 0 } };

static const struct pseudo_entry root_children[] = {
	{ .name = "block", .mode = S_IFDIR | 0555, .children = empty, .list = &sysfs_block_list },
	SYSFS_DIR("class", class_children),
	SYSFS_DIR("devices", devices_children),
	SYSFS_DIR("fs", empty),
	SYSFS_DIR("kernel", kernel_children),
	{ 0 },
};

static const struct pseudo_entry root = SYSFS_DIR("", root_children);

static const struct pseudo_fs sysfs = { .name = "sysfs", .root = &root, .magic = SYSFS_MAGIC };

void sysfs_init(void)
{
	pseudofs_register(&sysfs);
}
