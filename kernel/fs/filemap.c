/* read, write, lseek and fsync for regular files whose data lives in the
 * page cache (ext2, tmpfs): the generic file_operations. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/err.h>
#include <kernel/string.h>
#include <x86/memlayout.h>
#include <linux/fs.h>
#include <fs/file.h>
#include <fs/pagecache.h>
#include <mm/kmalloc.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <proc/task.h>
#include <fs/writeback.h>
#include <fs/permission.h>

/* No lock is held while the data goes to the reader: the copy may fault
 * on a mapping of this file or another one, and that fault takes the
 * mapped file's inode->lock (fs.h, Locking). */
ssize_t generic_file_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct inode *inode = f->inode;
	size_t done = 0;
	int err = 0;
	while (u->resid) {
		uint64_t index = *pos / PAGE_SIZE, off = *pos % PAGE_SIZE, size;
		struct page *pg = pagecache_get_page(inode, index, false, &size);
		if (IS_ERR(pg))
			err = PTR_ERR(pg);
		if (IS_ERR_OR_NULL(pg))
			break;
		if (*pos >= size) {
			page_put(pg);
			break;
		}
		size_t n = PAGE_SIZE - off;
		if (n > size - *pos)
			n = size - *pos;
		if (n > u->resid)
			n = u->resid;
		size_t c = uio_copy_out(u, (char *)page_address(pg) + off, n);
		page_put(pg);
		done += c;
		*pos += c;
		if (c < n) {
			err = -EFAULT;
			break;
		}
	}
	return done ? (ssize_t)done : err;
}

/* Copies up to n bytes of the writer's buffers into the page, with the
 * inode's lock held: so with file faults off (a fault on a mapping of
 * this file would take that lock again, of another file could deadlock
 * with a writer there). Fewer than n when a source page is not present. */
static size_t copy_in_locked(struct uio *u, void *dst, size_t n)
{
	current->file_faults_off++;
	size_t c = uio_copy_in(u, dst, n);
	current->file_faults_off--;
	return c;
}

/* The file system's blocks for page index up to byte end (of the page)
 * before data goes into the page: a full disk fails the write itself, not
 * a writeback later (ext2's write_begin). After the page is read, since
 * a block allocated first would be read back as garbage. */
static int reserve_blocks(struct inode *inode, uint64_t index, size_t end)
{
	if (!inode->aops || !inode->aops->write_begin)
		return 0;
	return inode->aops->write_begin(inode, index, index * PAGE_SIZE + end);
}

/* Copies up to n bytes of the writer's buffers to offset off of page
 * index (*copied: how many); returns the page, or an ERR_PTR. A page the
 * write covers whole need not be read from the disk first, unless the
 * copy comes up short: its bytes go through a bounce page first, so that
 * a short copy never leaves zeroes over the file's data. */
static struct cached_page *copy_into_page(struct inode *inode, uint64_t index, size_t off,
					  struct uio *u, size_t n, size_t *copied)
{
	struct cached_page *cp;
	int err;
	*copied = 0;
	if (off != 0 || n != PAGE_SIZE) {
		cp = pagecache_get_for_write(inode, index, false);
		if (IS_ERR(cp))
			return cp;
		if ((err = reserve_blocks(inode, index, off + n)))
			return ERR_PTR(err);
		*copied = copy_in_locked(u, (char *)cached_page_data(cp) + off, n);
		return cp;
	}
	void *bounce = kmalloc(PAGE_SIZE);
	if (!bounce)
		return ERR_PTR(-ENOMEM);
	size_t c = copy_in_locked(u, bounce, n);
	if (c == n) {
		/* Not read from the disk: the blocks first, so that a failed
		 * allocation leaves no page of zeroes in the cache. */
		err = reserve_blocks(inode, index, c);
		cp = err ? ERR_PTR(err) : pagecache_get_for_write(inode, index, true);
	} else {
		/* Read from the disk first: a block allocated before would be
		 * read back as garbage. */
		cp = pagecache_get_for_write(inode, index, false);
		if (!IS_ERR(cp) && c && (err = reserve_blocks(inode, index, c)))
			cp = ERR_PTR(err);
	}
	if (!IS_ERR(cp)) {
		memcpy(cached_page_data(cp), bounce, c);
		*copied = c;
	}
	kfree(bounce);
	return cp;
}

/* inode->lock is held for the whole write, so that writes (and O_APPEND's
 * end of file) do not interleave. The source is copied with file faults
 * off (copy_in_locked): an anonymous source page faults in as usual, but
 * one of a file mapping would need that file's lock, so the copy comes up
 * short; then the page is faulted in with the lock let go and the copy
 * goes on, as Linux's generic_perform_write does. */
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
	bool refaulted = false;
	/* Past the filesystem's largest file: EFBIG, or a short write up to
	 * it (Linux's generic_write_check_limits). */
	uint64_t max = inode->sb->max_bytes;
	if (*pos >= max && u->resid)
		err = -EFBIG;
	else if (u->resid > max - *pos)
		u->resid = max - *pos;
	if (!err && u->resid)
		file_remove_privs(inode);
	while (!err && u->resid) {
		uint64_t index = *pos / PAGE_SIZE, off = *pos % PAGE_SIZE;
		size_t n = PAGE_SIZE - off;
		if (n > u->resid)
			n = u->resid;
		size_t c;
		struct cached_page *cp = copy_into_page(inode, index, off, u, n, &c);
		if (IS_ERR(cp)) {
			err = PTR_ERR(cp);
			break;
		}
		if (c)
			pagecache_dirty(cp);
		done += c;
		*pos += c;
		if (*pos > inode->size)
			inode->size = *pos;
		if (c)
			refaulted = false;
		if (c < n) {
			/* A source page just faulted in and already gone again: a
			 * program racing with itself gets EFAULT, not a livelock. */
			if (refaulted) {
				err = -EFAULT;
				break;
			}
			mutex_unlock(&inode->lock);
			bool there = uio_fault_in(u, n - c, false) > 0;
			mutex_lock(&inode->lock);
			refaulted = true;
			if (!there)
				err = -EFAULT;
			/* Another append may have come in while the lock was let go:
			 * end this one here (a short write) rather than overwrite it. */
			else if ((f->flags & O_APPEND) && *pos != inode->size)
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
