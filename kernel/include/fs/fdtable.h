/* The per-process file-descriptor table: small integers to struct file.
 *
 * fork copies the table (each struct file gains a reference: parent and
 * child share offsets); CLONE_FILES shares the table itself. Each slot
 * has a close-on-exec flag, which execve honours (files_close_on_exec). */
#pragma once
#include <kernel/types.h>
#include <kernel/spinlock.h>

struct file;

#define NR_OPEN_DEFAULT 1024    /* RLIMIT_NOFILE's soft limit on Linux */
#define NR_OPEN_MAX     4096    /* the most a table may grow to */

struct files {
	int refcount;
	struct spinlock lock;
	unsigned max_fds;           /* slots allocated in fd[] */
	struct file **fd;
	uint64_t *cloexec;          /* bitmap of max_fds bits */
	unsigned limit;             /* RLIMIT_NOFILE: fds must stay below */
};

struct files *files_alloc(void);
struct files *files_copy(struct files *f);
void files_put(struct files *f);
/* CLONE_FILES: one more task shares f. */
static inline struct files *files_get(struct files *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
	return f;
}

/* Installs f in the lowest free slot >= min (takes the caller's reference
 * to f): the fd, or -EMFILE. */
int fd_install(struct file *f, bool cloexec, int min);
/* The same, in another task's table (the kernel setting up init). */
int files_install(struct files *t, struct file *f, bool cloexec, int min);
/* The file behind fd, referenced (file_put it), or NULL: callers return
 * -EBADF. */
struct file *fd_get(int fd);
/* close(2): -EBADF if fd is not open. */
int fd_close(int fd);
/* dup2/dup3: makes newfd refer to oldfd's file, closing newfd first. */
int fd_dup_to(int oldfd, int newfd, bool cloexec);
int fd_get_cloexec(int fd);             /* 0/1, or -EBADF */
int fd_set_cloexec(int fd, bool on);
void files_close_on_exec(struct files *f);
/* For /proc/PID/fd: the lowest open fd >= from in t, or -1; and the file
 * behind fd in t (referenced, or NULL), with its close-on-exec flag. */
int files_next_open(struct files *t, unsigned from);
struct file *files_lookup(struct files *t, unsigned fd, bool *cloexec);
