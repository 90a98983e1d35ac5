/* tmpfs's mount options (size=, nr_inodes=, mode=, uid=, gid=, as Linux's
 * shmem) and the limits they set: a write that needs a page past size=
 * fails with ENOSPC, as does a new file past nr_inodes=. statfs reports
 * the same figures (df), and /proc/mounts shows the options that differ
 * from the defaults. A file's pages are counted as the page cache holds
 * them (sb->cached_pages): holes cost nothing until written. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/page_alloc.h>
#include <linux/magic.h>
#include <fs/fs.h>
#include <fs/pagecache.h>
#include <kernel/format.h>
#include "tmpfs_sb.h"

/* Linux's defaults: half of RAM for both pages and inodes. */
static uint64_t default_max(void)
{
	struct mem_stats m;
	mem_stats(&m);
	return m.total_pages / 2;
}

static uint64_t max_pages(const struct tmpfs_sb *ts)
{
	return ts->max_pages ? ts->max_pages : default_max();
}

static uint64_t max_inodes(const struct tmpfs_sb *ts)
{
	return ts->max_inodes ? ts->max_inodes : default_max();
}

/* A number with Linux's memparse suffixes (k, m, g, t) in base 10, or
 * base 8 (mode=). Returns false for anything else. */
static bool parse_number(const char *s, unsigned base, bool suffix, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;
	for (; *p >= '0' && *p < '0' + (int)base; p++) {
		if (v > (UINT64_MAX - 9) / base)
			return false;
		v = v * base + (uint64_t)(*p - '0');
	}
	if (p == s)
		return false;
	if (suffix && *p) {
		const char *units = "kmgt";
		const char *u = strchr(units, *p | 0x20);
		if (!u)
			return false;
		for (long i = 0; i <= u - units; i++)
			v <<= 10;
		p++;
	}
	*out = v;
	return *p == 0;
}

/* One "name=value" option into ts. */
static int parse_option(struct tmpfs_sb *ts, char *opt)
{
	char *eq = strchr(opt, '=');
	if (!eq)
		return -EINVAL;
	*eq = 0;
	const char *name = opt, *value = eq + 1;
	uint64_t v;
	if (!strcmp(name, "size") && parse_number(value, 10, true, &v) && v)
		ts->max_pages = (v + PAGE_SIZE - 1) / PAGE_SIZE;
	else if (!strcmp(name, "nr_inodes") && parse_number(value, 10, true, &v) && v)
		ts->max_inodes = v;
	else if (!strcmp(name, "mode") && parse_number(value, 8, false, &v) && v <= 07777)
		ts->root_mode = (uint32_t)v;
	else if (!strcmp(name, "uid") && parse_number(value, 10, false, &v) && v < UINT32_MAX)
		ts->root_uid = (uint32_t)v;
	else if (!strcmp(name, "gid") && parse_number(value, 10, false, &v) && v < UINT32_MAX)
		ts->root_gid = (uint32_t)v;
	else
		return -EINVAL;         /* Linux: "tmpfs: Unknown parameter" or a bad value */
	return 0;
}

int tmpfs_parse_options(struct tmpfs_sb *ts, const char *options)
{
	if (!options || !*options)
		return 0;
	char buf[256];
	if (strlcpy(buf, options, sizeof(buf)) >= sizeof(buf))
		return -EINVAL;
	char *opt = buf;
	while (opt) {
		char *comma = strchr(opt, ',');
		if (comma)
			*comma = 0;
		int err = *opt ? parse_option(ts, opt) : 0;
		if (err)
			return err;
		opt = comma ? comma + 1 : NULL;
	}
	return 0;
}

bool tmpfs_charge_inode(struct super_block *sb)
{
	struct tmpfs_sb *ts = sb->fs_private;
	uint64_t n = __atomic_add_fetch(&ts->inodes, 1, __ATOMIC_RELAXED);
	if (ts->max_inodes && n > ts->max_inodes) {
		__atomic_sub_fetch(&ts->inodes, 1, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}

void tmpfs_uncharge_inode(struct super_block *sb)
{
	struct tmpfs_sb *ts = sb->fs_private;
	__atomic_sub_fetch(&ts->inodes, 1, __ATOMIC_RELAXED);
}

/* A page that is not in the cache yet must fit under size= (the write
 * fails with ENOSPC otherwise, before any data is lost). */
static int tmpfs_write_begin(struct inode *inode, uint64_t index, uint64_t end)
{
	struct tmpfs_sb *ts = inode->sb->fs_private;
	if (!ts->max_pages)
		return 0;
	uint64_t used = __atomic_load_n(&inode->sb->cached_pages, __ATOMIC_RELAXED);
	if (!pagecache_has(inode, index))
		used++;
	return used > ts->max_pages ? -ENOSPC : 0;
}

/* Holes and pages past the end: zeroes (no disk behind them). */
static int tmpfs_read_page(struct inode *inode, uint64_t index, void *page)
{
	memset(page, 0, PAGE_SIZE);
	return 0;
}

const struct address_space_operations tmpfs_aops = {
	.read_page = tmpfs_read_page,
	.write_begin = tmpfs_write_begin,
};

int tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct tmpfs_sb *ts = sb->fs_private;
	uint64_t used = __atomic_load_n(&sb->cached_pages, __ATOMIC_RELAXED);
	uint64_t inodes = __atomic_load_n(&ts->inodes, __ATOMIC_RELAXED);
	st->type = TMPFS_MAGIC;
	st->bsize = st->frsize = PAGE_SIZE;
	st->namelen = NAME_MAX;
	st->blocks = max_pages(ts);
	st->bfree = st->bavail = used < st->blocks ? st->blocks - used : 0;
	st->files = max_inodes(ts);
	st->ffree = inodes < st->files ? st->files - inodes : 0;
	return 0;
}

int tmpfs_remount(struct super_block *sb, const char *options)
{
	struct tmpfs_sb *ts = sb->fs_private;
	struct tmpfs_sb copy = *ts;
	int err = tmpfs_parse_options(&copy, options);
	if (err)
		return err;
	/* Linux refuses to shrink below what is in use. */
	if (copy.max_pages && copy.max_pages < __atomic_load_n(&sb->cached_pages, __ATOMIC_RELAXED))
		return -EINVAL;
	if (copy.max_inodes && copy.max_inodes < __atomic_load_n(&ts->inodes, __ATOMIC_RELAXED))
		return -EINVAL;
	ts->max_pages = copy.max_pages;
	ts->max_inodes = copy.max_inodes;
	return 0;
}

void tmpfs_show_options(struct super_block *sb, char *buf, size_t size)
{
	struct tmpfs_sb *ts = sb->fs_private;
	size_t n = 0;
	buf[0] = 0;
	if (ts->max_pages)
		n += ksnprintf(buf + n, size - n, ",size=%luk",
			       (unsigned long)(ts->max_pages * (PAGE_SIZE / 1024)));
	if (ts->max_inodes && n < size)
		n += ksnprintf(buf + n, size - n, ",nr_inodes=%lu", (unsigned long)ts->max_inodes);
	if (ts->root_mode != 01777 && n < size)
		n += ksnprintf(buf + n, size - n, ",mode=%03o", ts->root_mode);
	if (ts->root_uid && n < size)
		n += ksnprintf(buf + n, size - n, ",uid=%u", ts->root_uid);
	if (ts->root_gid && n < size)
		ksnprintf(buf + n, size - n, ",gid=%u", ts->root_gid);
}
