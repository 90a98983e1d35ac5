/* The block layer: disks as arrays of 512-byte sectors, and requests.
 *
 * A driver (virtio-blk) registers a struct block_device whose submit()
 * starts a request and returns at once; when the device finishes, the
 * driver calls bio_complete() from its interrupt handler. Callers that
 * want to wait use block_rw(), which submits and sleeps until done. Many
 * requests may be in flight at a time: that is how the buffer cache
 * reads ahead and writes back without waiting for each block. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/wait.h>

#define SECTOR_SIZE 512
/* The largest request a driver must accept (128 KiB); block_rw splits
 * longer transfers. */
#define BIO_MAX_SECTORS 256

struct bio;

struct block_device {
	char name[16];              /* "vda" */
	uint64_t nsectors;          /* capacity in 512-byte sectors */
	bool read_only;
	/* Starts the request; the driver calls bio_complete() when it ends.
	 * Returns 0, or an errno if the request could not even be started
	 * (then bio_complete is not called). */
	int (*submit)(struct block_device *dev, struct bio *bio);
	void *driver_data;
	struct list_head link;      /* in the list of all block devices */
	uint64_t reads, writes;     /* requests completed, for statistics */
	uint64_t sectors_read, sectors_written;     /* by those requests */
};

/* One request: count sectors from sector, into or out of buf (kernel
 * memory, physically contiguous within each page; drivers split pages).
 * A write of 0 sectors is a cache flush: it ends once everything written
 * before it is on stable storage. */
struct bio {
	struct block_device *dev;
	uint64_t sector;
	uint32_t count;             /* sectors */
	bool write;
	void *buf;
	int status;                 /* 0, or -EIO; valid once done */
	volatile bool done;
	/* Called on completion (interrupt context), may be NULL. It runs
	 * last: bio_complete touches the bio no more once it has started, so
	 * end_io may free a bio nobody waits for. */
	void (*end_io)(struct bio *bio);
	void *private;
	struct wait_queue wait;     /* woken on completion */
};

void block_register(struct block_device *dev);
/* The registered device with this name ("vda"), or NULL. */
struct block_device *block_find(const char *name);
/* Each registered device, in order of registration:
 *     for (dev = block_first(); dev; dev = block_next(dev)) */
struct block_device *block_first(void);
struct block_device *block_next(struct block_device *dev);

/* The disk's place among the registered ones: vda 0, vdb 1... */
unsigned block_index(struct block_device *dev);
/* Its device number (a dev_t, fs/fs.h), in Linux's virtio-blk range:
 * major 254 ("virtblk" on most systems), 16 minors per disk, so vda is
 * 254:0 and vdb 254:16. */
uint32_t block_devt(struct block_device *dev);

/* Called by drivers when a request ends. */
void bio_complete(struct bio *bio, int status);

/* Starts bio (bio->dev etc. filled in by the caller). */
int bio_submit(struct bio *bio);
/* Sleeps until bio is done; returns its status. */
int bio_wait(struct bio *bio);
/* Tasks asleep in bio_wait now: /proc/stat's procs_blocked. */
unsigned block_nr_waiting(void);

/* Synchronous read or write of count sectors: 0 or -EIO / -EINVAL / -EROFS. */
int block_rw(struct block_device *dev, uint64_t sector, uint32_t count, void *buf, bool write);
/* Waits until everything written so far is on stable storage: 0 or -EIO. */
int block_flush(struct block_device *dev);
