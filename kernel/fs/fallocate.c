/* fallocate(2) for the page-cached regular files (ext2, tmpfs).
 *
 * Mode 0 makes the range's space exist now, so later writes there cannot
 * fail for lack of it: each page is brought into the cache (read, or
 * zeroes for a hole) and dirtied after the filesystem found its blocks
 * (aops->write_begin, as a write does), and the file grows to cover the
 * range. FALLOC_FL_KEEP_SIZE allocates only below the current size (ext2
 * keeps no blocks past the end of a file, e2fsck objects). ZERO_RANGE and
 * PUNCH_HOLE|KEEP_SIZE write zeroes over the range (the blocks stay: ext2
 * cannot punch holes in the middle of a file). COLLAPSE_RANGE,
 * INSERT_RANGE, UNSHARE_RANGE and WRITE_ZEROES are EOPNOTSUPP, as on a
 * Linux filesystem without them; the mode checks before are Linux's.
 *
 * Space is checked first: more new bytes than the disk has free blocks,
 * or for tmpfs more pages than half the free memory (Linux's tmpfs holds
 * at most half of RAM by default), is ENOSPC with nothing done. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <syscall/syscalls.h>
#include <mm/page_alloc.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/pagecache.h>
#include <kernel/err.h>
#include <fs/writeback.h>
#include <fs/memfd.h>
#include <linux/falloc.h>

#define PAGE 4096ull
#ifndef FALLOC_FL_WRITE_ZEROES
#define FALLOC_FL_WRITE_ZEROES 0x80     /* Linux 6.17 */
#endif
#define SUPPORTED_MASK (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | \
			FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE | \
			FALLOC_FL_WRITE_ZEROES)

/* Linux's vfs_fallocate checks of the mode alone. */
static int check_mode(int mode)
{
	if (mode & ~SUPPORTED_MASK)
		return -EOPNOTSUPP;
	switch (mode & ~FALLOC_FL_KEEP_SIZE) {
	case 0:
	case FALLOC_FL_UNSHARE_RANGE:
	case FALLOC_FL_ZERO_RANGE:
		return 0;
	case FALLOC_FL_PUNCH_HOLE:
		return mode & FALLOC_FL_KEEP_SIZE ? 0 : -EOPNOTSUPP;
	case FALLOC_FL_COLLAPSE_RANGE:
	case FALLOC_FL_INSERT_RANGE:
	case FALLOC_FL_WRITE_ZEROES:
		return mode & FALLOC_FL_KEEP_SIZE ? -EOPNOTSUPP : 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* Is there room for the bytes of [start, end) past the current size? */
static int check_space(struct inode *inode, uint64_t start, uint64_t end)
{
	uint64_t from = start > inode->size ? start : inode->size;
	if (end <= from)
		return 0;
	uint64_t bytes = end - from;
	if (!inode->sb->bdev) {
		struct mem_stats m;
		mem_stats(&m);
		return (bytes + PAGE - 1) / PAGE > m.free_pages / 2 ? -ENOSPC : 0;
	}
	struct kstatfs st = { 0 };
	if (!inode->sb->ops->statfs || inode->sb->ops->statfs(inode->sb, &st))
		return 0;
	uint64_t blocks = (bytes + st.bsize - 1) / st.bsize;
	return blocks > st.bfree ? -ENOSPC : 0;
}

/* Brings every page of [start, end) into the cache with its blocks found,
 * zeroing the range if zero; dirty, so the disk gets what the cache has. */
static int fill_range(struct inode *inode, uint64_t start, uint64_t end, bool zero)
{
	for (uint64_t index = start / PAGE; index * PAGE < end; index++) {
		uint64_t page_start = index * PAGE;
		uint64_t from = start > page_start ? start - page_start : 0;
		uint64_t to = end - page_start < PAGE ? end - page_start : PAGE;
		int err;
		struct cached_page *cp = pagecache_get(inode, index);
		if (IS_ERR(cp))
			return PTR_ERR(cp);
		if (inode->aops && inode->aops->write_begin &&
		    (err = inode->aops->write_begin(inode, index, page_start + to)))
			return err;
		if (zero)
			memset((char *)cached_page_data(cp) + from, 0, to - from);
		pagecache_dirty(cp);
		balance_dirty_pages(inode);
	}
	return 0;
}

static int allocate(struct inode *inode, int mode, uint64_t start, uint64_t end)
{
	bool keep = mode & FALLOC_FL_KEEP_SIZE, zero = mode != 0 && mode != FALLOC_FL_KEEP_SIZE;
	if (mode & FALLOC_FL_PUNCH_HOLE)
		keep = true;
	if (keep && end > inode->size)
		end = inode->size;
	if (start >= end)
		return 0;
	int err = end > inode->size ? memfd_check_resize(inode, end) : 0;
	if (!err)
		err = check_space(inode, start, end);
	if (!err)
		err = fill_range(inode, start, end, zero);
	if (err) {
		pagecache_truncate(inode, inode->size);
		if (inode->aops && inode->aops->write_failed)
			inode->aops->write_failed(inode);
		return err;
	}
	if (end > inode->size)
		inode->size = end;
	inode_touch(inode);
	return 0;
}

long sys_fallocate(int fd, int mode, int64_t offset, int64_t len)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	struct inode *inode = f->inode;
	int64_t end;
	int err = 0;
	if (offset < 0 || len <= 0)
		err = -EINVAL;
	else if ((err = check_mode(mode)))
		;
	else if (!file_writable(f))
		err = -EBADF;
	else if (S_ISFIFO(inode->mode))
		err = -ESPIPE;
	else if (S_ISDIR(inode->mode))
		err = -EISDIR;
	else if (!S_ISREG(inode->mode))
		err = -ENODEV;
	else if (__builtin_add_overflow(offset, len, &end) || (uint64_t)end > inode->sb->max_bytes)
		err = -EFBIG;
	else if (inode->fop != &generic_file_ops || (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_ZERO_RANGE |
							  FALLOC_FL_PUNCH_HOLE)))
		err = -EOPNOTSUPP;
	else if ((mode & FALLOC_FL_ZERO_RANGE) && !inode->sb->bdev)
		err = -EOPNOTSUPP;      /* as Linux's tmpfs */
	else if (inode->sb->read_only)
		err = -EROFS;
	else {
		mutex_lock(&inode->lock);
		err = allocate(inode, mode, offset, end);
		mutex_unlock(&inode->lock);
	}
	file_put(f);
	return err;
}
