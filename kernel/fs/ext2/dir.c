/* ext2: directories. A directory's blocks hold variable-length entries
 * (ext2_fs.h) in a chain of rec_len; we read them linearly, including
 * hashed-index (dir_index) directories, whose index blocks look like
 * empty entries. Every block is checked as it is read, so a bad rec_len
 * or name_len is reported instead of followed. The caller holds sb->lock. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include "ext2.h"

static unsigned ft_of_mode(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:  return EXT2_FT_REG_FILE;
	case S_IFDIR:  return EXT2_FT_DIR;
	case S_IFCHR:  return EXT2_FT_CHRDEV;
	case S_IFBLK:  return EXT2_FT_BLKDEV;
	case S_IFIFO:  return EXT2_FT_FIFO;
	case S_IFSOCK: return EXT2_FT_SOCK;
	case S_IFLNK:  return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

static unsigned dt_of_ft(unsigned ft)
{
	static const unsigned char dt[] = { DT_UNKNOWN, DT_REG, DT_DIR, DT_CHR, DT_BLK,
					    DT_FIFO, DT_SOCK, DT_LNK };
	return ft < sizeof(dt) ? dt[ft] : DT_UNKNOWN;
}

static struct ext2_dir_entry *entry_at(struct buf *b, uint32_t off)
{
	return (struct ext2_dir_entry *)(b->data + off);
}

/* Checks that the entries of one directory block chain exactly to its end. */
static int check_block(struct inode *dir, struct buf *b, uint64_t index)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	unsigned bs = s->block_size;
	for (uint32_t off = 0; off < bs;) {
		struct ext2_dir_entry *de = entry_at(b, off);
		const char *bad = NULL;
		if (off + EXT2_DIR_ENTRY_HEADER > bs)
			bad = "entry header past the block";
		else if (de->rec_len < EXT2_DIR_REC_LEN(1) || de->rec_len % 4)
			bad = "bad rec_len";
		else if (de->rec_len < EXT2_DIR_REC_LEN(de->name_len))
			bad = "name_len larger than rec_len";
		else if (off + de->rec_len > bs)
			bad = "rec_len past the block";
		else if (de->inode > s->sb.s_inodes_count)
			bad = "inode number out of range";
		if (bad)
			return ext2_corrupt(dir->ino, "directory block %lu (disk block %lu), offset %u: %s "
					    "(rec_len %u, name_len %u)", index, b->blockno, off, bad,
					    off + EXT2_DIR_ENTRY_HEADER > bs ? 0 : de->rec_len,
					    off + EXT2_DIR_ENTRY_HEADER > bs ? 0 : de->name_len);
		off += de->rec_len;
	}
	return 0;
}

/* Directory block index, read and checked, or an ERR_PTR. */
static struct buf *dir_block(struct inode *dir, uint64_t index)
{
	uint32_t pb;
	int err = ext2_bmap(dir, index, false, &pb);
	if (err)
		return ERR_PTR(err);
	if (!pb)
		return ERR_PTR(ext2_corrupt(dir->ino, "hole in directory at block %lu", index));
	struct buf *b = ext2_bread(dir->sb, pb);
	if (IS_ERR(b))
		return b;
	if ((err = check_block(dir, b, index))) {
		brelse(b);
		return ERR_PTR(err);
	}
	return b;
}

static uint64_t dir_blocks(struct inode *dir)
{
	return dir->size / dir->sb->block_size;
}

/* The directory changed: Linux's ext2 does not maintain the hash index,
 * so it stops being one (e2fsck can rebuild it). */
static void dir_modified(struct inode *dir)
{
	EXT2_I(dir)->i_flags &= ~EXT2_INDEX_FL;
	inode_touch(dir);
}

/* A walk over every entry of a directory from block `first` on, block by
 * block (each checked as it is read). Each dir_walk_next() gives the next
 * entry, w->de, at offset w->off of block w->b (held meanwhile), with
 * w->prev the entry before it in that block (NULL for the first): it
 * returns 1, then 0 at the end, or an error. A walk left before its end
 * still holds w->b: the caller keeps it, or lets it go with
 * dir_walk_end(). */
struct dir_walk {
	struct inode *dir;
	uint64_t index;             /* w->b's block in the directory */
	uint32_t off;               /* w->de's offset in it */
	struct buf *b;
	struct ext2_dir_entry *de, *prev;
};

static void dir_walk_start(struct dir_walk *w, struct inode *dir, uint64_t first)
{
	*w = (struct dir_walk){ .dir = dir, .index = first };
}

static int dir_walk_next(struct dir_walk *w)
{
	unsigned bs = w->dir->sb->block_size;
	if (w->b) {
		w->prev = w->de;
		w->off += w->de->rec_len;
		if (w->off < bs) {
			w->de = entry_at(w->b, w->off);
			return 1;
		}
		brelse(w->b);
		w->b = NULL;
		w->index++;
	}
	if (w->index >= dir_blocks(w->dir))
		return 0;
	struct buf *b = dir_block(w->dir, w->index);
	if (IS_ERR(b))
		return PTR_ERR(b);
	w->b = b;
	w->off = 0;
	w->prev = NULL;
	w->de = entry_at(b, 0);
	return 1;
}

static void dir_walk_end(struct dir_walk *w)
{
	if (w->b)
		brelse(w->b);
	w->b = NULL;
}

/* Finds name: its block (held), the entry and the one before it in the
 * block (NULL if first). 0, -ENOENT or an error. */
static int find(struct inode *dir, const char *name, struct buf **bp,
		struct ext2_dir_entry **dep, struct ext2_dir_entry **prevp)
{
	size_t len = strlen(name);
	struct dir_walk w;
	int err;
	for (dir_walk_start(&w, dir, 0); (err = dir_walk_next(&w)) > 0;) {
		struct ext2_dir_entry *de = w.de;
		if (de->inode && de->name_len == len && !memcmp(de->name, name, len)) {
			*bp = w.b;          /* the walk ends here: the caller releases it */
			*dep = de;
			if (prevp)
				*prevp = w.prev;
			return 0;
		}
	}
	return err ? err : -ENOENT;
}

/* Emits the entries from ctx->pos on. The walk starts at the start of
 * pos's block: pos may point into an entry that was merged away since;
 * it goes on at the next whole one. */
static int ext2_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	unsigned bs = dir->sb->block_size;
	bool filetype = EXT2_SB(dir->sb)->filetype;
	uint64_t start = ctx->pos;
	struct dir_walk w;
	int err;
	for (dir_walk_start(&w, dir, start / bs); (err = dir_walk_next(&w)) > 0;) {
		struct ext2_dir_entry *de = w.de;
		uint64_t at = w.index * bs + w.off;
		if (at < start)
			continue;
		if (de->inode && !ctx->emit(ctx, de->name, de->name_len, de->inode,
					    filetype ? dt_of_ft(de->file_type) : DT_UNKNOWN)) {
			dir_walk_end(&w);
			return 0;
		}
		ctx->pos = at + de->rec_len;
	}
	if (!err && ctx->pos < dir_blocks(dir) * bs)
		ctx->pos = dir_blocks(dir) * bs;
	return err;
}

const struct file_operations ext2_dir_fops = { .iterate = ext2_iterate };

int ext2_find_entry(struct inode *dir, const char *name, uint32_t *ino)
{
	assert_held(&dir->sb->lock);
	struct buf *b;
	struct ext2_dir_entry *de;
	int err = find(dir, name, &b, &de, NULL);
	if (err)
		return err;
	*ino = de->inode;
	brelse(b);
	return 0;
}

static void fill_entry(struct inode *dir, struct ext2_dir_entry *de, const char *name,
		       size_t len, struct inode *inode)
{
	de->inode = inode->ino;
	de->name_len = len;
	de->file_type = EXT2_SB(dir->sb)->filetype ? ft_of_mode(inode->mode) : 0;
	memcpy(de->name, name, len);
}

/* Room for an entry needing `need` bytes in this block: an unused entry
 * big enough, or the slack at the end of a used one (which is split). */
static struct ext2_dir_entry *make_room(struct buf *b, unsigned bs, unsigned need)
{
	// LAB 4 BEGIN(exercise 2): find or make room for a directory entry in a block
	for (uint32_t off = 0; off < bs; off += entry_at(b, off)->rec_len) {
		struct ext2_dir_entry *de = entry_at(b, off);
		if (!de->inode && de->rec_len >= need)
			return de;
		unsigned used = EXT2_DIR_REC_LEN(de->name_len);
		if (de->inode && de->rec_len >= used + need) {
			struct ext2_dir_entry *n = entry_at(b, off + used);
			n->rec_len = de->rec_len - used;
			n->inode = 0;
			de->rec_len = used;
			return n;
		}
	}
	return NULL;
	// LAB 4 STUB: return NULL;
	// LAB 4 END
}

int ext2_add_entry(struct inode *dir, const char *name, struct inode *inode)
{
	assert_held(&dir->sb->lock);
	size_t len = strlen(name);
	unsigned bs = dir->sb->block_size, need = EXT2_DIR_REC_LEN(len);
	if (len == 0 || len > 255)
		return -ENAMETOOLONG;
	/* The inode (and its bit in the bitmap) reach the disk before a name
	 * for it can: a crash leaks a new inode at worst, never leaves a
	 * name for a free one. */
	int e = ext2_inode_to_disk(inode);
	if (e)
		return e;
	for (uint64_t i = 0; i < dir_blocks(dir); i++) {
		struct buf *b = dir_block(dir, i);
		if (IS_ERR(b))
			return PTR_ERR(b);
		struct ext2_dir_entry *de = make_room(b, bs, need);
		if (de) {
			fill_entry(dir, de, name, len, inode);
			bdirty(b);
			brelse(b);
			dir_modified(dir);
			return 0;
		}
		brelse(b);
	}
	/* No room: a new block at the end, holding just this entry. */
	uint64_t index = dir_blocks(dir);
	struct buf *b = ext2_zero_file_block(dir, index);
	if (IS_ERR(b))
		return PTR_ERR(b);
	struct ext2_dir_entry *de = entry_at(b, 0);
	de->rec_len = bs;
	fill_entry(dir, de, name, len, inode);
	bdirty(b);
	brelse(b);
	dir->size = (index + 1) * bs;
	dir_modified(dir);
	return 0;
}

int ext2_delete_entry(struct inode *dir, const char *name)
{
	assert_held(&dir->sb->lock);
	struct buf *b;
	struct ext2_dir_entry *de, *prev;
	int err = find(dir, name, &b, &de, &prev);
	if (err)
		return err;
	/* Merge into the previous entry; the first of a block just goes unused. */
	if (prev)
		prev->rec_len += de->rec_len;
	else
		de->inode = 0;
	/* On the disk now, before the inode's lower link count or its
	 * freeing can be: a crash then leaks the inode at worst, never
	 * leaves a name for a freed one. */
	bdirty(b);
	bwrite(b);      /* if it fails, the buffer stays dirty for later */
	brelse(b);
	dir_modified(dir);
	return 0;
}

int ext2_set_entry(struct inode *dir, const char *name, struct inode *inode, bool touch)
{
	assert_held(&dir->sb->lock);
	struct buf *b;
	struct ext2_dir_entry *de;
	int err = find(dir, name, &b, &de, NULL);
	if (err)
		return err;
	fill_entry(dir, de, name, de->name_len, inode);
	bdirty(b);
	brelse(b);
	if (touch) {
		dir_modified(dir);
	} else {
		EXT2_I(dir)->i_flags &= ~EXT2_INDEX_FL;
		mark_inode_dirty(dir);
	}
	return 0;
}

int ext2_make_empty(struct inode *dir, struct inode *parent)
{
	assert_held(&dir->sb->lock);
	unsigned bs = dir->sb->block_size;
	struct buf *b = ext2_zero_file_block(dir, 0);
	if (IS_ERR(b))
		return PTR_ERR(b);
	struct ext2_dir_entry *dot = entry_at(b, 0);
	dot->rec_len = EXT2_DIR_REC_LEN(1);
	fill_entry(dir, dot, ".", 1, dir);
	struct ext2_dir_entry *dotdot = entry_at(b, dot->rec_len);
	dotdot->rec_len = bs - dot->rec_len;
	fill_entry(dir, dotdot, "..", 2, parent);
	/* On the disk before the new directory gets a name (add_entry). */
	bdirty(b);
	bwrite(b);      /* if it fails, the buffer stays dirty for later */
	brelse(b);
	dir->size = bs;
	mark_inode_dirty(dir);
	return 0;
}

int ext2_dir_empty(struct inode *dir)
{
	assert_held(&dir->sb->lock);
	struct dir_walk w;
	int err;
	for (dir_walk_start(&w, dir, 0); (err = dir_walk_next(&w)) > 0;) {
		struct ext2_dir_entry *de = w.de;
		bool dot = de->name_len == 1 && de->name[0] == '.';
		bool dotdot = de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.';
		if (de->inode && !dot && !dotdot) {
			dir_walk_end(&w);
			return 0;
		}
	}
	return err ? err : 1;
}
