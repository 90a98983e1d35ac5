/* tmpfs's per-filesystem data, shared by tmpfs.c (the files) and
 * tmpfs_limits.c (the mount options and what they limit). */
#pragma once
#include <kernel/types.h>
#include <fs/fs.h>

struct tmpfs_sb {
	uint64_t next_ino;
	/* mount -o size=,nr_inodes=: 0 means the default (half of RAM, as
	 * Linux), which is not enforced: memory itself runs out first. */
	uint64_t max_pages, max_inodes;
	uint64_t inodes;            /* in use (atomic) */
	uint32_t root_mode;         /* mode=, uid=, gid=: the root directory's */
	uint32_t root_uid, root_gid;
};

/* Parses "size=64k,mode=1777,nr_inodes=100,uid=0,gid=0" into ts (NULL:
 * nothing given). -EINVAL for an option or value tmpfs does not know. */
int tmpfs_parse_options(struct tmpfs_sb *ts, const char *options);
/* One more inode (false: nr_inodes reached, the creation fails ENOSPC),
 * and one fewer. */
bool tmpfs_charge_inode(struct super_block *sb);
void tmpfs_uncharge_inode(struct super_block *sb);

extern const struct address_space_operations tmpfs_aops;
int tmpfs_statfs(struct super_block *sb, struct kstatfs *st);
int tmpfs_remount(struct super_block *sb, const char *options);
void tmpfs_show_options(struct super_block *sb, char *buf, size_t size);
