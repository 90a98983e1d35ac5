/* What a process has open, as /proc names it: the text of a file's link
 * (a path, "pipe:[N]", "anon_inode:[pidfd]"...) and the object itself
 * for the magic links exe, cwd, root and fd/N (fs/proc/proc.h). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <linux/magic.h>
#include <linux/limits.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <proc/task.h>
#include <fs/file.h>
#include <fs/dentry.h>
#include <fs/namei.h>
#include <fs/fdtable.h>
#include <fs/fs_struct.h>
#include <fs/anon_inodes.h>
#include "proc.h"

/* Files with no place in the tree (a pipe, a pidfd) are reached through
 * nameless dentries on this mount, made when a magic link is followed:
 * open(/proc/self/fd/N) of a pipe opens that pipe, as on Linux. */
static struct mount anon_mount = { .parent = &anon_mount };

static bool is_anon(const struct file *f)
{
	return !f->dentry || f->mnt == &anon_mount;
}

/* The kind of a nameless file, as Linux's anon_inode:[...] names it. */
static const char *anon_name(const struct file *f)
{
	const struct fs_type *type = f->inode->sb->type;
	if (type && !strcmp(type->name, "pidfs"))
		return "pidfd";
	if (anon_inode_name(f))
		return anon_inode_name(f);     /* eventfd, timerfd, signalfd... */
	return "unknown";
}

void proc_print_path(struct pbuf *b, const struct path *p)
{
	char *buf = kmalloc(PATH_MAX);
	if (!buf) {
		b->overflow = true;
		return;
	}
	int n = path_string_any(p, buf, PATH_MAX);
	if (n > 0) {
		pbuf_write(b, buf, n - 1);
		if (p->dentry->unlinked)
			pbuf_printf(b, " (deleted)");
	}
	kfree(buf);
}

void proc_print_file(struct pbuf *b, struct file *f)
{
	struct inode *inode = f->inode;
	if (S_ISFIFO(inode->mode) && inode->sb->magic == PIPEFS_MAGIC)
		pbuf_printf(b, "pipe:[%lu]", inode->ino);
	else if (is_anon(f) && S_ISSOCK(inode->mode))
		pbuf_printf(b, "socket:[%lu]", inode->ino);
	else if (is_anon(f) && inode->sb->magic == TMPFS_MAGIC)
		pbuf_printf(b, "/memfd: (deleted)");
	else if (is_anon(f))
		pbuf_printf(b, "anon_inode:[%s]", anon_name(f));
	else
		proc_print_path(b, &(struct path){ .mnt = f->mnt, .dentry = f->dentry });
}

int proc_file_target(struct file *f, struct path *result)
{
	if (!is_anon(f)) {
		result->mnt = f->mnt;
		result->dentry = f->dentry;
		path_get(result);
		return 0;
	}
	struct dentry *d = dentry_make_root(f->inode->sb, f->inode);
	if (!d)
		return -ENOMEM;
	iref(f->inode);             /* the dentry's */
	d->unlinked = true;         /* freed with its last user; no path */
	result->mnt = &anon_mount;
	result->dentry = d;
	return 0;
}

/* --- exe, cwd, root ------------------------------------------------------------ */

/* The process's program file, referenced, or NULL. */
static struct file *exe_file(const struct pseudo_ctx *ctx)
{
	struct mm *mm;
	struct file *f = NULL;
	if (proc_task_mm(ctx, &mm) == 0 && mm) {
		uint64_t irq = spin_lock_irqsave(&mm->lock);
		if ((f = mm->exe_file))
			file_get(f);
		spin_unlock_irqrestore(&mm->lock, irq);
		mm_put(mm);
	}
	return f;
}

/* The process's cwd (which 0) or root (1), referenced. */
static int fs_path(const struct pseudo_ctx *ctx, int which, struct path *p)
{
	struct task *t = pseudo_task(ctx);
	if (!t)
		return -ENOENT;
	struct fs *fs = task_get_fs(t);
	task_put(t);
	if (!fs)
		return -ENOENT;
	uint64_t flags = spin_lock_irqsave(&fs->lock);
	*p = which ? fs->root : fs->cwd;
	if (p->dentry)
		path_get(p);
	spin_unlock_irqrestore(&fs->lock, flags);
	fs_put(fs);
	return p->dentry ? 0 : -ENOENT;
}

int proc_exe_link(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	struct file *f = exe_file(ctx);
	if (!f)
		return -ENOENT;
	proc_print_file(b, f);
	file_put(f);
	return 0;
}

int proc_exe_follow(const struct pseudo_ctx *ctx, struct path *result)
{
	struct file *f = exe_file(ctx);
	if (!f)
		return -ENOENT;
	int err = proc_file_target(f, result);
	file_put(f);
	return err;
}

static int fs_link(struct pbuf *b, const struct pseudo_ctx *ctx, int which)
{
	struct path p;
	int err = fs_path(ctx, which, &p);
	if (err)
		return err;
	proc_print_path(b, &p);
	path_put(&p);
	return 0;
}

int proc_cwd_link(struct pbuf *b, const struct pseudo_ctx *ctx) { return fs_link(b, ctx, 0); }
int proc_root_link(struct pbuf *b, const struct pseudo_ctx *ctx) { return fs_link(b, ctx, 1); }
int proc_cwd_follow(const struct pseudo_ctx *ctx, struct path *r) { return fs_path(ctx, 0, r); }
int proc_root_follow(const struct pseudo_ctx *ctx, struct path *r) { return fs_path(ctx, 1, r); }

/* --- fd/N ------------------------------------------------------------------------ */

struct file *proc_fd_file(const struct pseudo_ctx *ctx, long fd, bool *cloexec)
{
	struct task *t = pseudo_task(ctx);
	if (!t)
		return NULL;
	struct files *files = task_get_files(t);
	task_put(t);
	if (!files)
		return NULL;
	struct file *f = fd >= 0 && fd < INT32_MAX ? files_lookup(files, fd, cloexec) : NULL;
	files_put(files);
	return f;
}

int proc_fd_follow(const struct pseudo_ctx *ctx, struct path *result)
{
	struct file *f = proc_fd_file(ctx, ctx->item, NULL);
	if (!f)
		return -ENOENT;
	int err = proc_file_target(f, result);
	file_put(f);
	return err;
}

int proc_mnt_id(const struct mount *m)
{
	return m ? m->id : 0;
}
