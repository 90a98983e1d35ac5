/* Filesystem types, superblocks, and the small shared helpers of the VFS:
 * device-number encoding, timestamps, d_type. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/printk.h>
#include <mm/kmalloc.h>
#include <block/bcache.h>
#include <time/clock.h>
#include <fs/fs.h>
#include <fs/pagecache.h>

static struct list_head fs_types = LIST_HEAD_INIT(fs_types);
static struct list_head super_blocks = LIST_HEAD_INIT(super_blocks);
static struct spinlock super_lock = SPINLOCK_INIT("super_blocks");

void fs_type_register(struct fs_type *type)
{
	list_add_tail(&type->link, &fs_types);
}

struct fs_type *fs_type_find(const char *name)
{
	struct fs_type *t;
	list_for_each_entry(t, &fs_types, link)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* Types are only added, at boot, so a walk needs no lock. */
const struct fs_type *fs_type_next(const struct fs_type *prev)
{
	struct list_head *next = prev ? prev->link.next : fs_types.next;
	return next == &fs_types ? NULL : list_entry(next, struct fs_type, link);
}

/* Device numbers for filesystems without a device: major 0, as Linux. */
dev_t anon_dev_alloc(void)
{
	static int next = 1;
	return MKDEV(0, __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED));
}

int super_create(struct fs_type *type, struct block_device *source, const char *options,
		 struct super_block **result)
{
	if (type->needs_device && !source)
		return -ENOTBLK;
	struct super_block *sb = kzalloc(sizeof(*sb));
	if (!sb)
		return -ENOMEM;
	sb->type = type;
	sb->bdev = source;
	sb->block_size = 4096;
	sb->max_bytes = INT64_MAX;  /* Linux's MAX_LFS_FILESIZE; ext2 sets less */
	mutex_init(&sb->lock);
	spin_lock_init(&sb->inodes_lock, "sb_inodes");
	list_init(&sb->inodes);
	sb->dev = source ? block_devt(source) : anon_dev_alloc();
	int err = type->fill_super(sb, source, options);
	if (err) {
		kfree(sb);
		return err;
	}
	if (sb->root)       /* pipefs has none */
		declare_lock_order(&sb->lock, &sb->root->lock);     /* fs/fs.h */
	uint64_t flags = spin_lock_irqsave(&super_lock);
	list_add_tail(&sb->link, &super_blocks);
	spin_unlock_irqrestore(&super_lock, flags);
	*result = sb;
	return 0;
}

/* Writes back the dirty pages and attributes of sb's inodes dirtied
 * before `before`, then its own metadata. The list changes while we sleep
 * on I/O: the inode being written is referenced, which keeps it (and so
 * our place) in the list. One failure does not stop the others from
 * being written. */
static int sync_super_before(struct super_block *sb, uint64_t before)
{
	int err = 0, wrote = 0;
	struct inode *held = NULL;
	uint64_t flags = spin_lock_irqsave(&sb->inodes_lock);
	struct list_head *pos = sb->inodes.next;
	while (pos != &sb->inodes) {
		struct inode *i = list_entry(pos, struct inode, sb_link);
		if ((i->dirty || inode_has_dirty_pages(i)) && i->dirtied_when < before && igrab(i)) {
			spin_unlock_irqrestore(&sb->inodes_lock, flags);
			if (held)
				iput(held);
			held = i;
			int e = inode_sync(i);
			if (e && !err)
				err = e;
			wrote++;
			flags = spin_lock_irqsave(&sb->inodes_lock);
		}
		pos = pos->next;
	}
	spin_unlock_irqrestore(&sb->inodes_lock, flags);
	if (held)
		iput(held);
	/* Background writeback leaves the metadata alone until the inodes
	 * it belongs to are due: every change of it dirties some inode (a
	 * directory's times at least), and bitmaps written ahead of their
	 * inodes would be leaked blocks after a crash. */
	if (before != UINT64_MAX && !wrote)
		return err;
	int e = super_sync_metadata(sb);
	return err ? err : e;
}

static int sync_super(struct super_block *sb)
{
	return sync_super_before(sb, UINT64_MAX);
}

int sync_filesystems_dirtied_before(uint64_t before)
{
	int err = 0;
	struct super_block *sb;
	list_for_each_entry(sb, &super_blocks, link) {
		if (!sb->bdev || sb->read_only)
			continue;       /* tmpfs, devfs: memory is all they have */
		int e = sync_super_before(sb, before);
		if (e && !err)
			err = e;
	}
	return err;
}

int super_sync_metadata(struct super_block *sb)
{
	int err = 0;
	if (sb->ops->sync_fs && !sb->read_only)
		err = sb->ops->sync_fs(sb);
	if (sb->bdev) {
		int e = bsync(sb->bdev);
		if (e && !err)
			err = e;
	}
	return err;
}

int sync_filesystems(struct super_block *only)
{
	if (only)
		return sync_super(only);
	int err = 0;
	/* Superblocks are never freed, so the list can be walked unlocked
	 * once we have the head: new ones are only appended. */
	struct super_block *sb;
	list_for_each_entry(sb, &super_blocks, link) {
		int e = sync_super(sb);
		if (e && !err)
			err = e;
	}
	return err;
}

/* --- small shared helpers --------------------------------------------------- */

/* glibc's gnu_dev_makedev: 12 bits of major, 20 of minor, interleaved. */
uint64_t dev_encode(dev_t d)
{
	uint64_t ma = MAJOR(d), mi = MINOR(d);
	return (mi & 0xff) | ((ma & 0xfff) << 8) | ((mi & ~0xffull) << 12) | ((ma & ~0xfffull) << 32);
}

dev_t dev_decode(uint64_t d)
{
	unsigned ma = ((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffu);
	unsigned mi = (d & 0xff) | ((d >> 12) & ~0xffu);
	return MKDEV(ma, mi);
}

struct timespec64 current_time(void)
{
	uint64_t ns = clock_realtime_ns();
	return (struct timespec64){ .sec = ns / NSEC_PER_SEC, .nsec = ns % NSEC_PER_SEC };
}

unsigned dt_type(uint32_t mode)
{
	return (mode & S_IFMT) >> 12;   /* DT_* are the S_IF* type bits shifted */
}
