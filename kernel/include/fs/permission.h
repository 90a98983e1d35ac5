/* Who may do what to a file (fs/permission.c): the checks of Linux's
 * fs/namei.c and fs/attr.c, by mode bits, ownership and the caller's
 * credentials (proc/cred.h). Each returns 0 or the errno Linux gives. */
#pragma once
#include <kernel/types.h>
#include <fs/fs.h>

/* What inode_permission is asked: Linux's values, the same as access()'s
 * X_OK, W_OK and R_OK. */
#define MAY_EXEC  0x1
#define MAY_WRITE 0x2
#define MAY_READ  0x4

/* May the caller read, write or execute (search, for a directory) inode?
 * The owner's, the group's or the others' bits decide, whichever class
 * the caller's fsuid and groups fall in first; then root's capabilities
 * may override. -EACCES if not. */
int inode_permission(const struct inode *inode, int mask);

/* Is the caller the owner (fsuid) or does it have CAP_FOWNER? */
bool inode_owner_or_capable(const struct inode *inode);

/* May the caller create a name in dir (write and search on it)? */
int may_create(const struct inode *dir);
/* May the caller remove or rename away victim from dir: write and search
 * on dir, and in a sticky directory (S_ISVTX, like /tmp) only the owner
 * of victim or of dir, or CAP_FOWNER (-EPERM otherwise)? */
int may_delete(const struct inode *dir, const struct inode *victim);
/* May the caller make a hard link to inode? Debian's default
 * fs.protected_hardlinks=1: to a file of someone else, only if it is a
 * regular file, not set-id, that the caller may read and write. */
int may_link(const struct inode *inode);

/* The checks of chmod (owner or CAP_FOWNER: -EPERM) and the mode it
 * sets: S_ISGID is dropped when the caller is not in the file's group. */
int may_chmod(const struct inode *inode, unsigned *mode);
/* chown: only CAP_CHOWN changes the owner (the owner may "change" it to
 * itself); the owner may change the group to one of its own. uid or gid
 * INVALID_ID: unchanged. */
int may_chown(const struct inode *inode, uint32_t uid, uint32_t gid);
/* utimensat: setting explicit times takes the owner (or CAP_FOWNER,
 * -EPERM); "now" for both is allowed to writers too (-EACCES). */
int may_set_times(const struct inode *inode, bool explicit_times);

/* A write or truncate by someone without CAP_FSETID takes set-user-ID
 * off a file (and set-group-ID, when the group may execute it), so that
 * changed code does not run as its owner (Linux's file_remove_privs).
 * Caller holds inode->lock. */
void file_remove_privs(struct inode *inode);

/* A new inode's owner: the caller's fsuid, and its fsgid or, in a
 * set-group-ID directory, the directory's group (a new directory there
 * is set-group-ID too: the mode to give it is returned). dir NULL: a
 * filesystem's root. The filesystems call it when they create an inode. */
uint32_t inode_init_owner(struct inode *inode, const struct inode *dir, uint32_t mode);
