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
/* rename: d now lives under new_parent as new_name. */
int dentry_move(struct dentry *d, struct dentry *new_parent, const char *new_name);
/* True if d is anc or below it. */
bool dentry_is_ancestor(struct dentry *anc, struct dentry *d);

/* --- mounts ---------------------------------------------------------------- */

struct mount {
	struct super_block *sb;
	struct dentry *root;        /* sb's root dentry */
	struct dentry *mountpoint;  /* where it hangs (its own root for "/") */
	struct mount *parent;       /* the mount mountpoint belongs to */
	const char *source;         /* "/dev/vda", "tmpfs": for /proc/mounts */
	struct list_head link;      /* in the mount table */
};

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
/* The mount table in order of mounting, for /proc/mounts. */
extern struct list_head mount_table;
