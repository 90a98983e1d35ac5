/* The pseudo-file framework's own parts (fs/pseudofs.h is what the
 * filesystems built on it see): the inode behind each entry and the
 * operation tables of its kinds. */
#pragma once
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/pseudofs.h>

/* What an inode of a pseudo filesystem is: which entry, about what. An
 * entry of a generated directory also remembers that directory's list
 * and context, so it can ask again whether its item still exists. */
struct pseudo_node {
	const struct pseudo_entry *entry;
	struct pseudo_ctx ctx;
	const struct pseudo_list *from;     /* NULL: a static child */
	struct pseudo_ctx dir_ctx;          /* the directory's context (from != NULL) */
};

static inline struct pseudo_node *pseudo_node(const struct inode *inode)
{
	return inode->fs_private;
}

/* A new inode for entry in context ctx (super.c). */
struct inode *pseudo_inode_new(struct super_block *sb, const struct pseudo_entry *entry,
			       const struct pseudo_ctx *ctx, const struct pseudo_list *from,
			       const struct pseudo_ctx *dir_ctx);
/* Whether item of list l exists now in directory context dir. */
static inline bool pseudo_list_has(const struct pseudo_list *l, const struct pseudo_ctx *dir, long item)
{
	return l->exists ? l->exists(dir, item) : l->next(dir, item) == item;
}

/* The inode number of entry in context ctx (super.c). */
uint64_t pseudo_ino(const struct pseudo_entry *e, const struct pseudo_ctx *ctx);
/* inode_operations.revalidate of every pseudo inode (super.c). */
int pseudo_revalidate(struct inode *inode);
/* Whether the node's process, thread and item still exist (super.c). */
bool pseudo_node_alive(const struct pseudo_node *n);
/* The entry's access() check, if it has one (0 when none). */
int pseudo_check_access(const struct pseudo_node *n);

extern const struct inode_operations pseudo_dir_iops, pseudo_file_iops, pseudo_link_iops,
	pseudo_magic_link_iops;
extern const struct file_operations pseudo_dir_fops, pseudo_file_fops;
