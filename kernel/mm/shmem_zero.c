/* Shared anonymous memory (mmap MAP_SHARED|MAP_ANONYMOUS, or MAP_SHARED
 * of /dev/zero): backed by a file with no name in an internal tmpfs, as
 * Linux's shmem_zero_setup does.
 *
 * Why a file: a shared mapping's pages must be the same frames in every
 * process that inherits the mapping through fork, also the pages nobody
 * touched before the fork. Anonymous memory gets its frames at the first
 * touch, in one page table only, so parent and child would each fault in
 * a zero page of their own. A file's pages live in its page cache, one
 * per index, whoever faults first: every process mapping the file finds
 * the same frame (fault.c's file_fault). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/tmpfs.h>
#include <linux/fcntl.h>
#include <mm/vm.h>

static struct super_block *shm_sb;

int shmem_zero_setup(struct vma *v, uint64_t size)
{
	struct super_block *sb = tmpfs_internal_super(&shm_sb);
	struct inode *inode = sb ? tmpfs_new_unlinked_file(sb, 0600) : NULL;
	if (!inode)
		return -ENOMEM;
	/* As long as the mapping: no one else sees the inode yet. A part
	 * added later by mremap lies past the end (SIGBUS, as on Linux). */
	inode->size = size;
	struct file *f = file_alloc(inode, O_RDWR | O_LARGEFILE, &generic_file_ops);
	if (!f) {
		iput(inode);
		return -ENOMEM;
	}
	v->file = f;       /* a file v held (/dev/zero's) stays the caller's */
	v->pgoff = 0;
	return 0;
}
