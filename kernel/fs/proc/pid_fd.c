/* /proc/PID/fd/ and /proc/PID/fdinfo/: one entry per open descriptor,
 * generated from the process's table each time it is listed. fd/N is a
 * magic link: readlink shows what the file is ("/etc/passwd",
 * "pipe:[12]"), and opening it opens that very file. fdinfo/N says where
 * the file is at and how it was opened (Linux 6.1's seq_show). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <proc/task.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/dentry.h>
#include "proc.h"

/* The first open fd >= from of the directory's process, or -1. */
static long next_fd(const struct pseudo_ctx *dir, long from)
{
	// LAB 7 BEGIN(exercise 4): the fd directory's items: the open descriptors
	if (from >= INT32_MAX)
		return -1;
	struct task *t = pseudo_task(dir);
	if (!t)
		return -1;
	struct files *files = task_get_files(t);
	task_put(t);
	if (!files)
		return -1;          /* a zombie: no descriptors */
	long fd = files_next_open(files, from);
	files_put(files);
	return fd;
	// LAB 7 STUB: return -1;
	// LAB 7 END
}

/* fd/N's text: what the file is. */
static int fd_link(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	// LAB 7 BEGIN(exercise 4): the link's text
	struct file *f = proc_fd_file(ctx, ctx->item, NULL);
	if (!f)
		return -ENOENT;
	proc_print_file(b, f);
	file_put(f);
	return 0;
	// LAB 7 STUB: return -ENOENT;
	// LAB 7 END
}

static int fdinfo_show(struct pbuf *b, const struct pseudo_ctx *ctx)
{
	bool cloexec = false;
	struct file *f = proc_fd_file(ctx, ctx->item, &cloexec);
	if (!f)
		return -ENOENT;
	pbuf_printf(b, "pos:\t%lu\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n", f->pos,
		    f->flags | (cloexec ? O_CLOEXEC : 0), proc_mnt_id(f->mnt), f->inode->ino);
	if (f->fop && f->fop->show_fdinfo)
		f->fop->show_fdinfo(f, b);
	file_put(f);
	return 0;
}

/* lr-x------ for a file open for reading, l-wx------ for writing, both:
 * lrwx------ (Linux's tid_fd_update_inode). */
static uint32_t fd_mode(const struct pseudo_ctx *ctx)
{
	uint32_t mode = S_IFLNK;
	struct file *f = proc_fd_file(ctx, ctx->item, NULL);
	if (f) {
		if (file_readable(f))
			mode |= S_IRUSR | S_IXUSR;
		if (file_writable(f))
			mode |= S_IWUSR | S_IXUSR;
		file_put(f);
	}
	return mode;
}

static const struct pseudo_entry fd_entry = {
	.name = "", .mode = S_IFLNK | 0700, .mode_of = fd_mode, .link = fd_link,
	.follow = proc_fd_follow, .access = proc_may_access,
};

static const struct pseudo_entry fdinfo_entry = {
	.name = "", .mode = S_IFREG | 0444, .show = fdinfo_show, .access = proc_may_access,
};

const struct pseudo_list proc_fd_list = { .next = next_fd, .entry = &fd_entry };
const struct pseudo_list proc_fdinfo_list = { .next = next_fd, .entry = &fdinfo_entry };
