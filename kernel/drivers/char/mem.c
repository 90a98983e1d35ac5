/* The memory devices, major 1 (Linux's drivers/char/mem.c numbers):
 * null swallows writes and reads as empty, zero reads as zeroes, full
 * reads as zeroes and is always full, random and urandom read as random
 * bytes of any length. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/random.h>
#include <linux/major.h>
#include <fs/chrdev.h>
#include <fs/file.h>
#include <mm/vm.h>
#include <drivers/mem.h>

#define CHUNK 256

static const uint8_t zeroes[CHUNK];

/* Result of a read or write that moved done bytes, the last try copying
 * only part (a bad user pointer): what was done, or -EFAULT if nothing. */
static ssize_t done_or_fault(size_t done)
{
	return done ? (ssize_t)done : -EFAULT;
}

/* Every read on these devices is "fill the reader's buffers": with
 * zeroes, or fresh random bytes per chunk. */
static ssize_t fill(struct uio *u, bool random)
{
	uint8_t buf[CHUNK];
	size_t done = 0;
	while (u->resid > 0) {
		size_t n = u->resid < CHUNK ? u->resid : CHUNK;
		if (random)
			get_random_bytes(buf, n);
		size_t got = uio_copy_out(u, random ? buf : zeroes, n);
		done += got;
		if (got < n)
			return done_or_fault(done);
	}
	return done;
}

static ssize_t null_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return 0;
}

/* Like Linux, /dev/null and /dev/zero do not even look at the buffer. */
static ssize_t null_write(struct file *f, struct uio *u, uint64_t *pos)
{
	return u->resid;
}

static ssize_t zero_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return fill(u, false);
}

static ssize_t full_write(struct file *f, struct uio *u, uint64_t *pos)
{
	return -ENOSPC;
}

static ssize_t random_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return fill(u, true);
}

/* Linux mixes what is written into its pool; there is no pool here, but
 * the bytes are still read, so a bad pointer fails the same way. */
static ssize_t random_write(struct file *f, struct uio *u, uint64_t *pos)
{
	uint8_t buf[CHUNK];
	size_t done = 0;
	while (u->resid > 0) {
		size_t n = u->resid < CHUNK ? u->resid : CHUNK;
		size_t got = uio_copy_in(u, buf, n);
		done += got;
		if (got < n)
			return done_or_fault(done);
	}
	return done;
}

/* Seeking means nothing on these: any seek succeeds and lands at 0. */
static int64_t mem_llseek(struct file *f, int64_t offset, int whence)
{
	f->pos = 0;
	return 0;
}

static const struct file_operations null_fops = {
	.read = null_read, .write = null_write, .llseek = mem_llseek,
};
/* Mapping /dev/zero gives anonymous memory, as on Linux: private, or
 * shared (between the processes of a fork) through a tmpfs file. */
static int zero_mmap(struct file *f, struct vma *v)
{
	(void)f;
	if (v->flags & VM_SHARED)
		return shmem_zero_setup(v, v->end - v->start);
	v->file = NULL;
	return 0;
}

static const struct file_operations zero_fops = {
	.read = zero_read, .write = null_write, .llseek = mem_llseek, .mmap = zero_mmap,
};
static const struct file_operations full_fops = {
	.read = zero_read, .write = full_write, .llseek = mem_llseek,
};
static const struct file_operations random_fops = {
	.read = random_read, .write = random_write, .llseek = mem_llseek,
};

static struct chrdev mem_devices[] = {
	{ .dev = MKDEV(MEM_MAJOR, 3), .name = "null",    .mode = 0666, .fop = &null_fops },
	{ .dev = MKDEV(MEM_MAJOR, 5), .name = "zero",    .mode = 0666, .fop = &zero_fops },
	{ .dev = MKDEV(MEM_MAJOR, 7), .name = "full",    .mode = 0666, .fop = &full_fops },
	{ .dev = MKDEV(MEM_MAJOR, 8), .name = "random",  .mode = 0666, .fop = &random_fops },
	{ .dev = MKDEV(MEM_MAJOR, 9), .name = "urandom", .mode = 0666, .fop = &random_fops },
};

void mem_devices_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(mem_devices); i++)
		chrdev_register(&mem_devices[i]);
}
