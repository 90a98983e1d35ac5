/* The virtual filesystem (VFS): what every filesystem provides and what
 * the rest of the kernel sees, modelled on Linux's fs/ (much smaller).
 *
 *   struct super_block   one mounted filesystem (an ext2 disk, a tmpfs)
 *   struct inode         one file of it: a regular file, directory, symlink
 *                        or device, with its attributes
 *   struct dentry        a name in the directory tree, pointing to an inode
 *                        (fs/dentry.h); paths are resolved through these
 *   struct file          an open file: offset, flags, operations (fs/file.h)
 *
 * A filesystem fills in three operation tables:
 *   super_operations     read/write/evict inodes, sync, statfs
 *   inode_operations     directories: lookup, create, mkdir, unlink,
 *                        rename, link, symlink; symlinks: readlink;
 *                        files: truncate
 *   file_operations      read, write, iterate (directories), ioctl...
 * and, for files whose data lives in the page cache (ext2, tmpfs), the
 * address_space_operations that move one page to or from the disk.
 *
 * Locking (the whole story is in the handout's Lab 4 page):
 *   sb->lock     (mutex) the namespace lock: held by the VFS around every
 *                directory operation of that filesystem (lookup, create,
 *                unlink, rename, iterate...), so a filesystem never sees
 *                two of them at once.
 *   inode->lock  (mutex) a file's size and data: held by the VFS around
 *                a read's page-cache lookups, a whole write, truncate and
 *                writeback, and by a fault on a mapping of the file.
 *   A filesystem's own allocator (bitmaps, counters) takes its own lock
 *   inside these. Order: f->pos_lock, sb->lock, inode->lock, fs-private,
 *   buffer locks; spinlocks innermost.
 *   file_locks   (mutex, fs/locks.h) the file-lock lists of every inode:
 *                taken alone, with none of the locks above held, and
 *                never held across a user copy. Never two pos_locks at once
 *   (sendfile lets go of the input's before it writes to the output).
 *
 * User memory: a copy to or from it may fault on a file mapping, and that
 * fault takes the mapped file's inode->lock (mm/fault.c), maybe reading
 * the disk. So no inode->lock, nor any lock after it in the order, is
 * held across a copy that may fault: a read copies from a page it holds
 * a reference on with no lock; a write faults its source in first and
 * copies under the lock with file faults off (task->file_faults_off),
 * faulting in again with the lock let go if a page went away (filemap.c).
 * Otherwise pread(fd, mmap of fd) takes the lock twice, and two tasks
 * reading each file into a mapping of the other deadlock. Locks that no
 * fault takes and that are never taken with an inode->lock held may be
 * held across a copy, as in Linux: f->pos_lock, a pipe's lock, the tty's
 * read_lock (a fault there stalls only that file's users). The global
 * futex_mutex is not: futex.c reads the word the way a write copies. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/spinlock.h>
#include <linux/stat.h>
#include <linux/limits.h>
#include <linux/fcntl.h>

struct super_block;
struct inode;
struct dentry;
struct file;
struct uio;
struct dir_context;
struct kstatfs;
struct path;

typedef uint32_t dev_t;     /* the kernel's form: major << 20 | minor */
#define MINORBITS 20
#define MKDEV(ma, mi)  (((dev_t)(ma) << MINORBITS) | (mi))
#define MAJOR(d)       ((unsigned)((d) >> MINORBITS))
#define MINOR(d)       ((unsigned)((d) & ((1u << MINORBITS) - 1)))
/* The encoding stat() returns (glibc's gnu_dev_makedev). */
uint64_t dev_encode(dev_t d);
dev_t dev_decode(uint64_t d);

struct timespec64 {
	int64_t sec;
	long nsec;
};
/* The current time (CLOCK_REALTIME), for timestamps. */
struct timespec64 current_time(void);

/* Directory entry types (getdents64's d_type; glibc's dirent.h values). */
enum { DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6,
       DT_REG = 8, DT_LNK = 10, DT_SOCK = 12 };
unsigned dt_type(uint32_t mode);

/* --- inodes ---------------------------------------------------------------- */

struct inode_operations {
	/* Directories. name is one path component, NUL-terminated, at most
	 * NAME_MAX bytes, never "." or "..". The VFS holds sb->lock and has
	 * checked permissions, the kinds of the inodes involved, and that
	 * the name is free (create/mkdir/symlink/link) or present. */

	/* The inode named name in dir (referenced), or -ENOENT. */
	int (*lookup)(struct inode *dir, const char *name, struct inode **result);
	/* A new regular file (or device/fifo: mode has the type bits). */
	int (*create)(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
		      struct inode **result);
	int (*mkdir)(struct inode *dir, const char *name, uint32_t mode, struct inode **result);
	int (*symlink)(struct inode *dir, const char *name, const char *target,
		       struct inode **result);
	/* A new name for inode (not a directory) in dir; bumps its nlink. */
	int (*link)(struct inode *inode, struct inode *dir, const char *name);
	/* Removes the name of victim (not a directory) and drops its nlink;
	 * the inode's data goes when its last reference does (evict_inode). */
	int (*unlink)(struct inode *dir, const char *name, struct inode *victim);
	/* Removes an empty directory: -ENOTEMPTY if it is not. */
	int (*rmdir)(struct inode *dir, const char *name, struct inode *victim);
	/* Moves old_dir/old_name (inode source) to new_dir/new_name, replacing
	 * target if not NULL. The VFS has checked: target's kind matches
	 * source's (both directories or neither), source is not an ancestor
	 * of new_dir, and they are not the same inode. The filesystem checks
	 * that a replaced directory is empty (-ENOTEMPTY), fixes a moved
	 * directory's "..", and the link counts. */
	int (*rename)(struct inode *old_dir, const char *old_name, struct inode *source,
		      struct inode *new_dir, const char *new_name, struct inode *target);

	/* Symlinks: copies up to size bytes of the target into buf (kernel
	 * memory, no NUL added); returns the length copied. */
	int (*readlink)(struct inode *inode, char *buf, size_t size);
	/* Optional, symlinks: a "magic" link (/proc/PID/fd/N, exe, cwd)
	 * leads to the object itself, not to its text: the path it stands
	 * for, referenced (a pipe's is a nameless one). */
	int (*get_link)(struct inode *inode, struct path *result);

	/* Optional, any inode whose name is made up on the spot (/proc):
	 * is the cached name still good? An error (-ENOENT: its fd is
	 * closed; -ESRCH: its process is gone) makes the VFS drop the name
	 * and ask lookup again. */
	int (*revalidate)(struct inode *inode);

	/* Regular files: sets the size, freeing blocks past it or zero-filling
	 * up to it (holes). Called with inode->lock held. */
	int (*truncate)(struct inode *inode, uint64_t size);
};

/* Files whose data is cached in pages (fs/pagecache.h): how to fill one
 * page of the file from the disk and write it back. index counts 4 KiB
 * pages from the start of the file. */
struct address_space_operations {
	/* Fills page (4096 bytes of kernel memory) with the file's data at
	 * index; holes and the part past the end read as zeroes. */
	int (*read_page)(struct inode *inode, uint64_t index, void *page);
	/* Writes the page back, allocating blocks as needed; only the part
	 * below inode->size matters. -ENOSPC when the disk is full. */
	int (*write_page)(struct inode *inode, uint64_t index, const void *page);
	/* Optional. write() is about to put data in page index, making the
	 * file (at least) end bytes long: find the space write_page will
	 * need now (allocate the blocks), so that a disk too full fails the
	 * write with -ENOSPC instead of losing the data at writeback. */
	int (*write_begin)(struct inode *inode, uint64_t index, uint64_t end);
	/* Optional. A write failed part way: give back what write_begin
	 * took past inode->size. */
	void (*write_failed)(struct inode *inode);
};

struct inode {
	struct super_block *sb;
	uint64_t ino;
	uint32_t mode;              /* type and permission bits (S_IFREG | 0644) */
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	uint64_t blocks;            /* 512-byte units allocated (st_blocks) */
	struct timespec64 atime, mtime, ctime;
	dev_t rdev;                 /* device inodes: which device */

	const struct inode_operations *iop;
	const struct file_operations *fop;      /* what open() gives a file of it */
	const struct address_space_operations *aops;   /* NULL if not page-cached */

	struct mutex lock;          /* see above */
	void *fs_private;           /* the filesystem's own per-inode data */

	/* The VFS's own (inode.c, pagecache.c). */
	int refcount;
	bool dirty;                 /* attributes changed: write_inode due */
	uint64_t dirtied_when;      /* when it last went from clean to dirty
				     * (monotonic ns): background writeback's age */
	struct list_head sb_link;   /* in sb->inodes */
	struct list_head hash_link;
	unsigned state;             /* I_NEW, I_FREEING (inode.c) */
	struct list_head pages;     /* its cached pages (pagecache.c) */
	uint64_t npages, ndirty;

	/* File locks (fs/locks.h), under the file_locks mutex. */
	struct list_head posix_locks;   /* fcntl record locks, POSIX and OFD, by start */
	struct list_head flocks;        /* flock(2) locks */
};

/* --- superblocks and filesystem types -------------------------------------- */

struct super_operations {
	/* Fills inode (sb, ino set; the rest zero) from the disk: the
	 * attributes and iop/fop/aops. -EIO, or -EUCLEAN for a corrupt one. */
	int (*read_inode)(struct inode *inode);
	/* Writes the attributes back (called when dirty). */
	int (*write_inode)(struct inode *inode);
	/* The last reference to an inode with nlink == 0 is gone: free its
	 * data and the inode itself on the disk. */
	void (*evict_inode)(struct inode *inode);
	/* Called as the in-memory inode is freed: drop fs_private. */
	void (*destroy_inode)(struct inode *inode);
	/* Writes the filesystem's own metadata (superblock, bitmaps). */
	int (*sync_fs)(struct super_block *sb);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* Optional. mount -o remount: the filesystem's own options again
	 * (NULL: none given); -EINVAL for one it does not know. */
	int (*remount)(struct super_block *sb, const char *options);
	/* Optional. /proc/mounts: ",size=1024k,mode=755": the filesystem's
	 * options, each after a comma, into buf (snprintf's contract). */
	void (*show_options)(struct super_block *sb, char *buf, size_t size);
};

/* statfs's fields in the kernel's form. */
struct kstatfs {
	uint64_t type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize, flags;
};

struct super_block {
	const struct super_operations *ops;
	const struct fs_type *type;
	dev_t dev;                  /* st_dev of its files */
	struct block_device *bdev;  /* NULL for tmpfs/devfs */
	unsigned block_size;        /* st_blksize */
	uint64_t max_bytes;         /* the largest file size: past it write and
				     * truncate fail with EFBIG (Linux's s_maxbytes) */
	uint64_t magic;             /* statfs's f_type (EXT2_SUPER_MAGIC...) */
	bool read_only;
	uint64_t cached_pages;      /* its files' pages in the page cache (atomic):
				     * all of a tmpfs's data (statfs, size=) */
	struct inode *root;         /* the root directory's inode (referenced) */
	void *fs_private;

	struct mutex lock;          /* the namespace lock (see above) */
	struct spinlock inodes_lock;
	struct list_head inodes;    /* its in-memory inodes */
	struct list_head link;      /* in the list of superblocks */
};

struct fs_type {
	const char *name;           /* "ext2", "tmpfs", "devfs" */
	/* Reads (or creates) a filesystem: fills sb (ops, root, ...) from
	 * source (a block device, or NULL). The VFS has initialized sb's
	 * lists and locks. -EINVAL or -EUCLEAN if source is not this kind
	 * of filesystem, or too broken to mount (after a console line
	 * saying what is wrong). */
	int (*fill_super)(struct super_block *sb, struct block_device *source, const char *options);
	/* Drops fs_private at unmount. */
	void (*kill_super)(struct super_block *sb);
	bool needs_device;
	struct list_head link;
};

void fs_type_register(struct fs_type *type);
struct fs_type *fs_type_find(const char *name);
/* The registered types in order (/proc/filesystems): the first after
 * prev, the first of all if prev is NULL; NULL at the end. */
const struct fs_type *fs_type_next(const struct fs_type *prev);
/* A new superblock of type from source; the caller mounts its root. */
int super_create(struct fs_type *type, struct block_device *source, const char *options,
		 struct super_block **result);
/* An unused device number for a filesystem without a device. */
dev_t anon_dev_alloc(void);
/* Writes back every dirty page, inode and buffer of sb (all if NULL). */
int sync_filesystems(struct super_block *sb);
/* Background writeback: of every filesystem on a disk, the inodes dirty
 * since before `before` (monotonic ns), then its own metadata. */
int sync_filesystems_dirtied_before(uint64_t before);
/* Writes sb's own metadata and buffers (fsync, after the inode's own). */
int super_sync_metadata(struct super_block *sb);

/* --- the inode cache (inode.c) ---------------------------------------------- */

/* The inode cache: a step of vfs_init, before any file system mounts. */
void inode_cache_init(void);

/* The inode ino of sb, read with read_inode unless cached; referenced. */
int iget(struct super_block *sb, uint64_t ino, struct inode **result);
/* A new in-memory inode for sb (refcount 1, in the cache once ino is
 * set with inode_hash): filesystems call this when creating files. */
struct inode *inode_new(struct super_block *sb);
void inode_hash(struct inode *inode);
void iref(struct inode *inode);
/* A reference to an inode found on a list, unless it is being read or
 * freed right now: false then. */
bool igrab(struct inode *inode);
/* Drops a reference. The last one writes the inode back if dirty, or
 * evicts it if nlink is 0 (its data freed). */
void iput(struct inode *inode);
void mark_inode_dirty(struct inode *inode);
/* Called just before an inode's attributes or pages become dirty: notes
 * the time if it was clean (dirtied_when). */
void inode_note_dirtied(struct inode *inode);
/* Writes the inode's dirty pages and attributes back. */
int inode_sync(struct inode *inode);
/* Sets mtime and ctime to now and marks the inode dirty. */
void inode_touch(struct inode *inode);

/* Read access to regular files' data for the kernel itself (exec). */
ssize_t kernel_read(struct file *f, void *buf, size_t count, uint64_t pos);
