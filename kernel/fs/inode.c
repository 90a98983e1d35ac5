/* The inode cache: one in-memory struct inode per file in use, found by
 * (superblock, inode number), so every path and open file reaching the
 * same file shares its attributes, lock and cached pages.
 *
 * An inode lives while referenced: by dentries (fs/dentry.c: a cached
 * name holds its inode), open files and running operations. The last
 * iput writes it back, or, if its last link is gone, has the filesystem
 * free it on the disk (evict_inode). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/kmalloc.h>
#include <proc/sched.h>
#include <fs/fs.h>
#include <fs/pagecache.h>
#include <time/clock.h>

#define I_NEW     0x1   /* being read from the disk: wait */
#define I_FREEING 0x2   /* being written back and freed: wait, then read again */

#define HASH_SIZE 1024
static struct list_head hash[HASH_SIZE];
static struct spinlock icache_lock = SPINLOCK_INIT("icache");

static struct list_head *bucket(struct super_block *sb, uint64_t ino)
{
	uint64_t h = ((uint64_t)sb >> 6) ^ (ino * 0x9e3779b97f4a7c15ull);
	return &hash[(h >> 20) % HASH_SIZE];
}

/* Woken whenever an inode stops being I_NEW or I_FREEING: iget waits here
 * for someone else's read or free of the inode it wants to finish. */
static struct wait_queue icache_wait;

void inode_cache_init(void)
{
	for (int i = 0; i < HASH_SIZE; i++)
		list_init(&hash[i]);
	wait_queue_init(&icache_wait);
}

/* Is (sb, ino) in the cache but being read or freed? */
static bool inode_busy(struct super_block *sb, uint64_t ino)
{
	bool busy = false;
	uint64_t flags = spin_lock_irqsave(&icache_lock);
	struct inode *i;
	list_for_each_entry(i, bucket(sb, ino), hash_link)
		if (i->sb == sb && i->ino == ino && (i->state & (I_NEW | I_FREEING)))
			busy = true;
	spin_unlock_irqrestore(&icache_lock, flags);
	return busy;
}

struct inode *inode_new(struct super_block *sb)
{
	struct inode *i = kzalloc(sizeof(*i));
	if (!i)
		return NULL;
	i->sb = sb;
	i->refcount = 1;
	i->nlink = 1;
	mutex_init(&i->lock);
	list_init(&i->pages);
	list_init(&i->hash_link);
	list_init(&i->posix_locks);
	list_init(&i->flocks);
	i->atime = i->mtime = i->ctime = current_time();
	uint64_t flags = spin_lock_irqsave(&sb->inodes_lock);
	list_add_tail(&i->sb_link, &sb->inodes);
	spin_unlock_irqrestore(&sb->inodes_lock, flags);
	return i;
}

void inode_hash(struct inode *i)
{
	uint64_t flags = spin_lock_irqsave(&icache_lock);
	list_add_tail(&i->hash_link, bucket(i->sb, i->ino));
	spin_unlock_irqrestore(&icache_lock, flags);
}

static void inode_free(struct inode *i)
{
	uint64_t flags = spin_lock_irqsave(&i->sb->inodes_lock);
	list_del(&i->sb_link);
	spin_unlock_irqrestore(&i->sb->inodes_lock, flags);
	if (i->sb->ops->destroy_inode)
		i->sb->ops->destroy_inode(i);
	kfree(i);
}

int iget(struct super_block *sb, uint64_t ino, struct inode **result)
{
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&icache_lock);
		struct inode *i, *found = NULL;
		list_for_each_entry(i, bucket(sb, ino), hash_link)
			if (i->sb == sb && i->ino == ino) {
				found = i;
				break;
			}
		if (found && !(found->state & (I_NEW | I_FREEING))) {
			found->refcount++;
			spin_unlock_irqrestore(&icache_lock, flags);
			*result = found;
			return 0;
		}
		if (found) {
			/* Someone is reading or freeing it: sleep until that is
			 * over (the disk finishes it soon), then look again. */
			spin_unlock_irqrestore(&icache_lock, flags);
			wait_event(&icache_wait, !inode_busy(sb, ino), WAIT_FOREVER);
			continue;
		}
		spin_unlock_irqrestore(&icache_lock, flags);

		struct inode *n = inode_new(sb);
		if (!n)
			return -ENOMEM;
		n->ino = ino;
		n->state = I_NEW;
		/* Someone may have added it while we allocated: check again. */
		flags = spin_lock_irqsave(&icache_lock);
		bool raced = false;
		list_for_each_entry(i, bucket(sb, ino), hash_link)
			if (i->sb == sb && i->ino == ino)
				raced = true;
		if (!raced)
			list_add_tail(&n->hash_link, bucket(sb, ino));
		spin_unlock_irqrestore(&icache_lock, flags);
		if (raced) {
			n->refcount = 0;
			inode_free(n);
			continue;
		}
		int err = sb->ops->read_inode(n);
		flags = spin_lock_irqsave(&icache_lock);
		if (err)
			list_del(&n->hash_link);
		n->state = 0;
		spin_unlock_irqrestore(&icache_lock, flags);
		wake_up_all(&icache_wait);
		if (err) {
			inode_free(n);
			return err;
		}
		*result = n;
		return 0;
	}
}

bool igrab(struct inode *i)
{
	uint64_t flags = spin_lock_irqsave(&icache_lock);
	bool ok = !(i->state & (I_NEW | I_FREEING));
	if (ok)
		i->refcount++;
	spin_unlock_irqrestore(&icache_lock, flags);
	return ok;
}

void iref(struct inode *i)
{
	uint64_t flags = spin_lock_irqsave(&icache_lock);
	i->refcount++;
	spin_unlock_irqrestore(&icache_lock, flags);
}

void inode_note_dirtied(struct inode *i)
{
	if (!i->dirty && !i->ndirty)
		i->dirtied_when = clock_now_ns();
}

void mark_inode_dirty(struct inode *i)
{
	inode_note_dirtied(i);
	i->dirty = true;
}

void inode_touch(struct inode *i)
{
	i->mtime = i->ctime = current_time();
	mark_inode_dirty(i);
}

/* Writes dirty pages, then the attributes (which the page writes may
 * change: blocks allocated). */
static int write_back(struct inode *i)
{
	int err = 0;
	if (i->ndirty)
		err = pagecache_writeback(i);
	if (i->dirty && i->sb->ops->write_inode && !i->sb->read_only) {
		i->dirty = false;
		int e = i->sb->ops->write_inode(i);
		if (e) {
			i->dirty = true;
			if (!err)
				err = e;
		}
	}
	return err;
}

int inode_sync(struct inode *i)
{
	mutex_lock(&i->lock);
	int err = write_back(i);
	mutex_unlock(&i->lock);
	return err;
}

void iput(struct inode *i)
{
	if (!i)
		return;
	uint64_t flags = spin_lock_irqsave(&icache_lock);
	if (--i->refcount > 0) {
		spin_unlock_irqrestore(&icache_lock, flags);
		return;
	}
	i->state |= I_FREEING;
	spin_unlock_irqrestore(&icache_lock, flags);

	mutex_lock(&i->lock);
	if (i->nlink == 0 && i->sb->ops->evict_inode && !i->sb->read_only) {
		pagecache_drop_all(i);
		i->sb->ops->evict_inode(i);
	} else {
		int err = write_back(i);
		if (err)
			printk("vfs: inode %lu: write-back failed (%d); changes lost\n", i->ino, err);
		pagecache_drop_all(i);
	}
	mutex_unlock(&i->lock);

	flags = spin_lock_irqsave(&icache_lock);
	list_del(&i->hash_link);
	spin_unlock_irqrestore(&icache_lock, flags);
	wake_up_all(&icache_wait);
	inode_free(i);
}
