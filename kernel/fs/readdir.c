/* getdents64: a directory's entries in Linux's struct linux_dirent64,
 * packed into the caller's buffer. The filesystem's iterate() produces
 * them one at a time (fs/file.h: struct dir_context). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <x86/uaccess.h>
#include <syscall/syscalls.h>
#include <fs/file.h>
#include <fs/fdtable.h>

/* Linux's struct linux_dirent64 (include/linux/dirent.h, not in UAPI). */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;          /* the cookie of the next entry */
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
} __attribute__((packed));

struct getdents_ctx {
	struct dir_context ctx;
	char *buf;
	size_t size, used;
	struct linux_dirent64 *prev;
	bool too_small;
};

static bool emit(struct dir_context *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct getdents_ctx *g = (struct getdents_ctx *)ctx;
	// LAB 4 BEGIN(exercise 6): pack one struct linux_dirent64 into the buffer
	size_t reclen = (offsetof(struct linux_dirent64, d_name) + len + 1 + 7) & ~7ul;
	if (g->used + reclen > g->size) {
		g->too_small = g->used == 0;
		return false;
	}
	/* The previous entry's d_off is where this one starts. */
	if (g->prev)
		g->prev->d_off = ctx->pos;
	struct linux_dirent64 *d = (struct linux_dirent64 *)(g->buf + g->used);
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_reclen = reclen;
	d->d_type = type;
	memcpy(d->d_name, name, len);
	g->prev = d;
	g->used += reclen;
	return true;
	// LAB 4 STUB: (void)g;
	// LAB 4 STUB: return false;
	// LAB 4 END
}

/* Bigger buffers are filled in several passes of this size. */
#define CHUNK 16384

long sys_getdents64(int fd, void *udirp, unsigned count)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r;
	if (!f->fop || !f->fop->iterate) {
		r = -ENOTDIR;
		goto out;
	}
	if (f->inode->nlink == 0) {
		r = -ENOENT;        /* removed while open: no entries, not even "." */
		goto out;
	}
	struct getdents_ctx g = { .ctx.emit = emit, .size = count < CHUNK ? count : CHUNK };
	g.buf = kmalloc(g.size ? g.size : 1);
	if (!g.buf) {
		r = -ENOMEM;
		goto out;
	}
	mutex_lock(&f->pos_lock);
	struct super_block *sb = f->inode->sb;
	mutex_lock(&sb->lock);
	g.ctx.pos = f->pos;
	r = f->fop->iterate(f, &g.ctx);
	mutex_unlock(&sb->lock);
	if (g.prev)
		g.prev->d_off = g.ctx.pos;
	if (!r && g.too_small)
		r = -EINVAL;
	if (!r && g.used && copy_to_user(udirp, g.buf, g.used))
		r = -EFAULT;
	if (!r) {
		f->pos = g.ctx.pos;
		r = g.used;
	}
	mutex_unlock(&f->pos_lock);
	kfree(g.buf);
out:
	file_put(f);
	return r;
}
