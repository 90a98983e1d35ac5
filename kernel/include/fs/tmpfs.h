/* tmpfs: files in memory only (/tmp, and "/" when there is no disk). */
#pragma once
#include <kernel/types.h>
void tmpfs_init(void);

struct super_block;
struct inode;
/* A regular file with no name (memfd_create): its data goes with its
 * last reference. sb must be a tmpfs. Referenced; NULL if out of memory. */
struct inode *tmpfs_new_unlinked_file(struct super_block *sb, uint32_t mode);
/* An internal tmpfs, never mounted (Linux's shm_mnt), made at the first
 * call and kept in *slot: memfds and shared anonymous memory each keep
 * one, which also tells their files apart. NULL if out of memory. */
struct super_block *tmpfs_internal_super(struct super_block **slot);
