/* The ext2 on-disk format: superblock, group descriptors, inodes and
 * directory entries, as mke2fs writes them (revision 1). Every field is
 * little-endian, which is also the CPU's order here, so the structs are
 * read straight out of the buffers. Written from the format's
 * description (e2fsprogs' documentation), not copied. */
#pragma once
#include <kernel/types.h>
#include <linux/magic.h>    /* EXT2_SUPER_MAGIC */

#define EXT2_SUPERBLOCK_OFFSET 1024     /* bytes from the start of the disk */
#define EXT2_MIN_BLOCK_LOG     10       /* s_log_block_size 0 is 1024 bytes */
#define EXT2_MAX_BLOCK_LOG     12       /* the buffer cache's limit: 4096 */
#define EXT2_GOOD_OLD_INODE_SIZE 128    /* revision 0's fixed inode size */
#define EXT2_GOOD_OLD_FIRST_INO  11

/* Reserved inode numbers. */
#define EXT2_BAD_INO         1          /* bad blocks */
#define EXT2_ROOT_INO        2
#define EXT2_RESIZE_INO      7          /* resize_inode: the reserved GDT blocks */

/* Block pointers in an inode: 12 direct, then one single, double and
 * triple indirect block. */
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK   12
#define EXT2_DIND_BLOCK  13
#define EXT2_TIND_BLOCK  14
#define EXT2_N_BLOCKS    15

struct ext2_super_block {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;      /* reserved for root */
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;    /* 1 for 1 KiB blocks, else 0 */
	uint32_t s_log_block_size;      /* block size = 1024 << this */
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;               /* last mount */
	uint32_t s_wtime;               /* last write */
	uint16_t s_mnt_count;
	int16_t  s_max_mnt_count;
	uint16_t s_magic;               /* EXT2_SUPER_MAGIC */
	uint16_t s_state;               /* EXT2_VALID_FS, EXT2_ERROR_FS */
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;           /* 0: fixed inode size; 1: dynamic */
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* Revision 1 only. */
	uint32_t s_first_ino;           /* first non-reserved inode */
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;      /* the group holding this copy */
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;    /* unknown ones: do not mount */
	uint32_t s_feature_ro_compat;   /* unknown ones: mount read-only */
	uint8_t  s_uuid[16];
	char     s_volume_name[16];
	char     s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t  s_prealloc_blocks;
	uint8_t  s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks; /* resize_inode's room after the GDT */
	/* The rest (journal fields, hash seed, mount options...) is kept as
	 * read: we only ever rewrite the fields above. */
};

#define EXT2_VALID_FS 1

/* Features. */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC   0x0001
#define EXT2_FEATURE_COMPAT_EXT_ATTR       0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE   0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX      0x0020
#define EXT2_FEATURE_INCOMPAT_FILETYPE     0x0002   /* the only one we handle */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE  0x0002
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR   0x0004   /* never used by anyone */

#define EXT2_INCOMPAT_SUPPORTED  EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_SUPPORTED (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
				  EXT2_FEATURE_RO_COMPAT_LARGE_FILE | \
				  EXT2_FEATURE_RO_COMPAT_BTREE_DIR)

/* One per block group, packed in the blocks after the superblock. */
struct ext2_group_desc {
	uint32_t bg_block_bitmap;       /* block numbers */
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_flags;
	uint32_t bg_reserved[3];
};
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor is 32 bytes");

/* The first 128 bytes of every inode; larger inodes have more after it
 * (i_extra_isize...), which we leave as it is on the disk. */
struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;                 /* low 16 bits */
	uint32_t i_size;                /* low 32 bits */
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;               /* deletion time: nonzero once freed */
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks;              /* 512-byte units, indirect blocks included */
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;            /* extended attribute block */
	uint32_t i_size_high;           /* regular files: high 32 bits of the size */
	uint32_t i_faddr;
	/* Linux's "osd2". */
	uint8_t  i_frag, i_fsize;
	uint16_t i_pad1;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint32_t i_reserved2;
};
_Static_assert(sizeof(struct ext2_inode) == 128, "ext2 inode is 128 bytes");

/* i_flags we look at. */
#define EXT2_INDEX_FL 0x00001000        /* hashed-indexed directory (dir_index) */

/* Fast symlinks keep their target in i_block: up to 59 bytes and a NUL. */
#define EXT2_FAST_SYMLINK_MAX (sizeof(((struct ext2_inode *)0)->i_block) - 1)

/* A directory entry. Entries fill each directory block exactly: rec_len
 * runs to the next one, and the last one's runs to the end of the block.
 * Removing an entry merges it into the previous one's rec_len. */
struct ext2_dir_entry {
	uint32_t inode;                 /* 0: unused */
	uint16_t rec_len;
	uint8_t  name_len;
	uint8_t  file_type;             /* with FILETYPE; else name_len's high byte (0) */
	char     name[];                /* not NUL-terminated */
};
#define EXT2_DIR_ENTRY_HEADER 8
/* The space an entry with a name of n bytes needs: 4-byte aligned. */
#define EXT2_DIR_REC_LEN(n) (((n) + EXT2_DIR_ENTRY_HEADER + 3) & ~3u)

/* file_type values. */
enum { EXT2_FT_UNKNOWN, EXT2_FT_REG_FILE, EXT2_FT_DIR, EXT2_FT_CHRDEV,
       EXT2_FT_BLKDEV, EXT2_FT_FIFO, EXT2_FT_SOCK, EXT2_FT_SYMLINK };

/* An extended attribute block starts with this magic and a reference
 * count (blocks are shared between inodes with the same attributes). */
#define EXT2_XATTR_MAGIC 0xEA020000
struct ext2_xattr_header {
	uint32_t h_magic;
	uint32_t h_refcount;
	uint32_t h_blocks;
	uint32_t h_hash;
	uint32_t h_reserved[4];
};
