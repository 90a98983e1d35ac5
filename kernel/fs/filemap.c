/* read, write, lseek and fsync for regular files whose data lives in the
 * page cache (ext2, tmpfs): the generic file_operations. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <x86/memlayout.h>
#include <linux/fs.h>
#include <fs/file.h>
#include <fs/pagecache.h>
#include <fs/writeback.h>

ssize_t generic_file_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct inode *inode = f->inode;
	mutex_lock(&inode->lock);
	size_t done = 0;
	int err = 0;
	while (u->resid && *pos < inode->size) {
		uint64_t index = *pos / PAGE_SIZE, off = *pos % PAGE_SIZE;
		size_t n = PAGE_SIZE - off;
		if (n > inode->size - *pos)
			n = inode->size - *pos;
		if (n > u->resid)
			n = u->resid;
		struct cached_page *cp = pagecache_get(inode, index, &err);
		if (!cp)
			break;
		size_t c = uio_copy_out(u, (char *)cached_page_data(cp) + off, n);
		done += c;
		*pos += c;
		if (c < n) {
			err = -EFAULT;
			break;
		}
	}
	mutex_unlock(&inode->lock);
	return done ? (ssize_t)done : err;
}

ssize_t generic_file_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct inode *inode = f->inode;
	if (inode->sb->read_only)
		return -EROFS;
	mutex_lock(&inode->lock);
	if (f->flags & O_APPEND)
		*pos = inode->size;
	size_t done = 0;
	int err = 0;
	/* Past the filesystem's largest file: EFBIG, or a short write up to
	 * it (Linux's generic_write_check_limits). */
	uint64_t max = inode->sb->max_bytes;
	if (*pos >= max && u->resid)
		err = -EFBIG;
	else if (u->resid > max - *pos)
		u->resid = max - *pos;
	while (!err && u->resid) {
		uint64_t index = *pos / PAGE_SIZE, off = *pos % PAGE_SIZE;
		size_t n = PAGE_SIZE - off;
		if (n > u->resid)
			n = u->resid;
		/* A page written whole, or past the end, need not be read first. */
		bool whole = off == 0 && n == PAGE_SIZE;
		struct cached_page *cp = pagecache_get_for_write(inode, index, whole, &err);
		if (!cp)
			break;
		if (inode->aops && inode->aops->write_begin &&
		    (err = inode->aops->write_begin(inode, index, *pos + n)))
			break;
		size_t c = uio_copy_in(u, (char *)cached_page_data(cp) + off, n);
		if (c)
			pagecache_dirty(cp);
		done += c;
		*pos += c;
		if (*pos > inode->size)
			inode->size = *pos;
		if (c < n) {
			err = -EFAULT;
			break;
		}
		balance_dirty_pages(inode);
	}
	if (err && inode->aops && inode->aops->write_failed)
		inode->aops->write_failed(inode);
	if (done)
		inode_touch(inode);
	mutex_unlock(&inode->lock);
	if (done && (f->flags & (O_SYNC | O_DSYNC)))
		inode_sync(inode);
	return done ? (ssize_t)done : err;
}

int generic_file_fsync(struct file *f, bool datasync)
{
	int err = inode_sync(f->inode);
	int e = super_sync_metadata(f->inode->sb);
	return err ? err : e;
}

int64_t generic_file_llseek(struct file *f, int64_t offset, int whence)
{
	int64_t base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->pos; break;
	case SEEK_END: base = f->inode->size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		/* The whole file is data, with a virtual hole at the end. */
		if (offset < 0 || (uint64_t)offset >= f->inode->size)
			return -ENXIO;
		return whence == SEEK_DATA ? offset : (int64_t)f->inode->size;
	default:
		return -EINVAL;
	}
	int64_t pos;
	if (__builtin_add_overflow(base, offset, &pos) || pos < 0 ||
	    (uint64_t)pos > f->inode->sb->max_bytes)
		return -EINVAL;
	return pos;
}

const struct file_operations generic_file_ops = {
	.mmap = generic_file_mmap,
	.read = generic_file_read,
	.write = generic_file_write,
	.llseek = generic_file_llseek,
	.fsync = generic_file_fsync,
};
