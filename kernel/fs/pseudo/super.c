/* The pseudo-file framework's filesystem side (fs/pseudofs.h): each
 * registered pseudo_fs becomes a mountable filesystem type; an inode is
 * made up for an entry and its context the first time a name is looked
 * up, and checked again (revalidate) each time the cached name is used,
 * so a process or fd that is gone stops resolving at once. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <proc/task.h>
#include <fs/fs.h>
#include "pseudo.h"

/* A registered pseudo_fs and its fs_type (found again from sb->type). */
struct pseudo_type {
	struct fs_type type;
	const struct pseudo_fs *fs;
};

/* Inode numbers: stable for an entry and its context (find and du tell
 * directories apart by them), as getdents reports them too. */
uint64_t pseudo_ino(const struct pseudo_entry *e, const struct pseudo_ctx *ctx)
{
	uint64_t h = (uint64_t)(uintptr_t)e * 0x9e3779b97f4a7c15ull;
	h ^= ((uint64_t)ctx->pid << 40) ^ ((uint64_t)ctx->tid << 20) ^ (uint64_t)ctx->item * 0x100000001b3ull;
	h ^= h >> 29;
	h &= 0xffffffffull;     /* 32 bits, as Linux's /proc numbers are */
	return h ? h : 1;
}

struct task *pseudo_task(const struct pseudo_ctx *ctx)
{
	int tid = ctx->tid ? ctx->tid : ctx->pid;
	if (!tid)
		return NULL;
	struct task *t = task_get_by_tid(tid);
	if (t && ctx->pid && t->tgid != ctx->pid) {
		task_put(t);        /* a thread of another process */
		t = NULL;
	}
	return t;
}

void pseudo_owner(const struct pseudo_ctx *ctx, uint32_t *uid, uint32_t *gid)
{
	*uid = *gid = 0;
	struct task *t = pseudo_task(ctx);
	if (!t)
		return;
	if (t->group_leader->dumpable || t->dumpable) {
		*uid = t->cred.euid;
		*gid = t->cred.egid;
	}
	task_put(t);
}

bool pseudo_node_alive(const struct pseudo_node *n)
{
	if (n->ctx.pid || n->ctx.tid) {
		struct task *t = pseudo_task(&n->ctx);
		if (!t)
			return false;
		task_put(t);
	}
	if (n->from)
		return pseudo_list_has(n->from, &n->dir_ctx, n->ctx.item);
	return true;
}

int pseudo_check_access(const struct pseudo_node *n)
{
	return n->entry->access ? n->entry->access(&n->ctx) : 0;
}

/* Revalidation: a gone item's cached name is dropped (-ENOENT); a live
 * one's owner follows its process's credentials (setuid, execve). */
int pseudo_revalidate(struct inode *inode)
{
	struct pseudo_node *n = pseudo_node(inode);
	if (!pseudo_node_alive(n))
		return n->ctx.pid ? -ESRCH : -ENOENT;
	if (n->ctx.pid)
		pseudo_owner(&n->ctx, &inode->uid, &inode->gid);
	return 0;
}

struct inode *pseudo_inode_new(struct super_block *sb, const struct pseudo_entry *e,
			       const struct pseudo_ctx *ctx, const struct pseudo_list *from,
			       const struct pseudo_ctx *dir_ctx)
{
	struct pseudo_node *n = kzalloc(sizeof(*n));
	struct inode *inode = n ? inode_new(sb) : NULL;
	if (!inode) {
		kfree(n);
		return NULL;
	}
	n->entry = e;
	n->ctx = *ctx;
	n->from = from;
	if (dir_ctx)
		n->dir_ctx = *dir_ctx;
	inode->fs_private = n;
	inode->ino = pseudo_ino(e, ctx);
	inode->mode = e->mode_of ? e->mode_of(ctx) : e->mode;
	inode->nlink = S_ISDIR(e->mode) ? 2 : 1;
	if (ctx->pid)
		pseudo_owner(ctx, &inode->uid, &inode->gid);
	if (S_ISDIR(e->mode)) {
		inode->iop = &pseudo_dir_iops;
		inode->fop = &pseudo_dir_fops;
	} else if (S_ISLNK(e->mode)) {
		inode->iop = e->follow ? &pseudo_magic_link_iops : &pseudo_link_iops;
	} else {
		inode->iop = &pseudo_file_iops;
		inode->fop = &pseudo_file_fops;
		if (e->size)
			inode->size = e->size(ctx);
	}
	return inode;
}

static void pseudo_destroy_inode(struct inode *inode)
{
	kfree(inode->fs_private);
	inode->fs_private = NULL;
}

static int pseudo_statfs(struct super_block *sb, struct kstatfs *st)
{
	*st = (struct kstatfs){ .type = sb->magic, .bsize = 4096, .frsize = 4096, .namelen = 255 };
	return 0;
}

static const struct super_operations pseudo_sops = {
	.destroy_inode = pseudo_destroy_inode,
	.statfs = pseudo_statfs,
};

static int pseudo_fill_super(struct super_block *sb, struct block_device *source, const char *options)
{
	const struct pseudo_fs *fs = container_of(sb->type, struct pseudo_type, type)->fs;
	sb->ops = &pseudo_sops;
	if (!sb->dev)
		sb->dev = anon_dev_alloc();
	sb->block_size = 4096;
	sb->magic = fs->magic;
	struct pseudo_ctx none = { 0 };
	sb->root = pseudo_inode_new(sb, fs->root, &none, NULL, NULL);
	return sb->root ? 0 : -ENOMEM;
}

void pseudofs_register(const struct pseudo_fs *fs)
{
	struct pseudo_type *pt = kzalloc(sizeof(*pt));
	if (!pt)
		return;
	pt->fs = fs;
	pt->type.name = fs->name;
	pt->type.fill_super = pseudo_fill_super;
	fs_type_register(&pt->type);
}
