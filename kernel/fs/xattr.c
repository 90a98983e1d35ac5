/* Extended attributes: the xattr calls, answered as a Linux filesystem
 * that stores none answers them. Programs probe these (GNU ls asks
 * getxattr for "system.posix_acl_access" on every file it lists, cp -a
 * and tar list and copy them) and take "there is none" in their stride:
 *
 *   getxattr, removexattr   ENODATA for a name of a namespace Linux knows
 *                           (user., trusted., security., the two ACLs),
 *                           EOPNOTSUPP for any other name (as tmpfs)
 *   listxattr               an empty list (0)
 *   setxattr                EOPNOTSUPP: nothing is kept (ext2 built
 *                           without xattr support)
 *
 * with Linux's checks first: flags, then the name (ERANGE if empty or
 * longer than 255), then the value's size (E2BIG), then the path or fd. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <syscall/syscalls.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/namei.h>
#include <x86/uaccess.h>
#include <linux/xattr.h>
#include <linux/limits.h>

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Linux's import_xattr_name. */
static int name_from_user(const char *uname, char name[XATTR_NAME_MAX + 1])
{
	long len = strncpy_from_user(name, uname, XATTR_NAME_MAX + 1);
	if (len == -ENAMETOOLONG || len == 0)
		return -ERANGE;
	return len < 0 ? (int)len : 0;
}

/* What a lookup of name finds on a file (of type mode) that has no
 * attributes. A symlink has no ACLs at all: EOPNOTSUPP. */
static int no_such_attribute(const char *name, uint32_t mode)
{
	static const char *const namespaces[] = { XATTR_USER_PREFIX, XATTR_TRUSTED_PREFIX,
						  XATTR_SECURITY_PREFIX };
	if (!strcmp(name, XATTR_NAME_POSIX_ACL_ACCESS) || !strcmp(name, XATTR_NAME_POSIX_ACL_DEFAULT))
		return S_ISLNK(mode) ? -EOPNOTSUPP : -ENODATA;
	for (unsigned i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
		if (has_prefix(name, namespaces[i]))
			return name[strlen(namespaces[i])] ? -ENODATA : -EINVAL;
	return -EOPNOTSUPP;
}

/* The file a call names: a path (following a last symlink unless
 * nofollow) or an fd. 0 if it exists, and its type in *mode. */
static int check_path(const char *upath, bool nofollow, uint32_t *mode)
{
	struct inode *inode;
	int err = user_path_inode(AT_FDCWD, upath, nofollow ? 0 : LOOKUP_FOLLOW, &inode);
	if (!err) {
		*mode = inode->mode;
		iput(inode);
	}
	return err;
}

static int check_fd(int fd, uint32_t *mode)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int err = f->flags & O_PATH ? -EBADF : 0;
	*mode = f->inode->mode;
	file_put(f);
	return err;
}

/* A file to look at: a path (nofollow or not), or an fd. */
struct target {
	bool by_fd;
	int fd;
	const char *upath;
	bool nofollow;
};

static int check_target(const struct target *t, uint32_t *mode)
{
	return t->by_fd ? check_fd(t->fd, mode) : check_path(t->upath, t->nofollow, mode);
}

static long get_xattr(struct target t, const char *uname)
{
	char name[XATTR_NAME_MAX + 1];
	uint32_t mode;
	int err = name_from_user(uname, name);
	if (!err)
		err = check_target(&t, &mode);
	return err ? err : no_such_attribute(name, mode);
}

static long list_xattr(struct target t)
{
	uint32_t mode;
	return check_target(&t, &mode);         /* 0: the list is empty */
}

static long set_xattr(struct target t, const char *uname, size_t size, int flags)
{
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	char name[XATTR_NAME_MAX + 1];
	int err = name_from_user(uname, name);
	if (err)
		return err;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	uint32_t mode;
	err = check_target(&t, &mode);
	return err ? err : -EOPNOTSUPP;
}

static long remove_xattr(struct target t, const char *uname)
{
	return get_xattr(t, uname);
}

#define PATH(p)   ((struct target){ .upath = (p) })
#define LPATH(p)  ((struct target){ .upath = (p), .nofollow = true })
#define FD(n)     ((struct target){ .by_fd = true, .fd = (n) })

long sys_getxattr(const char *path, const char *name, void *value, size_t size)
{
	(void)value, (void)size;
	return get_xattr(PATH(path), name);
}

long sys_lgetxattr(const char *path, const char *name, void *value, size_t size)
{
	(void)value, (void)size;
	return get_xattr(LPATH(path), name);
}

long sys_fgetxattr(int fd, const char *name, void *value, size_t size)
{
	(void)value, (void)size;
	return get_xattr(FD(fd), name);
}

long sys_listxattr(const char *path, char *list, size_t size)
{
	(void)list, (void)size;
	return list_xattr(PATH(path));
}

long sys_llistxattr(const char *path, char *list, size_t size)
{
	(void)list, (void)size;
	return list_xattr(LPATH(path));
}

long sys_flistxattr(int fd, char *list, size_t size)
{
	(void)list, (void)size;
	return list_xattr(FD(fd));
}

long sys_setxattr(const char *path, const char *name, const void *value, size_t size, int flags)
{
	(void)value;
	return set_xattr(PATH(path), name, size, flags);
}

long sys_lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)
{
	(void)value;
	return set_xattr(LPATH(path), name, size, flags);
}

long sys_fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)
{
	(void)value;
	return set_xattr(FD(fd), name, size, flags);
}

long sys_removexattr(const char *path, const char *name)
{
	return remove_xattr(PATH(path), name);
}

long sys_lremovexattr(const char *path, const char *name)
{
	return remove_xattr(LPATH(path), name);
}

long sys_fremovexattr(int fd, const char *name)
{
	return remove_xattr(FD(fd), name);
}
