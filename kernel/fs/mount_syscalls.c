/* mount(2) and umount2(2): the arguments copied in and checked in Linux's
 * order (fs/namespace.c's do_mount and path_mount), so the errno matches;
 * the work is in mount.c and mount_change.c.
 *
 * mount's flags pick one operation: MS_REMOUNT (new options; with
 * MS_BIND only the mount's own flags), MS_BIND (the same directory a
 * second time), a propagation type (MS_PRIVATE...: every Kestrel mount
 * is private already, so only checked), MS_MOVE (a mount to another
 * place, what is below it along), or else a new
 * filesystem of type fstype from source. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <x86/uaccess.h>
#include <syscall/syscalls.h>
#include <proc/cred.h>
#include <fs/dentry.h>
#include <fs/namei.h>

#define MOUNT_DATA_MAX 4096         /* Linux copies at most a page of options */
#define PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

/* A string argument (type, source, options), or NULL if upath is NULL. */
static int mount_string(const char *ustr, size_t max, char **out)
{
	*out = NULL;
	if (!ustr)
		return 0;
	char *s = kmalloc(max);
	if (!s)
		return -ENOMEM;
	long n = strncpy_from_user(s, ustr, max);
	if (n < 0) {
		kfree(s);
		return n;
	}
	s[max - 1] = 0;
	*out = s;
	return 0;
}

/* The mount's path from a user string: -ENOENT, -EFAULT... */
static int mount_path(const char *upath, unsigned lookup, struct path *p)
{
	char *path;
	int err = path_from_user(upath, false, &path);
	if (err)
		return err;
	err = path_lookup_at(AT_FDCWD, path, lookup, p);
	path_free(path);
	return err;
}

static int mount_propagation(const struct path *mp, unsigned long flags)
{
	unsigned long type = flags & PROPAGATION;
	if (type & (type - 1))
		return -EINVAL;         /* more than one type */
	return mp->dentry == mp->mnt->root ? 0 : -EINVAL;
}

static int mount_bind(const char *source, const struct path *mp)
{
	if (!source)
		return -EFAULT;         /* Linux: the lookup of a NULL name */
	struct path from;
	int err = path_lookup_at(AT_FDCWD, source, LOOKUP_FOLLOW, &from);
	if (err)
		return err;
	err = do_bind_mount(&from, mp);
	path_put(&from);
	return err;
}

static int mount_move(const char *source, const struct path *to)
{
	if (!source)
		return -EFAULT;
	struct path from;
	int err = path_lookup_at(AT_FDCWD, source, LOOKUP_FOLLOW, &from);
	if (err)
		return err;
	err = do_move_mount(&from, to);
	path_put(&from);
	return err;
}

static int path_mount(const char *source, const struct path *mp, const char *type,
		      unsigned long flags, const char *data)
{
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;   /* the old magic number, ignored */
	if (flags & MS_NOUSER)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if ((flags & (MS_REMOUNT | MS_BIND)) == (MS_REMOUNT | MS_BIND))
		return do_remount(mp, flags, NULL);
	if (flags & MS_REMOUNT)
		return do_remount(mp, flags, data);
	if (flags & MS_BIND)
		return mount_bind(source, mp);
	if (flags & PROPAGATION)
		return mount_propagation(mp, flags);
	if (flags & MS_MOVE)
		return mount_move(source, mp);
	if (!type || !*type)
		return -EINVAL;
	return do_new_mount(type, source, data, flags, mp);
}

long sys_mount(const char *usource, const char *utarget, const char *utype,
	       unsigned long flags, const void *udata)
{
	char *type, *source = NULL, *data = NULL;
	int err = mount_string(utype, PATH_MAX, &type);
	if (!err)
		err = mount_string(usource, PATH_MAX, &source);
	if (!err)
		err = mount_string(udata, MOUNT_DATA_MAX, &data);
	struct path mp;
	if (!err)
		err = mount_path(utarget, LOOKUP_FOLLOW, &mp);
	if (!err) {
		err = path_mount(source, &mp, type, flags, data);
		path_put(&mp);
	}
	kfree(type);
	kfree(source);
	kfree(data);
	return err;
}

long sys_umount2(const char *utarget, int flags)
{
	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	struct path mp;
	int err = mount_path(utarget, flags & UMOUNT_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &mp);
	if (err)
		return err;
	if (!capable(CAP_SYS_ADMIN))
		err = -EPERM;
	else
		err = do_umount(&mp, flags);
	path_put(&mp);
	return err;
}
