/* devfs: /dev, one inode per registered character device (fs/chrdev.h)
 * plus the /dev/fd and /dev/std{in,out,err} symlinks into /proc, and the
 * empty directories other filesystems are mounted on (/dev/shm: a tmpfs,
 * for POSIX shared memory and semaphores). Nothing is stored: the inode
 * cache asks for an inode by number and gets it made up. Names cannot be
 * created or removed (unlike Linux's devtmpfs, where init makes these
 * directories with mkdir: here they are always there). */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <linux/magic.h>
#include <mm/kmalloc.h>
#include <mm/page_alloc.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/chrdev.h>
#include <fs/devfs.h>

/* Inode numbers: the root, the symlinks, then the devices in the order
 * they were registered (the registry only grows, so numbers are stable). */
#define ROOT_INO 1
#define LINK_INO 2
#define DIR_INO  10
#define DEV_INO  16

/* getdents cookies: ".", "..", the symlinks, the directories, then the
 * devices. */
#define POS_LINKS 2
#define POS_DIRS  (POS_LINKS + ARRAY_SIZE(links))
#define POS_DEVS  (POS_DIRS + ARRAY_SIZE(dirs))

static const struct {
	const char *name, *target;
} links[] = {
	{ "fd",     "/proc/self/fd" },
	{ "stdin",  "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

/* Mount points, empty until something is mounted on them. */
static const struct {
	const char *name;
	uint32_t mode;
} dirs[] = {
	{ "shm", 01777 },           /* rcS mounts a tmpfs here, as Linux's init does */
};

struct devfs_sb {
	struct timespec64 mounted;  /* every inode's timestamps */
};

static const struct inode_operations devfs_dir_iops, devfs_link_iops, devfs_subdir_iops;
static const struct file_operations devfs_dir_fops, devfs_subdir_fops;

static struct chrdev *nth_device(uint64_t n)
{
	struct chrdev *cd;
	list_for_each_entry(cd, &chrdev_list, link)
		if (n-- == 0)
			return cd;
	return NULL;
}

static int devfs_read_inode(struct inode *inode)
{
	struct devfs_sb *ds = inode->sb->fs_private;
	uint64_t ino = inode->ino;
	struct chrdev *cd;

	inode->atime = inode->mtime = inode->ctime = ds->mounted;
	inode->nlink = 1;
	if (ino == ROOT_INO) {
		inode->mode = S_IFDIR | 0755;
		inode->nlink = 2;
		inode->iop = &devfs_dir_iops;
		inode->fop = &devfs_dir_fops;
	} else if (ino >= LINK_INO && ino < LINK_INO + ARRAY_SIZE(links)) {
		inode->mode = S_IFLNK | 0777;
		inode->size = strlen(links[ino - LINK_INO].target);
		inode->iop = &devfs_link_iops;
	} else if (ino >= DIR_INO && ino < DIR_INO + ARRAY_SIZE(dirs)) {
		inode->mode = S_IFDIR | dirs[ino - DIR_INO].mode;
		inode->nlink = 2;
		inode->iop = &devfs_subdir_iops;
		inode->fop = &devfs_subdir_fops;
	} else if (ino >= DEV_INO && (cd = nth_device(ino - DEV_INO))) {
		/* No iop: the VFS needs none to open a device. */
		inode->mode = S_IFCHR | (cd->mode & 07777);
		inode->rdev = cd->dev;
		inode->fop = &chrdev_open_ops;
	} else {
		return -ENOENT;
	}
	return 0;
}

static int devfs_lookup(struct inode *dir, const char *name, struct inode **result)
{
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (!strcmp(name, links[i].name))
			return iget(dir->sb, LINK_INO + i, result);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (!strcmp(name, dirs[i].name))
			return iget(dir->sb, DIR_INO + i, result);
	struct chrdev *cd;
	uint64_t n = 0;
	list_for_each_entry(cd, &chrdev_list, link) {
		if (!strcmp(name, cd->name))
			return iget(dir->sb, DEV_INO + n, result);
		n++;
	}
	return -ENOENT;
}

/* ".." of a filesystem's root is the root itself here; the VFS crosses
 * mount points by dentries, not by this number. */
static int devfs_iterate(struct file *f, struct dir_context *ctx)
{
	while (ctx->pos < POS_LINKS) {
		const char *name = ctx->pos == 0 ? "." : "..";
		if (!ctx->emit(ctx, name, strlen(name), ROOT_INO, DT_DIR))
			return 0;
		ctx->pos++;
	}
	while (ctx->pos < POS_DIRS) {
		size_t i = ctx->pos - POS_LINKS;
		if (!ctx->emit(ctx, links[i].name, strlen(links[i].name), LINK_INO + i, DT_LNK))
			return 0;
		ctx->pos++;
	}
	while (ctx->pos < POS_DEVS) {
		size_t i = ctx->pos - POS_DIRS;
		if (!ctx->emit(ctx, dirs[i].name, strlen(dirs[i].name), DIR_INO + i, DT_DIR))
			return 0;
		ctx->pos++;
	}
	struct chrdev *cd;
	while ((cd = nth_device(ctx->pos - POS_DEVS))) {
		if (!ctx->emit(ctx, cd->name, strlen(cd->name), DEV_INO + ctx->pos - POS_DEVS, DT_CHR))
			return 0;
		ctx->pos++;
	}
	return 0;
}

/* The mount-point directories: empty. */
static int devfs_subdir_lookup(struct inode *dir, const char *name, struct inode **result)
{
	return -ENOENT;
}

static int devfs_subdir_iterate(struct file *f, struct dir_context *ctx)
{
	while (ctx->pos < 2) {
		const char *name = ctx->pos == 0 ? "." : "..";
		if (!ctx->emit(ctx, name, strlen(name), ctx->pos == 0 ? f->inode->ino : ROOT_INO, DT_DIR))
			return 0;
		ctx->pos++;
	}
	return 0;
}

static int devfs_readlink(struct inode *inode, char *buf, size_t size)
{
	const char *target = links[inode->ino - LINK_INO].target;
	size_t n = strlen(target);
	if (n > size)
		n = size;
	memcpy(buf, target, n);
	return n;
}

static const struct inode_operations devfs_dir_iops = {
	.lookup = devfs_lookup,     /* and nothing that creates or removes names */
};
static const struct inode_operations devfs_link_iops = {
	.readlink = devfs_readlink,
};
static const struct file_operations devfs_dir_fops = {
	.iterate = devfs_iterate,
};
static const struct inode_operations devfs_subdir_iops = {
	.lookup = devfs_subdir_lookup,
};
static const struct file_operations devfs_subdir_fops = {
	.iterate = devfs_subdir_iterate,
};

/* As Linux's devtmpfs (a tmpfs): half of RAM, nothing of it used. */
static int devfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct mem_stats m;
	mem_stats(&m);
	st->type = TMPFS_MAGIC;
	st->bsize = st->frsize = 4096;
	st->namelen = NAME_MAX;
	st->blocks = st->bfree = st->bavail = m.total_pages / 2;
	st->files = m.total_pages / 2;
	uint64_t names = ARRAY_SIZE(links) + ARRAY_SIZE(dirs) + 1;
	struct chrdev *cd;
	list_for_each_entry(cd, &chrdev_list, link)
		names++;
	st->ffree = st->files > names ? st->files - names : 0;
	return 0;
}

/* No write_inode: chmod and touch last as long as the inode stays cached. */
static const struct super_operations devfs_sops = {
	.read_inode = devfs_read_inode,
	.statfs = devfs_statfs,
};

static int devfs_fill_super(struct super_block *sb, struct block_device *source, const char *options)
{
	struct devfs_sb *ds = kzalloc(sizeof(*ds));
	if (!ds)
		return -ENOMEM;
	ds->mounted = current_time();
	sb->fs_private = ds;
	sb->ops = &devfs_sops;
	if (!sb->dev)
		sb->dev = anon_dev_alloc();
	sb->block_size = 4096;
	sb->magic = TMPFS_MAGIC;    /* what statfs says for Linux's devtmpfs */
	int err = iget(sb, ROOT_INO, &sb->root);
	if (err) {
		kfree(ds);
		sb->fs_private = NULL;
	}
	return err;
}

static void devfs_kill_super(struct super_block *sb)
{
	kfree(sb->fs_private);
	sb->fs_private = NULL;
}

static struct fs_type devfs_type = {
	.name = "devfs",
	.fill_super = devfs_fill_super,
	.kill_super = devfs_kill_super,
};

void devfs_init(void)
{
	fs_type_register(&devfs_type);
}
