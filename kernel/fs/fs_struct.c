/* A process's root, cwd and umask (fs/fs_struct.h). */
#include <kernel/types.h>
#include <mm/kmalloc.h>
#include <proc/task.h>
#include <fs/fs_struct.h>

/* A cwd or root keeps its mount busy (umount: EBUSY). */
static void pin_paths(struct fs *f)
{
	mount_pin(f->root.mnt);
	mount_pin(f->cwd.mnt);
}

struct fs *fs_alloc(void)
{
	struct fs *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->refcount = 1;
	spin_lock_init(&f->lock, "fs");
	f->umask = 022;
	/* Before the root is mounted both stay empty (kernel threads at boot). */
	vfs_root(&f->root);
	if (f->root.dentry) {
		f->cwd = f->root;
		path_get(&f->root);
		path_get(&f->cwd);
		pin_paths(f);
	}
	return f;
}

struct fs *fs_copy(struct fs *old)
{
	struct fs *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->refcount = 1;
	spin_lock_init(&f->lock, "fs");
	uint64_t flags = spin_lock_irqsave(&old->lock);
	f->umask = old->umask;
	f->root = old->root;
	f->cwd = old->cwd;
	if (f->root.dentry)
		path_get(&f->root);
	if (f->cwd.dentry)
		path_get(&f->cwd);
	pin_paths(f);
	spin_unlock_irqrestore(&old->lock, flags);
	return f;
}

void fs_put(struct fs *f)
{
	if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	mount_unpin(f->root.mnt);
	mount_unpin(f->cwd.mnt);
	if (f->root.dentry)
		path_put(&f->root);
	if (f->cwd.dentry)
		path_put(&f->cwd);
	kfree(f);
}

static void get_locked(struct path *dst, const struct path *src)
{
	uint64_t flags = spin_lock_irqsave(&current->fs->lock);
	*dst = *src;
	if (dst->dentry)
		path_get(dst);
	spin_unlock_irqrestore(&current->fs->lock, flags);
}

void fs_get_cwd(struct path *p) { get_locked(p, &current->fs->cwd); }
void fs_get_root(struct path *p) { get_locked(p, &current->fs->root); }

void fs_set_cwd(struct path *p)
{
	struct fs *f = current->fs;
	uint64_t flags = spin_lock_irqsave(&f->lock);
	struct path old = f->cwd;
	f->cwd = *p;
	mount_pin(p->mnt);
	mount_unpin(old.mnt);
	spin_unlock_irqrestore(&f->lock, flags);
	if (old.dentry)
		path_put(&old);
}

unsigned current_umask(void)
{
	return current_fs() ? current_fs()->umask : 022;
}

struct fs *current_fs(void)
{
	struct task *t = current;
	return t ? t->fs : NULL;
}
