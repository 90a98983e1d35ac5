/* The block layer (block/block.h): the list of disks, and requests —
 * checked here once, so drivers see only requests that fit the device. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/spinlock.h>
#include <block/block.h>

static struct list_head devices = LIST_HEAD_INIT(devices);
static struct spinlock devices_lock = SPINLOCK_INIT("block devices");

/* Held while a completion marks its bio done and wakes the waiters, so
 * that bio_wait can tell when the completion has let go of the bio (which
 * often lives on the waiter's stack). */
static struct spinlock completion_lock = SPINLOCK_INIT("bio completion");

void block_register(struct block_device *dev)
{
	uint64_t flags = spin_lock_irqsave(&devices_lock);
	list_add_tail(&dev->link, &devices);
	spin_unlock_irqrestore(&devices_lock, flags);
}

struct block_device *block_find(const char *name)
{
	struct block_device *dev, *found = NULL;
	uint64_t flags = spin_lock_irqsave(&devices_lock);
	list_for_each_entry(dev, &devices, link) {
		if (strcmp(dev->name, name) == 0) {
			found = dev;
			break;
		}
	}
	spin_unlock_irqrestore(&devices_lock, flags);
	return found;
}

/* Devices are never unregistered, so the list may be walked unlocked. */
struct block_device *block_first(void)
{
	return list_empty(&devices) ? NULL : list_first_entry(&devices, struct block_device, link);
}

struct block_device *block_next(struct block_device *dev)
{
	return dev->link.next == &devices ? NULL : list_entry(dev->link.next, struct block_device, link);
}

unsigned block_index(struct block_device *dev)
{
	unsigned n = 0;
	for (struct block_device *d = block_first(); d && d != dev; d = block_next(d))
		n++;
	return n;
}

uint32_t block_devt(struct block_device *dev)
{
	return (254u << 20) | (16 * block_index(dev));     /* fs/fs.h's MKDEV */
}

void bio_complete(struct bio *bio, int status)
{
	__atomic_fetch_add(bio->write ? &bio->dev->writes : &bio->dev->reads, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(bio->write ? &bio->dev->sectors_written : &bio->dev->sectors_read, bio->count,
			   __ATOMIC_RELAXED);
	uint64_t flags = spin_lock_irqsave(&completion_lock);
	bio->status = status;
	__atomic_store_n(&bio->done, true, __ATOMIC_RELEASE);
	wake_up_all(&bio->wait);
	if (bio->end_io)
		bio->end_io(bio);
	spin_unlock_irqrestore(&completion_lock, flags);
}

int bio_submit(struct bio *bio)
{
	struct block_device *dev = bio->dev;
	if (!dev || (bio->count == 0 && !bio->write) || bio->count > BIO_MAX_SECTORS)
		return -EINVAL;
	if (bio->sector > dev->nsectors || bio->count > dev->nsectors - bio->sector)
		return -EINVAL;
	if (bio->write && dev->read_only)
		return -EROFS;
	bio->status = 0;
	bio->done = false;
	wait_queue_init(&bio->wait);
	return dev->submit(dev, bio);
}

static unsigned nr_waiting;             /* atomic: tasks asleep in bio_wait */

unsigned block_nr_waiting(void) { return __atomic_load_n(&nr_waiting, __ATOMIC_RELAXED); }

int bio_wait(struct bio *bio)
{
	__atomic_fetch_add(&nr_waiting, 1, __ATOMIC_RELAXED);
	wait_event(&bio->wait, bio->done, WAIT_FOREVER);
	__atomic_fetch_sub(&nr_waiting, 1, __ATOMIC_RELAXED);
	/* done was set under completion_lock: once we hold it, the
	 * completion has finished with the bio and it may be freed. */
	uint64_t flags = spin_lock_irqsave(&completion_lock);
	spin_unlock_irqrestore(&completion_lock, flags);
	return bio->status;
}

int block_rw(struct block_device *dev, uint64_t sector, uint32_t count, void *buf, bool write)
{
	/* The whole range is checked first: no partial transfers. */
	if (count == 0 || sector > dev->nsectors || count > dev->nsectors - sector)
		return -EINVAL;
	if (write && dev->read_only)
		return -EROFS;
	while (count > 0) {
		uint32_t n = count < BIO_MAX_SECTORS ? count : BIO_MAX_SECTORS;
		struct bio bio = { .dev = dev, .sector = sector, .count = n, .write = write, .buf = buf };
		int err = bio_submit(&bio);
		if (err == 0)
			err = bio_wait(&bio);
		if (err)
			return err;
		sector += n;
		count -= n;
		buf = (uint8_t *)buf + n * SECTOR_SIZE;
	}
	return 0;
}

int block_flush(struct block_device *dev)
{
	if (dev->read_only)
		return 0;       /* nothing can have been written */
	struct bio bio = { .dev = dev, .write = true };
	int err = bio_submit(&bio);
	return err ? err : bio_wait(&bio);
}
