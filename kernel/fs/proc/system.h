/* The system-wide files of /proc (Part C of Lab 7): one show function
 * per file, each in its own file of kernel/fs/proc/, and the /proc/sys
 * tree. PROC_SYSTEM_ENTRIES lists them for /proc's root table (root.c). */
#pragma once
#include <fs/pseudofs.h>
#include <linux/stat.h>

int meminfo_show(struct pbuf *b, const struct pseudo_ctx *ctx);
int cpuinfo_show(struct pbuf *b, const struct pseudo_ctx *ctx);
int stat_show(struct pbuf *b, const struct pseudo_ctx *ctx);
int uptime_show(struct pbuf *b, const struct pseudo_ctx *ctx);
int loadavg_show(struct pbuf *b, const struct pseudo_ctx *ctx);
int version_show(struct pbuf *b, const struct pseudo_ctx *ctx);
int filesystems_show(struct pbuf *b, const struct pseudo_ctx *ctx);
int partitions_show(struct pbuf *b, const struct pseudo_ctx *ctx);
int interrupts_show(struct pbuf *b, const struct pseudo_ctx *ctx);
extern const struct pseudo_entry proc_sys_children[];
extern const struct pseudo_entry proc_net_children[];     /* net.c */

#define PROC_FILE(n, fn) { .name = (n), .mode = S_IFREG | 0444, .show = (fn) }

#define PROC_SYSTEM_ENTRIES \
	PROC_FILE("meminfo", meminfo_show), \
	PROC_FILE("cpuinfo", cpuinfo_show), \
	PROC_FILE("stat", stat_show), \
	PROC_FILE("uptime", uptime_show), \
	PROC_FILE("loadavg", loadavg_show), \
	PROC_FILE("version", version_show), \
	PROC_FILE("filesystems", filesystems_show), \
	PROC_FILE("partitions", partitions_show), \
	PROC_FILE("interrupts", interrupts_show), \
	{ .name = "sys", .mode = S_IFDIR | 0555, .children = proc_sys_children }, \
	{ .name = "net", .mode = S_IFDIR | 0555, .children = proc_net_children }

/* Nanoseconds to /proc's clock ticks (USER_HZ: 100 per second). */
static inline uint64_t ns_to_clock_t(uint64_t ns) { return ns / 10000000; }
