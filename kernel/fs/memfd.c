/* memfd_create: an anonymous tmpfs file (an internal tmpfs instance, as
 * Linux's shm_mnt), and its seals (fcntl F_ADD_SEALS/F_GET_SEALS).
 *
 * A memfd's inode keeps its seals in fs_private (tmpfs regular files use
 * none); they are the inode's, so every descriptor of the memfd sees the
 * same. They are enforced where a memfd changes: its write and mmap
 * (memfd_fops), truncate (memfd_check_resize, from vfs_truncate) and
 * fallocate. Not yet: F_SEAL_WRITE's EBUSY while a writable shared
 * mapping exists, and mprotect adding write access to a shared mapping
 * of a sealed memfd (Linux clears VM_MAYWRITE at mmap). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/printk.h>
#include <syscall/syscalls.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/tmpfs.h>
#include <fs/memfd.h>
#include <mm/vm.h>
#include <kernel/compiler.h>
#include <x86/uaccess.h>
#include <linux/memfd.h>
#include <linux/fcntl.h>
#include <linux/limits.h>

#ifndef MFD_NOEXEC_SEAL                 /* Linux 6.3 */
#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC        0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC     0x0020
#endif
#define ALL_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | \
		   F_SEAL_EXEC)
#define NAME_PREFIX_LEN 6               /* "memfd:" */
#define MFD_NAME_MAX (NAME_MAX - NAME_PREFIX_LEN)

static struct super_block *memfd_sb;

static bool is_memfd(struct file *f)
{
	return f->inode && memfd_sb && f->inode->sb == memfd_sb;
}

static unsigned seals_of(struct inode *inode) { return (unsigned)(uintptr_t)inode->fs_private; }
static void seals_set(struct inode *inode, unsigned s) { inode->fs_private = (void *)(uintptr_t)s; }

static unsigned seals(struct inode *inode)
{
	return memfd_sb && inode->sb == memfd_sb ? seals_of(inode) : 0;
}

int memfd_check_resize(struct inode *inode, uint64_t size)
{
	unsigned s = seals(inode);
	if ((size < inode->size && (s & F_SEAL_SHRINK)) || (size > inode->size && (s & F_SEAL_GROW)))
		return -EPERM;
	return 0;
}

/* Under F_SEAL_GROW, how much of a write of count bytes at start may go:
 * as Linux checks it page by page, the pieces that end within the file,
 * up to the first that would not. */
static size_t grow_sealed_part(uint64_t start, size_t count, uint64_t size)
{
	uint64_t pos = start, end = start + count;
	while (pos < end) {
		uint64_t piece_end = (pos / 4096 + 1) * 4096;
		if (piece_end > end)
			piece_end = end;
		if (piece_end > size)
			break;
		pos = piece_end;
	}
	return pos - start;
}

/* A write to the memfd: not once F_SEAL_WRITE or F_SEAL_FUTURE_WRITE is
 * set; under F_SEAL_GROW, cut short where it would grow the file. */
static ssize_t memfd_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct inode *inode = f->inode;
	unsigned s = seals(inode);
	if (s & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if ((s & F_SEAL_GROW) && u->resid) {
		uint64_t start = f->flags & O_APPEND ? READ_ONCE(inode->size) : *pos;
		size_t ok = grow_sealed_part(start, u->resid, READ_ONCE(inode->size));
		if (!ok)
			return -EPERM;
		u->resid = ok;
	}
	return generic_file_write(f, u, pos);
}

/* A writable shared mapping would bypass write(): refused once sealed. */
static int memfd_mmap(struct file *f, struct vma *v)
{
	if ((v->flags & VM_SHARED) && (v->flags & VM_WRITE) &&
	    (seals(f->inode) & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return -EPERM;
	return generic_file_mmap(f, v);
}

/* tmpfs's (generic_file_ops), with the seals checked. */
static const struct file_operations memfd_fops = {
	.mmap = memfd_mmap,
	.read = generic_file_read,
	.write = memfd_write,
	.llseek = generic_file_llseek,
	.fsync = generic_file_fsync,
};

long sys_memfd_create(const char *uname, unsigned flags)
{
	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC))
		return -EINVAL;
	if (flags & MFD_HUGETLB)
		return -EINVAL;         /* no hugetlbfs */
	if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL))
		return -EINVAL;
	char name[MFD_NAME_MAX + 1];
	long len = strncpy_from_user(name, uname, sizeof(name));
	if (len == -ENAMETOOLONG)
		return -EINVAL;
	if (len < 0)
		return len;
	struct super_block *sb = tmpfs_internal_super(&memfd_sb);
	uint32_t mode = flags & MFD_NOEXEC_SEAL ? 0666 : 0777;
	struct inode *inode = sb ? tmpfs_new_unlinked_file(sb, mode) : NULL;
	if (!inode)
		return -ENOMEM;
	unsigned seals = flags & (MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL) ? 0 : F_SEAL_SEAL;
	if (flags & MFD_NOEXEC_SEAL)
		seals |= F_SEAL_EXEC;
	seals_set(inode, seals);
	struct file *f = file_alloc(inode, O_RDWR | O_LARGEFILE, &memfd_fops);
	if (!f) {
		iput(inode);
		return -ENOMEM;
	}
	return fd_install(f, flags & MFD_CLOEXEC, 0);
}

long memfd_fcntl(struct file *f, unsigned cmd, uint64_t arg)
{
	if (!is_memfd(f))
		return -EINVAL;
	struct inode *inode = f->inode;
	if (cmd == F_GET_SEALS)
		return seals_of(inode);
	unsigned add = (unsigned)arg;
	if (!file_writable(f))
		return -EPERM;
	if (add & ~ALL_SEALS)
		return -EINVAL;
	long r = 0;
	mutex_lock(&inode->lock);
	if (seals_of(inode) & F_SEAL_SEAL)
		r = -EPERM;
	else
		seals_set(inode, seals_of(inode) | add);
	mutex_unlock(&inode->lock);
	return r;
}
