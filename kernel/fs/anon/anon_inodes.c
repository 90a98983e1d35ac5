/* Anonymous inodes: the inodes behind eventfd, timerfd, signalfd and
 * epoll files (fs/anon_inodes.h). They live on "anon_inodefs", a
 * superblock nobody mounts, made on first use. Linux shares one inode
 * among all such files; Kestrel gives each file its own, which keeps the
 * file's kind (its /proc name) in the inode without a field in struct
 * file. fstat shows mode 0600 with no file type, as on Linux. */
#include <kernel/types.h>
#include <linux/fcntl.h>
#include <linux/magic.h>
#include <linux/stat.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/permission.h>
#include <fs/anon_inodes.h>

static const struct super_operations anon_inodefs_ops;
static struct super_block *anon_sb;

static int anon_fill_super(struct super_block *sb, struct block_device *source, const char *options)
{
	sb->ops = &anon_inodefs_ops;
	sb->magic = ANON_INODE_FS_MAGIC;
	return 0;
}

static struct fs_type anon_inodefs_type = {
	.name = "anon_inodefs",
	.fill_super = anon_fill_super,
};

/* Made on first use: no boot step, and racing creators keep the first. */
static struct super_block *anon_super(void)
{
	struct super_block *sb = __atomic_load_n(&anon_sb, __ATOMIC_ACQUIRE);
	if (sb)
		return sb;
	if (super_create(&anon_inodefs_type, NULL, NULL, &sb))
		return NULL;
	struct super_block *expected = NULL;
	if (!__atomic_compare_exchange_n(&anon_sb, &expected, sb, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return expected;        /* another task made one first; ours stays unused */
	return sb;
}

struct file *anon_inode_file(const char *name, const struct file_operations *fop,
			     void *private, unsigned flags)
{
	static uint64_t last_ino;
	struct super_block *sb = anon_super();
	struct inode *inode = sb ? inode_new(sb) : NULL;
	if (!inode)
		return NULL;
	inode->ino = __atomic_add_fetch(&last_ino, 1, __ATOMIC_RELAXED);
	inode->mode = inode_init_owner(inode, NULL, S_IRUSR | S_IWUSR);
	inode->fs_private = (void *)name;
	struct file *f = file_alloc(inode, flags, fop);
	if (!f) {
		iput(inode);
		return NULL;
	}
	f->private = private;
	return f;
}

const char *anon_inode_name(const struct file *f)
{
	struct super_block *sb = __atomic_load_n(&anon_sb, __ATOMIC_ACQUIRE);
	if (!sb || !f->inode || f->inode->sb != sb)
		return NULL;
	return f->inode->fs_private;
}
