/* The pseudo-file framework: filesystems whose files are made up on the
 * spot (/proc, /sys), the course's answer to Linux's seq_file and kernfs.
 *
 * A pseudo filesystem is a tree of struct pseudo_entry, declared as static
 * tables; nothing is stored. A regular file is a show() function that
 * prints into a buffer: the framework calls it when the file is first read
 * after open (one consistent snapshot per open file, like Linux's
 * single_open seq_files), and read, pread and lseek then work on that
 * buffer with correct offsets and partial reads. A writable file's store()
 * parses what one write() brings. A directory lists a static table of
 * children and, after them, a generated list: one child per process, per
 * open file, per CPU. A symlink prints its target; a "magic" link (the
 * /proc/PID/{exe,cwd,root,fd/N} ones) also says which open object it
 * stands for, and following it goes straight there, as in Linux (so
 * opening /proc/self/fd/N of a pipe opens that pipe: bash's <(...)).
 *
 * Every entry is reached with a context: which process, thread and item
 * (fd, CPU) it is about, filled in by the generated directories on the
 * way down. A name whose item is gone (the process exited, the fd was
 * closed) stops resolving at once: cached names are checked again on each
 * lookup. */
#pragma once
#include <kernel/types.h>
#include <kernel/compiler.h>

struct path;
struct pseudo_list;

/* What show() prints into: grows as needed (fs/pseudo/pbuf.c). A
 * buffer that could not grow (no memory, or past PBUF_MAX) keeps what
 * fitted and says so in `overflow`; read() then returns -ENOMEM. */
#define PBUF_MAX (4u << 20)
struct pbuf {
	char *data;
	size_t len, cap;
	bool overflow;
};
void pbuf_init(struct pbuf *b);
void pbuf_free(struct pbuf *b);
void pbuf_printf(struct pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pbuf_write(struct pbuf *b, const void *data, size_t len);
void pbuf_putc(struct pbuf *b, char c);

/* Which object an entry is about. */
struct pseudo_ctx {
	int pid;                    /* /proc/PID/...: the thread group; 0 elsewhere */
	int tid;                    /* /proc/PID/task/TID/...: the thread (== pid above it) */
	long item;                  /* an entry of a generated list: its item (fd, CPU...) */
};

struct pseudo_entry {
	const char *name;           /* NULL ends a table */
	uint32_t mode;              /* S_IFREG | 0444, S_IFDIR | 0555, S_IFLNK | 0777 */

	/* Regular files. show prints the whole file; returns 0 or an errno
	 * (-ESRCH: the process is gone) that read() returns. */
	int (*show)(struct pbuf *b, const struct pseudo_ctx *ctx);
	/* Writable files (mode has a w bit): data is what one write() brought
	 * (at most a page, NUL-terminated); returns 0 or an errno. */
	int (*store)(const struct pseudo_ctx *ctx, const char *data, size_t len);

	/* Symlinks: prints the target (readlink). */
	int (*link)(struct pbuf *b, const struct pseudo_ctx *ctx);
	/* Magic links, optional: the object itself (referenced) for path walks
	 * and open; readlink still shows link's text. */
	int (*follow)(const struct pseudo_ctx *ctx, struct path *result);

	/* Directories: static children, then the generated ones. */
	const struct pseudo_entry *children;
	const struct pseudo_list *list;

	/* Optional: may the caller use this entry at all (after the mode
	 * bits)? Linux's ptrace_may_access check for another user's
	 * environ, fd/, maps...: -EACCES when not. Checked at open (files,
	 * directories) and when a magic link is followed or read. */
	int (*access)(const struct pseudo_ctx *ctx);

	/* Optional: the mode for this context instead of `mode` (an fd's
	 * link is lr-x------ for a file open read-only, as on Linux). */
	uint32_t (*mode_of)(const struct pseudo_ctx *ctx);

	/* Optional, regular files: the size stat() reports (0 otherwise, as
	 * for Linux's /proc files; /proc/PID/environ... stay 0 too). */
	uint64_t (*size)(const struct pseudo_ctx *ctx);
};

/* A generated directory: one child per item, all alike. */
struct pseudo_list {
	/* The first item >= from that exists now, or -1. Items are >= 0. */
	long (*next)(const struct pseudo_ctx *dir, long from);
	/* What each child is (a file, link or directory). */
	const struct pseudo_entry *entry;
	/* The child's context from the directory's and the item; NULL: the
	 * directory's with item set. (/proc's pid list sets pid and tid.) */
	void (*enter)(const struct pseudo_ctx *dir, long item, struct pseudo_ctx *child);
	/* Names are the items in decimal unless this is set: writes item's
	 * name into buf (size NAME_MAX + 1), and parse does the reverse (-1:
	 * not a name of this list). "cpu3" for /sys/devices/system/cpu. */
	void (*name)(long item, char *buf);
	long (*parse)(const char *name);
	/* Optional: does item exist, for lookup and revalidation, where
	 * next(dir, item) == item is asked otherwise? /proc/TID of a thread
	 * resolves though /proc lists only processes. */
	bool (*exists)(const struct pseudo_ctx *dir, long item);
};

/* A pseudo filesystem type ("proc", "sysfs"): registered once at boot,
 * mountable any number of times (mount -t proc proc /proc). */
struct pseudo_fs {
	const char *name;
	const struct pseudo_entry *root;    /* a directory */
	uint64_t magic;                     /* statfs f_type: PROC_SUPER_MAGIC... */
};
void pseudofs_register(const struct pseudo_fs *fs);

/* The owner of the entries of /proc/PID (Linux's task_dump_owner): the
 * process's effective uid and gid, root's if it is not dumpable. An entry
 * with ctx->pid == 0 belongs to root. */
void pseudo_owner(const struct pseudo_ctx *ctx, uint32_t *uid, uint32_t *gid);

/* For show functions that need a process: the task of ctx->tid (or the
 * thread group's leader if tid is 0), referenced so that it stays
 * readable while show sleeps, or NULL if it is gone. Drop it with
 * task_put() (proc/task.h). */
struct task *pseudo_task(const struct pseudo_ctx *ctx);
