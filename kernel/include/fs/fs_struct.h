/* A process's place in the file tree: its root and current directory,
 * and its umask. fork copies it; CLONE_FS shares it. */
#pragma once
#include <kernel/spinlock.h>
#include <fs/dentry.h>

struct fs {
	int refcount;
	struct spinlock lock;       /* root and cwd change under it */
	unsigned umask;
	struct path root, cwd;      /* referenced; empty before the root is mounted */
};

struct fs *fs_alloc(void);
struct fs *fs_copy(struct fs *f);
void fs_put(struct fs *f);
/* CLONE_FS: one more task shares f. */
static inline struct fs *fs_get(struct fs *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
	return f;
}
/* The caller's cwd or root, referenced (path_put them). */
void fs_get_cwd(struct path *p);
void fs_get_root(struct path *p);
/* chdir: replaces the cwd (takes the caller's reference). */
void fs_set_cwd(struct path *p);
/* The current task's fs, or NULL for kernel threads (and at boot, before
 * there is a task at all). */
struct fs *current_fs(void);
/* The umask new files get (022 for kernel threads, which have no fs). */
unsigned current_umask(void);
