/* Path resolution: turning "a/../b/c" into a dentry.
 *
 * Absolute paths start at the task's root, relative ones at its cwd or at
 * the directory behind a dirfd (the *at() system calls). Each component
 * is looked up in the dentry cache or asked of the filesystem. ".." stops
 * at the root and climbs out of mounts; a directory with a mount on it is
 * replaced by the mounted root. Symbolic links are followed (at most 40
 * in one resolution: -ELOOP), the last component's only if asked. */
#pragma once
#include <kernel/types.h>
#include <linux/fcntl.h>
#include <fs/dentry.h>

#define MAX_SYMLINKS 40         /* Linux's limit for one resolution */

#define LOOKUP_FOLLOW       0x1 /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY    0x2 /* the result must be a directory (or the path ended in '/') */
#define LOOKUP_EMPTY        0x4 /* "" means the starting directory (AT_EMPTY_PATH) */

/* Resolves path (a kernel string) from dirfd (AT_FDCWD for the cwd).
 * On success, *result holds references (path_put it). */
int path_lookup_at(int dirfd, const char *path, unsigned flags, struct path *result);

/* For operations that create or remove a name: resolves everything but
 * the last component into parent, copies that into last (NAME_MAX + 1
 * bytes). last is "" for "/", "." or ".." for those (each operation has
 * its own errno for them). trailing_slash says the path ended in '/'. */
struct nameidata_parent {
	struct path parent;
	char last[NAME_MAX + 1];
	bool trailing_slash;
};
int path_parent_at(int dirfd, const char *path, struct nameidata_parent *nd);
/* The same, relative to start instead of dirfd if start is not NULL. */
int path_parent_from(int dirfd, const struct path *start, const char *path,
		     struct nameidata_parent *nd);

/* Looks name up in dir (a directory dentry): the cached child, or the
 * filesystem's answer. -ENOENT if absent. Caller holds dir's sb->lock. */
int lookup_child(struct dentry *dir, const char *name, struct dentry **result);

/* The inode at a user path of the *at() calls, referenced (iput it), as
 * Linux's user_path_at: the path is copied in and resolved from dirfd
 * with lookup's LOOKUP_* flags. With LOOKUP_EMPTY, "" is the file open as
 * dirfd, whatever it is (a pipe too: AT_EMPTY_PATH). */
int user_path_inode(int dirfd, const char *upath, unsigned lookup, struct inode **result);
/* The LOOKUP_* flags an *at() call's AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH
 * ask for. */
static inline unsigned at_lookup_flags(int flags)
{
	return (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) | (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
}

/* Copies a path from user memory: -EFAULT, -ENAMETOOLONG (PATH_MAX), and
 * -ENOENT for "" (unless empty_ok). *out is kmalloc'ed: path_free it. */
int path_from_user(const char *upath, bool empty_ok, char **out);
void path_free(char *p);

/* The absolute path of p, from the caller's root, into buf (getcwd). */
int path_string(const struct path *p, char *buf, size_t size);
/* The same for a removed name too: the path it had (/proc/PID/fd/N and
 * maps add " (deleted)"). */
int path_string_any(const struct path *p, char *buf, size_t size);
