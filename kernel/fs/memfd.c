/* memfd_create: an anonymous tmpfs file (an internal tmpfs instance, as
 * Linux's shm_mnt), and its seals (fcntl F_ADD_SEALS/F_GET_SEALS).
 *
 * The seals are kept and reported as Linux does, but not yet enforced:
 * a sealed memfd still accepts writes and size changes. A memfd's inode
 * keeps them in fs_private (tmpfs regular files use none); they are the
 * inode's, so every descriptor of the memfd sees the same. */
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

static struct super_block *memfd_super(void)
{
	struct super_block *sb = __atomic_load_n(&memfd_sb, __ATOMIC_ACQUIRE);
	if (sb)
		return sb;
	struct fs_type *tmpfs = fs_type_find("tmpfs");
	if (!tmpfs || super_create(tmpfs, NULL, NULL, &sb))
		return NULL;
	struct super_block *expected = NULL;
	if (!__atomic_compare_exchange_n(&memfd_sb, &expected, sb, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return expected;        /* another task made one first; ours stays unused */
	return sb;
}

static bool is_memfd(struct file *f)
{
	return f->inode && memfd_sb && f->inode->sb == memfd_sb;
}

static unsigned seals_of(struct inode *inode) { return (unsigned)(uintptr_t)inode->fs_private; }
static void seals_set(struct inode *inode, unsigned s) { inode->fs_private = (void *)(uintptr_t)s; }

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
	struct super_block *sb = memfd_super();
	uint32_t mode = flags & MFD_NOEXEC_SEAL ? 0666 : 0777;
	struct inode *inode = sb ? tmpfs_new_unlinked_file(sb, mode) : NULL;
	if (!inode)
		return -ENOMEM;
	unsigned seals = flags & (MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL) ? 0 : F_SEAL_SEAL;
	if (flags & MFD_NOEXEC_SEAL)
		seals |= F_SEAL_EXEC;
	seals_set(inode, seals);
	struct file *f = file_alloc(inode, O_RDWR | O_LARGEFILE, inode->fop);
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
