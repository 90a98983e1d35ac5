/* ext2: symbolic links. A target shorter than 60 bytes lives in the
 * inode's i_block itself (a "fast" symlink, no blocks); a longer one in
 * one data block, NUL-padded (e2fsck checks both ways). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include "ext2.h"

int ext2_write_symlink(struct inode *inode, const char *target)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	size_t len = strlen(target);
	if (len <= EXT2_FAST_SYMLINK_MAX) {
		memset(ei->i_block, 0, sizeof(ei->i_block));
		memcpy(ei->i_block, target, len);
	} else {
		struct buf *b = ext2_zero_file_block(inode, 0);
		if (IS_ERR(b))
			return PTR_ERR(b);
		memcpy(b->data, target, len);
		bdirty(b);
		brelse(b);
	}
	inode->size = len;
	mark_inode_dirty(inode);
	return 0;
}

static int ext2_readlink(struct inode *inode, char *buf, size_t size)
{
	size_t n = inode->size < size ? inode->size : size;
	if (!ext2_has_data_blocks(inode)) {
		if (inode->size > EXT2_FAST_SYMLINK_MAX)
			return ext2_corrupt(inode->ino, "fast symlink of size %lu", inode->size);
		memcpy(buf, EXT2_I(inode)->i_block, n);
		return n;
	}
	if (inode->size >= inode->sb->block_size)
		return ext2_corrupt(inode->ino, "symlink of size %lu", inode->size);
	uint32_t pb;
	int err = ext2_bmap(inode, 0, false, &pb);
	if (err)
		return err;
	if (!pb)
		return ext2_corrupt(inode->ino, "symlink without its block");
	struct buf *b = ext2_bread(inode->sb, pb);
	if (IS_ERR(b))
		return PTR_ERR(b);
	memcpy(buf, b->data, n);
	brelse(b);
	return n;
}

const struct inode_operations ext2_symlink_iops = { .readlink = ext2_readlink };
