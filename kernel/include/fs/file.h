/* Open files: struct file and the operations behind it.
 *
 * Every kind of open file (regular file, directory, device, and later
 * pipe, socket, eventfd, epoll, procfs entry) is a struct file with its
 * own file_operations; read(2) and friends call through the table and
 * never look at what kind of file it is. A file is reference-counted:
 * dup() and fork() share one struct file (and so its offset). */
#pragma once
#include <kernel/types.h>
#include <kernel/mutex.h>
#include <linux/fcntl.h>
#include <linux/uio.h>
#include <fs/fs.h>

struct poll_table;
struct pbuf;
struct vma;
struct path;
struct mount;

/* Where a read's data goes or a write's comes from: a vector of buffers
 * in user memory (read/readv) or kernel memory (kernel_read). */
struct uio {
	const struct iovec *iov;    /* the remaining segments */
	int iovcnt;
	size_t iov_off;             /* bytes of iov[0] already done */
	size_t resid;               /* bytes left in all segments */
	bool user;                  /* the buffers are user addresses */
	struct iovec single;        /* for uio_init_single */
};
void uio_init(struct uio *u, const struct iovec *iov, int iovcnt, size_t total, bool user);
void uio_init_single(struct uio *u, void *buf, size_t len, bool user);
/* Copies n bytes from src to the reader's buffers (read). Returns the
 * bytes copied: less than n only on a fault (then copy what you got). */
size_t uio_copy_out(struct uio *u, const void *src, size_t n);
/* Copies n bytes from the writer's buffers to dst (write). */
size_t uio_copy_in(struct uio *u, void *dst, size_t n);
/* Makes the next n bytes of the buffers present without moving through
 * them (readable for a write's source, writable for a read's
 * destination), so that a copy under a lock a fault would take cannot
 * fault (fs.h, Locking). Returns how many bytes are there: fewer than n
 * where the buffer stops being valid. */
size_t uio_fault_in(const struct uio *u, size_t n, bool write);

/* getdents64 and friends: iterate() calls emit() once per entry, from
 * ctx->pos on, and sets ctx->pos past each entry emitted; it stops when
 * emit returns false (the buffer is full). pos is the filesystem's own
 * cookie (ext2: the byte offset in the directory); 0 is the start. The
 * filesystem emits "." and ".." too. */
struct dir_context {
	bool (*emit)(struct dir_context *ctx, const char *name, size_t len,
		     uint64_t ino, unsigned type);
	uint64_t pos;
};

struct file_operations {
	/* From *pos (the file's offset, or pread's); advances *pos by the
	 * bytes done. Returns the bytes done, or an errno if none were. */
	ssize_t (*read)(struct file *f, struct uio *u, uint64_t *pos);
	ssize_t (*write)(struct file *f, struct uio *u, uint64_t *pos);
	/* NULL: the file has no offset (pipes, terminals): lseek, pread
	 * and pwrite fail with ESPIPE. Directories get getdents cookies.
	 * noop_llseek: no offset either, but lseek succeeds (returns 0). */
	int64_t (*llseek)(struct file *f, int64_t offset, int whence);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	long (*ioctl)(struct file *f, unsigned cmd, uint64_t arg);
	int (*fsync)(struct file *f, bool datasync);
	/* mmap of the file: may adjust the new region (v->file NULL makes
	 * it anonymous memory, as /dev/zero does). NULL: -ENODEV. */
	int (*mmap)(struct file *f, struct vma *v);
	/* What a read or write would do now without blocking (POLLIN,
	 * POLLOUT, POLLHUP...), after poll_wait() on each wait queue whose
	 * wake-up may change that (fs/poll.h). NULL: always ready. */
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	/* Called by open before the file is returned (devices pick their
	 * operations here). */
	int (*open)(struct inode *inode, struct file *f);
	/* The last reference is gone. */
	void (*release)(struct file *f);
	/* Lines of the file kind's own in /proc/PID/fdinfo/N, after the
	 * common ones (Linux's show_fdinfo: an epoll's items). NULL: none. */
	void (*show_fdinfo)(struct file *f, struct pbuf *b);
};

struct file {
	int refcount;               /* atomic */
	unsigned flags;             /* O_ACCMODE, O_APPEND, O_NONBLOCK, O_DIRECT... (not O_CLOEXEC) */
	struct mutex pos_lock;      /* read/write/lseek on a shared offset */
	uint64_t pos;
	struct inode *inode;        /* referenced */
	struct dentry *dentry;      /* referenced; NULL for anonymous files */
	struct mount *mnt;          /* the mount dentry was reached through */
	const struct file_operations *fop;
	void *private;              /* the file kind's own data */
	struct list_head epoll_items;   /* epoll items watching it (fs/eventpoll.h) */
};

/* A new file for inode (the caller passes its own reference to the file)
 * with no name: pipes, sockets, devices opened by the kernel. */
struct file *file_alloc(struct inode *inode, unsigned flags, const struct file_operations *fop);
/* A new file for the object at path (takes the caller's reference to the
 * path), with the inode's fop, after its open() said yes. */
int file_open_path(struct path *p, unsigned flags, struct file **result);
void file_get(struct file *f);
void file_put(struct file *f);
/* Writes a kernel buffer at the file's offset, as write(2) would (the
 * tracer's -o file): the count written, or an error. */
ssize_t kernel_write(struct file *f, const void *buf, size_t count);
static inline bool file_readable(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY && !(f->flags & O_PATH);
}
static inline bool file_writable(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & O_PATH);
}

/* The page-cached regular file operations (ext2 and tmpfs use them). */
ssize_t generic_file_read(struct file *f, struct uio *u, uint64_t *pos);
ssize_t generic_file_write(struct file *f, struct uio *u, uint64_t *pos);
int generic_file_fsync(struct file *f, bool datasync);
int64_t generic_file_llseek(struct file *f, int64_t offset, int whence);
/* Linux's noop_llseek, for files with no offset that lseek must not fail
 * on (eventfd, timerfd, signalfd, epoll): it succeeds and moves nothing;
 * reads are not serialised on an offset, pread and pwrite are ESPIPE. */
int64_t noop_llseek(struct file *f, int64_t offset, int whence);
/* Regular files: the region maps the file's page-cache pages (mm/mmap.c). */
int generic_file_mmap(struct file *f, struct vma *v);
extern const struct file_operations generic_file_ops;
