/* Lab 4's kernel self-tests of ext2, on the disk vda (mounted as "/" by
 * boot when it holds ext2). They call the filesystem's operations the way
 * the VFS does (sb->lock around directory operations, the generic file
 * read/write for data) and leave the disk for the host to check:
 *   ext2       creates, writes, renames, links, truncates and removes in
 *              /kt (made fresh), checks every answer, then syncs; the
 *              host runs e2fsck -fn on the image afterwards.
 *   ext2-walk  reads the whole tree: one line per name with its size and
 *              an FNV-1a hash of the data (or the symlink's target), for
 *              the host to compare, and any error met (corrupt images).
 *   ext2-fill  fills a small disk (write fails with -ENOSPC), then frees it all again. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/format.h>
#include <mm/kmalloc.h>
#include <linux/magic.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/dentry.h>
#include <fs/pagecache.h>
#include <fs/vfs.h>

static int failures;

#define check(cond, ...) do {                                   \
	if (!(cond)) {                                          \
		failures++;                                     \
		printk("ext2-test: FAIL line %d: ", __LINE__);  \
		printk(__VA_ARGS__);                            \
		printk("\n");                                   \
	}                                                       \
} while (0)

/* The root filesystem's root inode (referenced), if it is ext2. */
static struct inode *ext2_root(void)
{
	struct path root;
	vfs_root(&root);
	if (!root.dentry || root.dentry->sb->magic != EXT2_SUPER_MAGIC) {
		printk("ext2-test: the root filesystem is not ext2 (no disk, or not mountable)\n");
		if (root.dentry)
			path_put(&root);
		return NULL;
	}
	struct inode *i = root.dentry->inode;
	iref(i);
	path_put(&root);
	return i;
}

/* --- file data through the page cache, as read(2)/write(2) do -------------------- */

static ssize_t file_io(struct inode *inode, uint64_t pos, void *buf, size_t len, bool write)
{
	iref(inode);
	struct file *f = file_alloc(inode, O_RDWR, &generic_file_ops);
	if (!f) {
		iput(inode);
		return -ENOMEM;
	}
	struct uio u;
	uio_init_single(&u, buf, len, false);
	ssize_t r = write ? generic_file_write(f, &u, &pos) : generic_file_read(f, &u, &pos);
	file_put(f);
	return r;
}

static uint8_t pattern(uint64_t i, unsigned seed) { return (uint8_t)(i * 7 + seed + (i >> 12)); }

/* Writes len bytes of the pattern at pos, in chunks that do not line up
 * with pages, so partial pages are read-modified-written. */
static void write_pattern(struct inode *inode, uint64_t pos, uint64_t len, unsigned seed)
{
	uint8_t *buf = kmalloc(5000);
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done < 5000 ? len - done : 5000;
		for (size_t k = 0; k < n; k++)
			buf[k] = pattern(pos + done + k, seed);
		ssize_t r = file_io(inode, pos + done, buf, n, true);
		check(r == (ssize_t)n, "write at %lu: %ld", pos + done, r);
		if (r <= 0)
			break;
		done += r;
	}
	kfree(buf);
}

/* True if [pos, pos+len) reads as the pattern (seed >= 0) or zeroes. */
static bool read_matches(struct inode *inode, uint64_t pos, uint64_t len, int seed)
{
	uint8_t *buf = kmalloc(4096);
	bool ok = true;
	for (uint64_t done = 0; ok && done < len;) {
		size_t n = len - done < 4096 ? len - done : 4096;
		ssize_t r = file_io(inode, pos + done, buf, n, false);
		if (r != (ssize_t)n) {
			printk("ext2-test: read at %lu: %ld\n", pos + done, r);
			ok = false;
			break;
		}
		for (size_t k = 0; k < n; k++)
			if (buf[k] != (seed < 0 ? 0 : pattern(pos + done + k, seed))) {
				printk("ext2-test: byte %lu is %u\n", pos + done + k, buf[k]);
				ok = false;
				break;
			}
		done += n;
	}
	kfree(buf);
	return ok;
}

/* Writes the file back and forgets its pages, so the next read comes
 * from the disk through read_page and the block map. */
static void flush(struct inode *inode)
{
	check(inode_sync(inode) == 0, "inode_sync");
	mutex_lock(&inode->lock);
	pagecache_drop_clean(inode);
	mutex_unlock(&inode->lock);
}

/* The VFS's truncate: trims the cached pages, then the filesystem's. */
static int truncate_to(struct inode *inode, uint64_t size)
{
	return vfs_truncate(inode, size);
}

/* --- directory operations under the namespace lock ----------------------------- */

static struct super_block *test_sb;
#define LOCKED(expr) ({ mutex_lock(&test_sb->lock); int r_ = (expr); mutex_unlock(&test_sb->lock); r_; })

static struct inode *lookup(struct inode *dir, const char *name)
{
	struct inode *i = NULL;
	int err = LOCKED(dir->iop->lookup(dir, name, &i));
	return err ? NULL : i;
}

static int create(struct inode *dir, const char *name, struct inode **r)
{
	return LOCKED(dir->iop->create(dir, name, S_IFREG | 0644, 0, r));
}

struct count_ctx {
	struct dir_context ctx;
	int entries;
	bool dot, dotdot;
	uint64_t dotdot_ino;
};

static bool count_emit(struct dir_context *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct count_ctx *c = (struct count_ctx *)ctx;
	if (len == 1 && name[0] == '.')
		c->dot = true;
	else if (len == 2 && name[0] == '.' && name[1] == '.')
		c->dot = c->dot, c->dotdot = true, c->dotdot_ino = ino;
	else
		c->entries++;
	return true;
}

/* The number of entries besides "." and ".."; -1 if those are missing. */
static int count_entries(struct inode *dir, uint64_t *parent)
{
	iref(dir);
	struct file *f = file_alloc(dir, O_RDONLY, dir->fop);
	struct count_ctx c = { .ctx.emit = count_emit };
	int err = LOCKED(dir->fop->iterate(f, &c.ctx));
	file_put(f);
	if (parent)
		*parent = c.dotdot_ino;
	return err ? err : c.dot && c.dotdot ? c.entries : -1;
}

static void test_files(struct inode *kt)
{
	unsigned bs = kt->sb->block_size;
	struct inode *big;
	check(create(kt, "big", &big) == 0, "create big");
	/* Past the single indirect block for any block size: 12 + bs/4 blocks. */
	uint64_t len = (12 + bs / 4 + 40) * (uint64_t)bs + 123;
	write_pattern(big, 0, len, 1);
	check(big->size == len, "size %lu", big->size);
	flush(big);
	check(read_matches(big, 0, len, 1), "big reads back");
	uint64_t blocks = big->blocks;
	/* Data blocks plus the single and one double indirect block, plus
	 * the double's first second-level block. */
	uint64_t data = (len + bs - 1) / bs;
	check(blocks == (data + 3) * (bs / 512), "i_blocks %lu for %lu data blocks", blocks, data);

	/* Holes: a page far out, past the double indirect blocks' reach for
	 * 1 KiB blocks (triple indirect), then shrink back. */
	uint64_t far = 70ull << 20;
	write_pattern(big, far, 4096, 2);
	flush(big);
	check(read_matches(big, far, 4096, 2), "far page");
	check(read_matches(big, len, 8192, -1), "hole after the old end reads as zeroes");
	check(truncate_to(big, 5000) == 0, "truncate to 5000");
	flush(big);
	check(big->size == 5000 && big->blocks == (uint64_t)(5000 + bs - 1) / bs * (bs / 512),
	      "after truncate: size %lu, blocks %lu", big->size, big->blocks);
	check(read_matches(big, 0, 5000, 1), "kept data");
	check(truncate_to(big, 20000) == 0, "grow to 20000");
	check(read_matches(big, 5000, 15000, -1), "grown part is zeroes");
	write_pattern(big, 19000, 1000, 3);
	flush(big);
	check(read_matches(big, 0, 5000, 1) && read_matches(big, 5000, 14000, -1) &&
	      read_matches(big, 19000, 1000, 3), "sparse file after growing");
	iput(big);

	/* A file of exactly one block, and an emptied one. */
	struct inode *small;
	check(create(kt, "small", &small) == 0, "create small");
	write_pattern(small, 0, bs, 4);
	flush(small);
	check(small->blocks == bs / 512 && read_matches(small, 0, bs, 4), "one block");
	iput(small);
	struct inode *empty;
	check(create(kt, "emptied", &empty) == 0, "create emptied");
	write_pattern(empty, 0, 30000, 5);
	flush(empty);
	check(truncate_to(empty, 0) == 0 && empty->blocks == 0, "truncate to 0: blocks %lu", empty->blocks);
	iput(empty);
}

static void test_names(struct inode *kt)
{
	unsigned bs = kt->sb->block_size;
	struct inode *sub, *sub2, *x;
	check(LOCKED(kt->iop->mkdir(kt, "sub", 0755, &sub)) == 0, "mkdir sub");
	check(LOCKED(kt->iop->mkdir(kt, "sub2", 0700, &sub2)) == 0, "mkdir sub2");
	check(kt->nlink == 4, "kt nlink %u", kt->nlink);

	/* Enough long names to take several directory blocks. */
	char name[80];
	int n = 3 * bs / 64 + 5;
	for (int i = 0; i < n; i++) {
		ksnprintf(name, sizeof(name), "file-with-a-long-name-%04d-%s", i, i % 2 ? "odd" : "even-even");
		check(create(sub, name, &x) == 0, "create %s", name);
		iput(x);
	}
	check(sub->size >= 3 * bs, "sub grew to %lu bytes", sub->size);
	/* Entries are packed: a block holds as many as fit (40-byte names
	 * take 48-byte records), not one each. */
	check(sub->size <= (uint64_t)(n * 48 / bs + 2) * bs, "%d entries take %lu bytes", n, sub->size);
	check(count_entries(sub, NULL) == n, "entries in sub");
	for (int i = 0; i < n; i += 2) {
		ksnprintf(name, sizeof(name), "file-with-a-long-name-%04d-%s", i, "even-even");
		x = lookup(sub, name);
		check(x, "lookup %s", name);
		if (!x)
			continue;
		check(LOCKED(sub->iop->unlink(sub, name, x)) == 0, "unlink %s", name);
		iput(x);
	}
	check(count_entries(sub, NULL) == n / 2, "entries after unlinking half");
	check(!lookup(sub, "file-with-a-long-name-0000-even-even"), "unlinked name gone");
	/* Reuse the freed space with short names: the directory does not grow. */
	uint64_t before = sub->size;
	for (int i = 0; i < 20; i++) {
		ksnprintf(name, sizeof(name), "s%d", i);
		check(create(sub, name, &x) == 0, "create %s", name);
		iput(x);
	}
	check(count_entries(sub, NULL) == n / 2 + 20, "entries after reuse");
	check(sub->size == before, "the freed space was reused: %lu bytes, was %lu", sub->size, before);

	/* Links and symlinks (fast and slow). */
	x = lookup(sub, "s1");
	check(x && LOCKED(kt->iop->link(x, kt, "hardlink")) == 0 && x->nlink == 2, "link");
	iput(x);
	check(LOCKED(kt->iop->symlink(kt, "fast", "sub/s1", &x)) == 0, "fast symlink");
	char target[300], buf[300];
	if (x) {
		check(x->blocks == 0 && x->iop->readlink(x, buf, sizeof(buf)) == 6 && !memcmp(buf, "sub/s1", 6),
		      "fast readlink");
		iput(x);
	}
	for (int i = 0; i < 200; i++)
		target[i] = 'a' + i % 26;
	target[200] = 0;
	check(LOCKED(kt->iop->symlink(kt, "slow", target, &x)) == 0, "slow symlink");
	if (x) {
		check(x->blocks == bs / 512 && x->iop->readlink(x, buf, sizeof(buf)) == 200 &&
		      !memcmp(buf, target, 200), "slow readlink");
		iput(x);
	}

	/* Renames: a file across directories, over an existing file, a
	 * directory into another (its ".." follows), over an empty one. */
	struct inode *s2 = lookup(sub, "s2"), *s3 = lookup(sub, "s3");
	check(s2 && LOCKED(kt->iop->rename(sub, "s2", s2, sub2, "moved", NULL)) == 0, "rename across");
	check(!lookup(sub, "s2") && (x = lookup(sub2, "moved")) == s2, "moved");
	iput(x);
	check(LOCKED(sub->iop->rename(sub2, "moved", s2, sub, "s3", s3)) == 0, "rename over s3");
	check(s3->nlink == 0, "replaced s3 nlink %u", s3->nlink);
	iput(s2);
	iput(s3);
	struct inode *inner, *empty;
	check(LOCKED(sub->iop->mkdir(sub, "inner", 0755, &inner)) == 0, "mkdir inner");
	check(LOCKED(sub2->iop->mkdir(sub2, "empty", 0755, &empty)) == 0, "mkdir empty");
	uint32_t sub_links = sub->nlink, sub2_links = sub2->nlink;
	check(LOCKED(sub->iop->rename(sub, "inner", inner, sub2, "inner2", NULL)) == 0, "rename dir");
	uint64_t parent;
	check(count_entries(inner, &parent) == 0 && parent == sub2->ino, "inner's .. is sub2");
	check(sub->nlink == sub_links - 1 && sub2->nlink == sub2_links + 1, "dir link counts after move");
	check(LOCKED(sub->iop->rename(sub2, "inner2", inner, sub2, "empty", empty)) == 0, "rename over empty dir");
	/* sub2 lost the replaced directory's "..", kept inner's. */
	check(empty->nlink == 0 && sub2->nlink == sub2_links, "replaced dir: nlink %u, parent %u",
	      empty->nlink, sub2->nlink);
	iput(empty);
	/* rmdir: not while it has entries. */
	check(create(inner, "f", &x) == 0, "create inner/f");
	check(LOCKED(sub2->iop->rmdir(sub2, "empty", inner)) == -ENOTEMPTY, "rmdir non-empty");
	check(LOCKED(inner->iop->unlink(inner, "f", x)) == 0, "unlink inner/f");
	iput(x);
	check(LOCKED(sub2->iop->rmdir(sub2, "empty", inner)) == 0, "rmdir");
	check(inner->nlink == 0 && sub2->nlink == sub2_links - 1, "after rmdir");
	iput(inner);
	iput(sub);
	iput(sub2);
}

static void ktest_ext2(void)
{
	struct inode *root = ext2_root();
	if (!root)
		return;
	test_sb = root->sb;
	printk("ext2-test: block size %u\n", test_sb->block_size);
	struct inode *kt = lookup(root, "kt");
	check(!kt, "/kt exists already");
	check(LOCKED(root->iop->mkdir(root, "kt", 0755, &kt)) == 0, "mkdir /kt");
	if (kt) {
		test_files(kt);
		test_names(kt);
		iput(kt);
	}
	iput(root);
	int err = sync_filesystems(NULL);
	check(err == 0, "sync %d", err);
	printk("ext2-test: %s (%d failures), token=%s\n", failures ? "FAILED" : "ok", failures, ktest_token());
}
KTEST("ext2", ktest_ext2);

/* --- ext2-walk ------------------------------------------------------------------ */

struct walk_entry {
	char name[256];
	uint64_t ino;
};

struct list_ctx {
	struct dir_context ctx;
	struct walk_entry *e;
	int n, max;
};

static bool list_emit(struct dir_context *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct list_ctx *l = (struct list_ctx *)ctx;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	if (l->n == l->max)
		return true;    /* more than we show (the host sees fewer) */
	memcpy(l->e[l->n].name, name, len);
	l->e[l->n].name[len] = 0;
	l->e[l->n].ino = ino;
	l->n++;
	return true;
}

static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void walk(struct inode *dir, char *path, int depth)
{
	struct list_ctx l = { .ctx.emit = list_emit, .max = 512 };
	l.e = kmalloc(l.max * sizeof(*l.e));
	iref(dir);
	struct file *f = file_alloc(dir, O_RDONLY, dir->fop);
	int err = LOCKED(dir->fop->iterate(f, &l.ctx));
	file_put(f);
	if (err)
		printk("walk: %s: iterate error %d\n", path, err);
	size_t plen = strlen(path);
	uint8_t *buf = kmalloc(4096);
	for (int i = 0; i < l.n; i++) {
		ksnprintf(path + plen, 1024 - plen, "/%s", l.e[i].name);
		struct inode *x = lookup(dir, l.e[i].name);
		if (!x) {
			printk("walk: %s: lookup failed\n", path);
			continue;
		}
		uint32_t h = 2166136261u;
		int r = 0;
		if (S_ISREG(x->mode)) {
			for (uint64_t pos = 0; pos < x->size; pos += 4096) {
				size_t n = x->size - pos < 4096 ? x->size - pos : 4096;
				ssize_t got = file_io(x, pos, buf, n, false);
				if (got != (ssize_t)n) {
					r = got < 0 ? got : -EIO;
					break;
				}
				h = fnv(h, buf, n);
			}
		} else if (S_ISLNK(x->mode)) {
			r = x->iop->readlink(x, (char *)buf, 4096);
			if (r >= 0)
				h = fnv(h, buf, r), r = 0;
		}
		if (r)
			printk("walk: %s: read error %d\n", path, r);
		else
			printk("walk: %s %o %lu %08x\n", path, x->mode, S_ISDIR(x->mode) ? 0 : x->size, h);
		if (S_ISDIR(x->mode) && depth < 8)
			walk(x, path, depth + 1);
		iput(x);
	}
	path[plen] = 0;
	kfree(buf);
	kfree(l.e);
}

static void ktest_ext2_walk(void)
{
	struct inode *root = ext2_root();
	if (!root)
		return;
	test_sb = root->sb;
	char *path = kzalloc(1024);
	walk(root, path, 0);
	kfree(path);
	iput(root);
	printk("walk: done, token=%s\n", ktest_token());
}
KTEST("ext2-walk", ktest_ext2_walk);

/* --- ext2-fill: a disk that runs out of blocks ---------------------------------- */

/* Writes past what a full disk holds, as write(2) does: returns the
 * bytes taken and the error that stopped it (0 if none). */
static uint64_t write_until_full(struct inode *inode, uint64_t len, unsigned seed, ssize_t *err)
{
	uint8_t *buf = kmalloc(5000);
	uint64_t done = 0;
	*err = 0;
	while (done < len) {
		size_t n = len - done < 5000 ? len - done : 5000;
		for (size_t k = 0; k < n; k++)
			buf[k] = pattern(done + k, seed);
		ssize_t r = file_io(inode, done, buf, n, true);
		if (r <= 0) {
			*err = r;
			break;
		}
		done += r;
	}
	kfree(buf);
	return done;
}

/* Writes a file bigger than the (small) disk: the write itself must stop
 * with -ENOSPC (blocks are taken when write accepts the data), and what
 * it took must then write back without error; truncating and removing
 * the file must give every block back. */
static void ktest_ext2_fill(void)
{
	struct inode *root = ext2_root();
	if (!root)
		return;
	test_sb = root->sb;
	struct kstatfs before, after;
	test_sb->ops->statfs(test_sb, &before);
	struct inode *f;
	check(create(root, "fill", &f) == 0, "create /fill");
	uint64_t len = (before.bfree + 64) * before.bsize;
	ssize_t werr;
	uint64_t taken = write_until_full(f, len, 6, &werr);
	check(werr == -ENOSPC && f->size == taken, "a write past the free space: %ld, size %lu of %lu taken",
	      werr, f->size, taken);
	check(taken > before.bfree * before.bsize * 9 / 10, "%lu bytes taken of %lu free",
	      taken, before.bfree * before.bsize);
	int err = inode_sync(f);
	check(err == 0, "writeback of what the write took: %d", err);
	check(read_matches(f, 0, taken, 6), "the data written reads back");
	test_sb->ops->statfs(test_sb, &after);
	check(after.bfree <= 1, "free blocks left: %lu", after.bfree);
	check(truncate_to(f, 0) == 0 && f->blocks == 0, "truncate: blocks %lu", f->blocks);
	check(LOCKED(root->iop->unlink(root, "fill", f)) == 0, "unlink /fill");
	iput(f);
	test_sb->ops->statfs(test_sb, &after);
	/* The root directory may have grown by a block for the name. */
	check(after.bfree + 1 >= before.bfree && after.ffree == before.ffree,
	      "free blocks %lu -> %lu, inodes %lu -> %lu", before.bfree, after.bfree, before.ffree, after.ffree);
	iput(root);
	check(sync_filesystems(NULL) == 0, "sync");
	printk("ext2-fill: %s (%d failures), token=%s\n", failures ? "FAILED" : "ok", failures, ktest_token());
}
KTEST("ext2-fill", ktest_ext2_fill);
