/* Changing and removing mounts: remount (new flags for a mount, or for its
 * whole filesystem) and umount, with Linux's rules for a busy mount.
 *
 * A mount is busy while something uses it: a file opened through it, a
 * process's cwd or root in it (mount->users counts these), or another
 * mount hanging below it. Plain umount refuses a busy mount (EBUSY);
 * MNT_DETACH ("lazy") takes it and everything below it out of the tree
 * at once, and those users keep working on what they have. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <fs/dentry.h>
#include <block/block.h>

/* Is m below top in the mount tree (or top itself)? mount_mutex held. */
static bool mount_is_below(const struct mount *m, const struct mount *top)
{
	for (;;) {
		if (m == top)
			return true;
		if (m->parent == m)
			return false;
		m = m->parent;
	}
}

/* Anything mounted below m, or anything using m itself? mount_mutex held. */
static bool mount_busy(const struct mount *m)
{
	if (__atomic_load_n(&m->users, __ATOMIC_RELAXED))
		return true;
	struct mount *c;
	list_for_each_entry(c, &mount_table, link)
		if (c != m && c->parent == m)
			return true;
	return false;
}

/* Files open for writing through m, or (whole_fs) through any mount of
 * its filesystem. */
static bool writers_on(const struct mount *m, bool whole_fs)
{
	if (!whole_fs)
		return __atomic_load_n(&m->writers, __ATOMIC_RELAXED) > 0;
	bool found = false;
	mount_table_lock();
	struct mount *c;
	list_for_each_entry(c, &mount_table, link)
		if (c->sb == m->sb && __atomic_load_n(&c->writers, __ATOMIC_RELAXED))
			found = true;
	mount_table_unlock();
	return found || __atomic_load_n(&m->writers, __ATOMIC_RELAXED) > 0;
}

/* "/" cannot leave the tree: umount makes its filesystem read-only
 * instead, as Linux's do_umount_root (EBUSY while a file is open for
 * writing there), so that a shutdown's umount -a leaves a clean disk. */
static int umount_root(struct mount *m)
{
	if (m->sb->read_only)
		return 0;
	if (writers_on(m, true))
		return -EBUSY;
	sync_filesystems(m->sb);
	m->sb->read_only = true;
	return 0;
}

int do_umount(const struct path *mp, int flags)
{
	struct mount *m = mp->mnt;
	if (mp->dentry != m->root)
		return -EINVAL;         /* not a mount point */
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	if (m->detached)
		return -EINVAL;         /* out of the tree already (MNT_DETACH) */
	if (m->parent == m)
		return flags & MNT_DETACH ? -EINVAL : umount_root(m);
	mount_table_lock();
	int err = 0;
	if (m->detached) {
		err = -EINVAL;
	} else if (flags & MNT_DETACH) {
		/* Everything below m goes too: found first, since a detached
		 * mount no longer has a parent to be found by. */
		struct mount *c, *tmp;
		list_for_each_entry(c, &mount_table, link)
			c->unmounting = mount_is_below(c, m);
		list_for_each_entry_safe(c, tmp, &mount_table, link)
			if (c->unmounting)
				mount_detach(c);
	} else if (mount_busy(m)) {
		err = -EBUSY;
	} else if ((flags & MNT_EXPIRE) && !m->expiring) {
		m->expiring = true;     /* the first call only marks it (Linux) */
		err = -EAGAIN;
	} else {
		mount_detach(m);
	}
	mount_table_unlock();
	if (!err && m->sb->bdev && !m->sb->read_only)
		sync_filesystems(m->sb);    /* a disk's data goes out now, as at Linux's umount */
	return err;
}

int do_remount(const struct path *mp, unsigned flags, const char *options)
{
	struct mount *m = mp->mnt;
	if (mp->dentry != m->root)
		return -EINVAL;
	unsigned mnt_flags = mount_flags_from(flags);
	/* No atime option given: the mount keeps its own (Linux's path_mount). */
	if (!(flags & (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)))
		mnt_flags = (mnt_flags & ~(MNT_NOATIME | MNT_NODIRATIME | MNT_RELATIME)) |
			    (m->flags & (MNT_NOATIME | MNT_NODIRATIME | MNT_RELATIME));
	bool ro = flags & MS_RDONLY;
	if (ro && writers_on(m, !(flags & MS_BIND)))
		return -EBUSY;          /* a file open for writing would lose its writes */
	if (!(flags & MS_BIND)) {
		/* The filesystem itself: read-only or not for every mount of it. */
		struct super_block *sb = m->sb;
		if (!ro && sb->bdev && sb->bdev->read_only)
			return -EACCES;         /* Linux: a read-only disk stays read-only */
		if (sb->ops->remount) {
			int err = sb->ops->remount(sb, options);
			if (err)
				return err;
		}
		if (ro && !sb->read_only)
			sync_filesystems(sb);   /* what is dirty goes out before writes stop */
		sb->read_only = ro;
	}
	mount_table_lock();
	m->flags = mnt_flags;
	mount_table_unlock();
	return 0;
}
