/* The directory tree as the kernel sees it: one dentry per name that has
 * been looked up, linked to its parent. Paths are walked through dentries
 * (fs/namei.h); a miss asks the filesystem (inode_operations.lookup) and
 * caches the answer. Because every dentry knows its parent and name,
 * getcwd() is a walk up the tree, and "/mnt/.." finds its way back across
 * a mount point. Names that do not exist are not cached. */
#pragma once
#include <kernel/types.h>
#include <kernel/list.h>
#include <fs/fs.h>
#include <linux/mount.h>

struct mount;

struct dentry {
	char *name;                 /* "" for a filesystem's root */
	struct dentry *parent;      /* itself for a filesystem's root */
	struct inode *inode;        /* referenced */
	struct super_block *sb;
	struct mount *mounted;      /* a filesystem is mounted on this directory */
	int refcount;               /* users, plus one per cached child */
	bool unlinked;              /* the name was removed; no longer findable */
	struct list_head children;
	struct list_head child_link;    /* in parent->children */
};

/* The root dentry of a new filesystem (takes the caller's reference to
 * root). */
struct dentry *dentry_make_root(struct super_block *sb, struct inode *root);
void dget(struct dentry *d);
void dput(struct dentry *d);
/* The cached child of parent called name (referenced), or NULL. */
struct dentry *dentry_find_child(struct dentry *parent, const char *name);
/* Caches name -> inode under parent (takes the caller's reference to
 * inode); returns the new dentry, referenced. */
struct dentry *dentry_add_child(struct dentry *parent, const char *name, struct inode *inode);
/* The name is gone (unlink, rmdir, rename's target): drop it from the
 * cache. Open files keep their dentry and inode alive. */
void dentry_unlink(struct dentry *d);
/* The same for d and every cached name below it (a /proc/PID whose
 * process ended: nothing below it exists any more either). */
void dentry_unlink_tree(struct dentry *d);
/* Drops every cached child of d whose inode's revalidate says it is gone
 * (a listing of /proc forgets the processes that ended since). */
void dentry_prune_stale(struct dentry *d);
/* rename: d now lives under new_parent as new_name. */
int dentry_move(struct dentry *d, struct dentry *new_parent, const char *new_name);
/* True if d is anc or below it. */
bool dentry_is_ancestor(struct dentry *anc, struct dentry *d);

/* --- mounts ---------------------------------------------------------------- */

struct mount {
	struct super_block *sb;
	struct dentry *root;        /* sb's root dentry, or a directory of sb (bind) */
	struct dentry *mountpoint;  /* where it hangs (its own root for "/") */
	struct mount *parent;       /* the mount mountpoint belongs to */
	const char *source;         /* "/dev/vda", "tmpfs": for /proc/mounts */
	struct list_head link;      /* in the mount table */
	int id;                     /* mountinfo's mount ID, never reused */
	unsigned flags;             /* MNT_* below: this mount's own options */
	int users;                  /* files opened through it, cwds and roots in
				     * it (atomic): umount's EBUSY */
	int writers;                /* files opened through it for writing (atomic):
				     * remount read-only's EBUSY */
	bool expiring;              /* umount2(MNT_EXPIRE) marked it once */
	bool unmounting;            /* below a mount umount -l takes (mount_change.c) */
	bool detached;              /* unmounted: no longer in the tree (kept,
				     * never freed, for the files and walks still on it) */
};

/* A mount's own flags (Linux's MNT_*), stored as the MS_* values mount(2)
 * passes (MS_RELATIME is the default); a bind mount may differ from its
 * filesystem. */
#define MNT_RDONLY      MS_RDONLY
#define MNT_NOSUID      MS_NOSUID
#define MNT_NODEV       MS_NODEV
#define MNT_NOEXEC      MS_NOEXEC
#define MNT_NOATIME     MS_NOATIME
#define MNT_NODIRATIME  MS_NODIRATIME
#define MNT_RELATIME    MS_RELATIME
#define MNT_USER_FLAGS  (MNT_RDONLY | MNT_NOSUID | MNT_NODEV | MNT_NOEXEC | \
			 MNT_NOATIME | MNT_NODIRATIME | MNT_RELATIME)

/* A new mount's flags from mount(2)'s (Linux's path_mount): relatime
 * unless noatime or strictatime. */
static inline unsigned mount_flags_from(unsigned long ms_flags)
{
	unsigned f = ms_flags & MNT_USER_FLAGS;
	if (!(ms_flags & MS_NOATIME))
		f |= MNT_RELATIME;
	if (ms_flags & MS_STRICTATIME)
		f &= ~(MNT_RELATIME | MNT_NOATIME);
	return f;
}

/* Is the flag set on the mount a file was opened through (NULL: an
 * anonymous file, no mount, never)? */
static inline bool mnt_has(const struct mount *m, unsigned flag)
{
	return m && (m->flags & flag);
}
/* Writes through m are refused (EROFS): the mount or its filesystem is
 * read-only. */
static inline bool mnt_readonly(const struct mount *m, const struct super_block *sb)
{
	return sb->read_only || mnt_has(m, MNT_RDONLY);
}

/* A position in the tree: a dentry and the mount it was reached through
 * (the same directory can be reached through two mounts). */
struct path {
	struct mount *mnt;
	struct dentry *dentry;
};
void path_get(const struct path *p);
void path_put(const struct path *p);

/* Mounts sb's root on the directory at mountpoint (or as "/" if
 * mountpoint is NULL, once at boot). */
int mount_add(struct super_block *sb, const char *source, const struct path *mountpoint,
	      struct mount **result);
/* Mounts a filesystem of type (from source, a block device name or NULL)
 * on the directory at path (absolute); for boot code. */
int mount_fs(const char *type, const char *source, const char *options, const char *path);
/* The root of the whole tree (the mount of "/"). */
void vfs_root(struct path *root);
/* The mount table in order of mounting, for /proc/mounts: walk it with
 * mount_table_lock()/unlock() around (a mutex: the walker may sleep). */
extern struct list_head mount_table;
void mount_table_lock(void);
void mount_table_unlock(void);
/* A file opened through m, or a cwd or root in it, keeps m busy
 * (umount: EBUSY) until unpinned; m may be NULL (anonymous files). */
void mount_pin(struct mount *m);
void mount_unpin(struct mount *m);
/* The same for a file open for writing, which also keeps m (and its
 * filesystem) from being remounted read-only. */
void mount_pin_writer(struct mount *m);
void mount_unpin_writer(struct mount *m);

/* Takes m out of the tree (its mount point shows the directory below
 * again); mount_table_lock() held. A walk still inside m (a cwd there
 * after MNT_DETACH) stops at its root on "..". */
void mount_detach(struct mount *m);

/* umount2's flags (Linux's include/linux/fs.h, not in its UAPI;
 * glibc's sys/mount.h). */
#define MNT_FORCE       1
#define MNT_DETACH      2
#define MNT_EXPIRE      4
#define UMOUNT_NOFOLLOW 8

/* mount(2)'s and umount2(2)'s work (fs/mount_syscalls.c checks and
 * copies the arguments). flags are MS_* (MNT_* for umount). */
int do_new_mount(const char *type, const char *source, const char *options,
		 unsigned flags, const struct path *mp);
int do_bind_mount(const struct path *from, const struct path *mp);
int do_move_mount(const struct path *from, const struct path *to);
int do_remount(const struct path *mp, unsigned flags, const char *options);
int do_umount(const struct path *mp, int flags);
