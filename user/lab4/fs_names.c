/* fs_names: the name operations. mkdirat, unlinkat (with AT_REMOVEDIR),
 * renameat/renameat2, linkat, symlinkat and readlinkat/readlink, with
 * their error paths: trailing slashes, "." and "..", names too long,
 * symlink loops and chains (Linux follows at most 40 symlinks in one
 * lookup), and renames or links that cross file systems (EXDEV).
 *
 * Runs in ./kt-fs_names and in /tmp/kt-fs_names. Directory link counts
 * (2 + subdirectories) are printed: ext2, ext4 and tmpfs agree on them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <kt.h>
#include <kt_fs.h>

static const char *base;

#define P(name) kt_path(base, name)     /* in the test directory */

static long nlink(const char *name)
{
	struct stat st;

	if (fstatat(AT_FDCWD, P(name), &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	return st.st_nlink;
}

static int same_inode(const char *a, const char *b)
{
	struct stat sa, sb;

	return fstatat(AT_FDCWD, P(a), &sa, AT_SYMLINK_NOFOLLOW) == 0 &&
	       fstatat(AT_FDCWD, P(b), &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	       sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static void show(const char *what, const char *name)
{
	char buf[64];

	printf("%s: %s\n", what, kt_get(P(name), buf, sizeof(buf)));
}

static long renameat2_(const char *a, const char *b, unsigned flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

static void mkdirs(void)
{
	char name[300];
	int fd;

	kt_put(P("f"), "f");
	kt_res("mkdirat(d)", mkdirat(AT_FDCWD, P("d"), 0755));
	kt_res("nlink of d", nlink("d"));
	kt_res("mkdirat(d) again", mkdirat(AT_FDCWD, P("d"), 0755));
	kt_res("mkdirat(\"e/\")", mkdirat(AT_FDCWD, P("e/"), 0755));
	kt_res("mkdirat(\"e2//\")", mkdirat(AT_FDCWD, P("e2//"), 0755));
	kt_res("nlink of the test directory with 3 subdirectories", nlink("."));
	kt_res("mkdirat(f), a file", mkdirat(AT_FDCWD, P("f"), 0755));
	kt_res("mkdirat(\"f/\")", mkdirat(AT_FDCWD, P("f/"), 0755));
	kt_res("mkdirat(missing/x)", mkdirat(AT_FDCWD, P("missing/x"), 0755));
	kt_res("mkdirat(f/x)", mkdirat(AT_FDCWD, P("f/x"), 0755));
	kt_res("mkdirat(\".\")", mkdirat(AT_FDCWD, P("."), 0755));
	kt_res("mkdirat(\"d/..\")", mkdirat(AT_FDCWD, P("d/.."), 0755));
	symlinkat("nowhere", AT_FDCWD, P("dangling"));
	kt_res("mkdirat(dangling symlink)", mkdirat(AT_FDCWD, P("dangling"), 0755));
	kt_res("mkdirat(1000, \"x\")", mkdirat(1000, "x", 0755));
	fd = open(P("f"), O_RDONLY);
	kt_res("mkdirat(fd of a file, \"x\")", mkdirat(fd, "x", 0755));
	close(fd);
	fd = open(P("d"), O_RDONLY | O_DIRECTORY);
	kt_res("mkdirat(fd of d, \"sub\")", mkdirat(fd, "sub", 0755));
	close(fd);
	kt_res("nlink of d with one subdirectory", nlink("d"));

	memset(name, 'n', 255);
	name[255] = 0;
	kt_res("mkdirat(255-byte name)", mkdirat(AT_FDCWD, P(name), 0755));
	kt_res("unlinkat(255-byte name, AT_REMOVEDIR)", unlinkat(AT_FDCWD, P(name), AT_REMOVEDIR));
	strcat(name, "n");
	kt_res("mkdirat(256-byte name)", mkdirat(AT_FDCWD, P(name), 0755));
	kt_res_fd("open(256-byte name, O_CREAT)", open(P(name), O_WRONLY | O_CREAT, 0644));
}

static void unlinks(void)
{
	char buf[8];
	struct stat st;
	int fd;

	kt_put(P("u"), "u");
	fd = open(P("u"), O_RDONLY);
	kt_res("unlinkat(u) while open", unlinkat(AT_FDCWD, P("u"), 0));
	kt_res("unlinkat(u) again", unlinkat(AT_FDCWD, P("u"), 0));
	kt_res("faccessat(u)", faccessat(AT_FDCWD, P("u"), F_OK, 0));
	kt_res("read(open fd of the unlinked file)", read(fd, buf, sizeof(buf)));
	fstat(fd, &st);
	printf("its nlink: %ld\n", (long)st.st_nlink);
	close(fd);

	kt_res("unlinkat(d), a directory", unlinkat(AT_FDCWD, P("d"), 0));
	kt_res("unlinkat(\"d/\")", unlinkat(AT_FDCWD, P("d/"), 0));
	kt_res("unlinkat(\"f/\")", unlinkat(AT_FDCWD, P("f/"), 0));
	kt_res("unlinkat(\"missing/\")", unlinkat(AT_FDCWD, P("missing/"), 0));
	kt_res("unlinkat(f, flags 1)", unlinkat(AT_FDCWD, P("f"), 1));
	kt_res("unlinkat(f, AT_REMOVEDIR)", unlinkat(AT_FDCWD, P("f"), AT_REMOVEDIR));
	kt_res("rmdir(d), not empty", unlinkat(AT_FDCWD, P("d"), AT_REMOVEDIR));
	kt_res("rmdir(\".\")", unlinkat(AT_FDCWD, P("."), AT_REMOVEDIR));
	kt_res("rmdir(\"d/.\")", unlinkat(AT_FDCWD, P("d/."), AT_REMOVEDIR));
	kt_res("rmdir(\"d/sub/..\")", unlinkat(AT_FDCWD, P("d/sub/.."), AT_REMOVEDIR));
	kt_res("rmdir(\"e/..\"), e empty", unlinkat(AT_FDCWD, P("e/.."), AT_REMOVEDIR));
	kt_res("rmdir(missing)", unlinkat(AT_FDCWD, P("missing"), AT_REMOVEDIR));
	symlinkat("e", AT_FDCWD, P("le"));
	kt_res("rmdir(symlink to a directory)", unlinkat(AT_FDCWD, P("le"), AT_REMOVEDIR));
	kt_res("rmdir(\"le/\")", unlinkat(AT_FDCWD, P("le/"), AT_REMOVEDIR));
	kt_res("unlinkat(le) removes the link", unlinkat(AT_FDCWD, P("le"), 0));
	kt_res("e is still there", faccessat(AT_FDCWD, P("e"), F_OK, 0));
	kt_res("rmdir(\"e/\")", unlinkat(AT_FDCWD, P("e/"), AT_REMOVEDIR));
	kt_res("rmdir(e2)", unlinkat(AT_FDCWD, P("e2"), AT_REMOVEDIR));
	kt_res("rmdir(d/sub)", unlinkat(AT_FDCWD, P("d/sub"), AT_REMOVEDIR));
	kt_res("nlink of d", nlink("d"));
	kt_res("nlink of the test directory", nlink("."));
}

static void renames(void)
{
	struct stat st;
	char buf[300];
	int fd, dfd;
	long r;

	kt_put(P("a"), "a");
	kt_put(P("b"), "b");
	kt_res("renameat(a, c)", renameat(AT_FDCWD, P("a"), AT_FDCWD, P("c")));
	kt_res("a is gone", faccessat(AT_FDCWD, P("a"), F_OK, 0));
	show("c", "c");
	fd = open(P("b"), O_RDONLY);
	kt_res("renameat(c, b) replaces b", renameat(AT_FDCWD, P("c"), AT_FDCWD, P("b")));
	show("b", "b");
	memset(buf, 0, sizeof(buf));
	read(fd, buf, 10);
	printf("an fd of the replaced b still reads \"%s\"\n", buf);
	close(fd);
	kt_res("renameat(b, b)", renameat(AT_FDCWD, P("b"), AT_FDCWD, P("b")));
	linkat(AT_FDCWD, P("b"), AT_FDCWD, P("b2"), 0);
	kt_res("renameat(b, b2), hard links of one file", renameat(AT_FDCWD, P("b"), AT_FDCWD, P("b2")));
	kt_res("b still exists", faccessat(AT_FDCWD, P("b"), F_OK, 0));
	kt_res("nlink of b", nlink("b"));
	unlinkat(AT_FDCWD, P("b2"), 0);
	kt_res("renameat(missing, x)", renameat(AT_FDCWD, P("missing"), AT_FDCWD, P("x")));
	kt_res("renameat(b, missing/x)", renameat(AT_FDCWD, P("b"), AT_FDCWD, P("missing/x")));
	kt_res("renameat(\"b/\", x)", renameat(AT_FDCWD, P("b/"), AT_FDCWD, P("x")));
	kt_res("renameat(b, \"x/\")", renameat(AT_FDCWD, P("b"), AT_FDCWD, P("x/")));

	/* Directories. */
	mkdirat(AT_FDCWD, P("d/sub"), 0755);
	mkdirat(AT_FDCWD, P("e"), 0755);
	mkdirat(AT_FDCWD, P("full"), 0755);
	kt_put(P("full/x"), "x");
	kt_res("renameat(d, d/sub/x), into itself", renameat(AT_FDCWD, P("d"), AT_FDCWD, P("d/sub/x")));
	kt_res("renameat(d, d/x), into itself", renameat(AT_FDCWD, P("d"), AT_FDCWD, P("d/x")));
	kt_res("renameat(b, e), a file over a directory", renameat(AT_FDCWD, P("b"), AT_FDCWD, P("e")));
	kt_res("renameat(e, b), a directory over a file", renameat(AT_FDCWD, P("e"), AT_FDCWD, P("b")));
	kt_res("renameat(e, full), over a non-empty directory",
	       renameat(AT_FDCWD, P("e"), AT_FDCWD, P("full")));
	kt_res("renameat(\".\", x)", renameat(AT_FDCWD, P("."), AT_FDCWD, P("x")));
	kt_res("renameat(e, \".\")", renameat(AT_FDCWD, P("e"), AT_FDCWD, P(".")));
	kt_res("renameat(e, \"d/..\")", renameat(AT_FDCWD, P("e"), AT_FDCWD, P("d/..")));
	kt_res("renameat(\"d/sub/\", \"e/\"), over an empty directory",
	       renameat(AT_FDCWD, P("d/sub/"), AT_FDCWD, P("e/")));
	kt_res("nlink of d after its subdirectory left", nlink("d"));
	kt_res("renameat(e, d/moved)", renameat(AT_FDCWD, P("e"), AT_FDCWD, P("d/moved")));
	kt_res("nlink of d", nlink("d"));
	kt_check(same_inode("d/moved/..", "d"), "d/moved/.. is d after the move");
	dfd = open(P("d"), O_RDONLY | O_DIRECTORY);
	kt_res("renameat(fd of d, \"moved\", AT_FDCWD, e)", renameat(dfd, "moved", AT_FDCWD, P("e")));
	kt_res("renameat(1000, \"x\", ...)", renameat(1000, "x", AT_FDCWD, P("y")));
	close(dfd);
	memset(buf, 'n', 256);
	buf[256] = 0;
	kt_res("renameat(b, 256-byte name)", renameat(AT_FDCWD, P("b"), AT_FDCWD, P(buf)));

	/* renameat2. */
	kt_put(P("c"), "c");
	kt_res("renameat2(c, b, RENAME_NOREPLACE)", renameat2_(P("c"), P("b"), KT_RENAME_NOREPLACE));
	kt_res("renameat2(c, n, RENAME_NOREPLACE)", renameat2_(P("c"), P("n"), KT_RENAME_NOREPLACE));
	kt_res("renameat2(n, c, 0)", renameat2_(P("n"), P("c"), 0));
	kt_res("renameat2(e, \".\", RENAME_NOREPLACE)", renameat2_(P("e"), P("."), KT_RENAME_NOREPLACE));
	kt_res("renameat2(c, b, RENAME_NOREPLACE|RENAME_EXCHANGE)",
	       renameat2_(P("c"), P("b"), KT_RENAME_NOREPLACE | KT_RENAME_EXCHANGE));
	kt_res("renameat2(c, b, 0x100)", renameat2_(P("c"), P("b"), 0x100));
	/* ext2 refuses RENAME_EXCHANGE (EINVAL), tmpfs does it: either is
	 * right, as long as it happened completely or not at all. */
	kt_put(P("b"), "b");
	r = renameat2_(P("c"), P("b"), KT_RENAME_EXCHANGE);
	kt_get(P("b"), buf, 8);
	kt_get(P("c"), buf + 8, 8);
	if (r == 0)
		kt_check(!strcmp(buf, "c") && !strcmp(buf + 8, "b"), "RENAME_EXCHANGE: done or refused");
	else
		kt_check(errno == EINVAL && !strcmp(buf, "b") && !strcmp(buf + 8, "c"),
			 "RENAME_EXCHANGE: done or refused");
	unlinkat(AT_FDCWD, P("c"), 0);
	kt_put(P("b"), "b");

	/* Across file systems. The test directory and /tmp are one file
	 * system on some hosts, so that case is checked as a relation. */
	kt_res("renameat(b, /dev/kt-fs_names)", renameat(AT_FDCWD, P("b"), AT_FDCWD, "/dev/kt-fs_names"));
	kt_res("linkat(b, /dev/kt-fs_names)", linkat(AT_FDCWD, P("b"), AT_FDCWD, "/dev/kt-fs_names", 0));
	if (base[0] != '/') {
		struct stat here, tmp;

		kt_put("/tmp/kt-fs_names-x", "x");
		fstatat(AT_FDCWD, base, &here, 0);
		fstatat(AT_FDCWD, "/tmp", &tmp, 0);
		r = renameat(AT_FDCWD, "/tmp/kt-fs_names-x", AT_FDCWD, P("x"));
		kt_check(here.st_dev != tmp.st_dev ? r == -1 && errno == EXDEV : r == 0,
			 "renameat(/tmp/x, here/x) gives EXDEV exactly when st_dev differs");
		unlinkat(AT_FDCWD, "/tmp/kt-fs_names-x", 0);
		unlinkat(AT_FDCWD, P("x"), 0);
	}
	fstatat(AT_FDCWD, P("b"), &st, 0);
	kt_res("b is still here", faccessat(AT_FDCWD, P("b"), F_OK, 0));
}

static void links(void)
{
	struct stat st;

	kt_put(P("f"), "f");
	kt_res("linkat(f, h)", linkat(AT_FDCWD, P("f"), AT_FDCWD, P("h"), 0));
	kt_res("nlink of f", nlink("f"));
	kt_check(same_inode("f", "h"), "f and h are one inode");
	kt_put(P("h"), "written through h");
	show("f", "f");
	kt_res("linkat(f, h) again", linkat(AT_FDCWD, P("f"), AT_FDCWD, P("h"), 0));
	kt_res("linkat(d, dl), a directory", linkat(AT_FDCWD, P("d"), AT_FDCWD, P("dl"), 0));
	kt_res("linkat(missing, x)", linkat(AT_FDCWD, P("missing"), AT_FDCWD, P("x"), 0));
	kt_res("linkat(f, missing/x)", linkat(AT_FDCWD, P("f"), AT_FDCWD, P("missing/x"), 0));
	kt_res("linkat(\"f/\", x)", linkat(AT_FDCWD, P("f/"), AT_FDCWD, P("x"), 0));
	kt_res("linkat(f, \"x/\")", linkat(AT_FDCWD, P("f"), AT_FDCWD, P("x/"), 0));
	kt_res("linkat(f, x, flags 1)", linkat(AT_FDCWD, P("f"), AT_FDCWD, P("x"), 1));
	kt_res("linkat(1000, \"f\", ...)", linkat(1000, "f", AT_FDCWD, P("x"), 0));
	symlinkat("f", AT_FDCWD, P("s"));
	kt_res("linkat(s, s2), a symlink", linkat(AT_FDCWD, P("s"), AT_FDCWD, P("s2"), 0));
	fstatat(AT_FDCWD, P("s2"), &st, AT_SYMLINK_NOFOLLOW);
	kt_check(S_ISLNK(st.st_mode), "s2 is the symlink itself");
	kt_res("linkat(s, s3, AT_SYMLINK_FOLLOW)",
	       linkat(AT_FDCWD, P("s"), AT_FDCWD, P("s3"), AT_SYMLINK_FOLLOW));
	kt_check(same_inode("s3", "f"), "s3 is f");
	kt_res("nlink of f", nlink("f"));
	kt_res("nlink of s", nlink("s"));
	unlinkat(AT_FDCWD, P("h"), 0);
	unlinkat(AT_FDCWD, P("s3"), 0);
	kt_res("nlink of f after two unlinks", nlink("f"));
	unlinkat(AT_FDCWD, P("s"), 0);
	unlinkat(AT_FDCWD, P("s2"), 0);
}

static void symlinks(void)
{
	static char target[4200];
	char buf[1100], name[16];
	struct stat st;
	int fd;

	kt_res("symlinkat(\"f\", sl)", symlinkat("f", AT_FDCWD, P("sl")));
	kt_res("symlinkat(\"x\", sl) again", symlinkat("x", AT_FDCWD, P("sl")));
	kt_res("symlinkat(\"x\", f), over a file", symlinkat("x", AT_FDCWD, P("f")));
	kt_res("symlinkat(\"\", empty)", symlinkat("", AT_FDCWD, P("empty")));
	kt_res("symlinkat(\"x\", \"new/\")", symlinkat("x", AT_FDCWD, P("new/")));
	kt_res("symlinkat(\"x\", missing/x)", symlinkat("x", AT_FDCWD, P("missing/x")));
	fstatat(AT_FDCWD, P("sl"), &st, AT_SYMLINK_NOFOLLOW);
	printf("lstat(sl): link %d, size %ld\n", S_ISLNK(st.st_mode), (long)st.st_size);
	fstatat(AT_FDCWD, P("sl"), &st, 0);
	printf("stat(sl): regular %d, size %ld\n", S_ISREG(st.st_mode), (long)st.st_size);

	memset(buf, 0, sizeof(buf));
	kt_res("readlinkat(sl)", readlinkat(AT_FDCWD, P("sl"), buf, sizeof(buf)));
	printf("target \"%s\"\n", buf);
	symlinkat("0123456789", AT_FDCWD, P("sl10"));
	memset(buf, 0, sizeof(buf));
	kt_res("readlink(sl10, 4-byte buffer)", readlink(P("sl10"), buf, 4));
	printf("got \"%s\" (no NUL added)\n", buf);
	kt_res("readlinkat(sl10, size 0)", syscall(SYS_readlinkat, AT_FDCWD, P("sl10"), buf, 0));
	kt_res("readlinkat(f), not a symlink", readlinkat(AT_FDCWD, P("f"), buf, sizeof(buf)));
	kt_res("readlinkat(missing)", readlinkat(AT_FDCWD, P("missing"), buf, sizeof(buf)));
	symlinkat("d", AT_FDCWD, P("ld"));
	kt_res("readlinkat(\"ld/\")", readlinkat(AT_FDCWD, P("ld/"), buf, sizeof(buf)));
	fd = open(base, O_RDONLY | O_DIRECTORY);
	kt_res("readlinkat(fd of the test directory, \"sl10\")", readlinkat(fd, "sl10", buf, sizeof(buf)));
	close(fd);

	/* Long targets: 100 bytes does not fit in an ext2 inode, 1000 needs
	 * a block of its own; 4096 (with the NUL) is longer than a path. */
	for (int len = 100; len <= 1000; len += 900) {
		memset(target, 'a' + len % 26, len);
		target[len] = 0;
		snprintf(name, sizeof(name), "long%d", len);
		kt_res("symlinkat(long target)", symlinkat(target, AT_FDCWD, P(name)));
		memset(buf, 0, sizeof(buf));
		kt_res("readlinkat(long target)", readlinkat(AT_FDCWD, P(name), buf, sizeof(buf)));
		kt_check(!memcmp(buf, target, len), "the target reads back");
		unlinkat(AT_FDCWD, P(name), 0);
	}
	memset(target, 't', 4096);
	target[4096] = 0;
	kt_res("symlinkat(4096-byte target)", symlinkat(target, AT_FDCWD, P("huge")));

	/* Dangling links and loops. */
	symlinkat("nowhere", AT_FDCWD, P("dangle"));
	kt_res("stat(dangling symlink)", fstatat(AT_FDCWD, P("dangle"), &st, 0));
	kt_res("lstat(dangling symlink)", fstatat(AT_FDCWD, P("dangle"), &st, AT_SYMLINK_NOFOLLOW));
	kt_res_fd("open(dangling, O_CREAT) creates the target",
		  open(P("dangle"), O_WRONLY | O_CREAT, 0644));
	kt_res("faccessat(nowhere)", faccessat(AT_FDCWD, P("nowhere"), F_OK, 0));
	kt_res_fd("open(dangling, O_CREAT|O_EXCL)",
		  open(P("dangle"), O_WRONLY | O_CREAT | O_EXCL, 0644));
	symlinkat("self", AT_FDCWD, P("self"));
	symlinkat("loop2", AT_FDCWD, P("loop1"));
	symlinkat("loop1", AT_FDCWD, P("loop2"));
	kt_res_fd("open(self -> self)", open(P("self"), O_RDONLY));
	kt_res_fd("open(loop1 -> loop2 -> loop1)", open(P("loop1"), O_RDONLY));
	kt_res("stat(loop1)", fstatat(AT_FDCWD, P("loop1"), &st, 0));
	kt_res("lstat(loop1)", fstatat(AT_FDCWD, P("loop1"), &st, AT_SYMLINK_NOFOLLOW));
	kt_res("stat(loop1/x)", fstatat(AT_FDCWD, P("loop1/x"), &st, AT_SYMLINK_NOFOLLOW));
	kt_res("mkdirat(loop1/x)", mkdirat(AT_FDCWD, P("loop1/x"), 0755));
	kt_res_fd("open(loop1, O_CREAT)", open(P("loop1"), O_WRONLY | O_CREAT, 0644));

	/* A chain c0 -> c1 -> ... -> c40 -> f: 40 links from c0 resolve, 41
	 * from c-1 do not. */
	for (int i = 0; i <= 40; i++) {
		char next[16];

		snprintf(name, sizeof(name), "c%d", i);
		snprintf(next, sizeof(next), i == 40 ? "f" : "c%d", i + 1);
		symlinkat(next, AT_FDCWD, P(name));
	}
	symlinkat("c0", AT_FDCWD, P("c-1"));
	fd = kt_res_fd("open(c1), 40 symlinks", open(P("c1"), O_RDONLY));
	close(fd);
	kt_res_fd("open(c0), 41 symlinks", open(P("c0"), O_RDONLY));
	kt_res("stat(c0)", fstatat(AT_FDCWD, P("c0"), &st, 0));
	kt_res("lstat(c0)", fstatat(AT_FDCWD, P("c0"), &st, AT_SYMLINK_NOFOLLOW));
	for (int i = -1; i <= 40; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		unlinkat(AT_FDCWD, P(name), 0);
	}
	const char *junk[] = { "dangling", "sl", "sl10", "ld", "dangle", "nowhere", "self", "loop1", "loop2" };
	for (unsigned i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		unlinkat(AT_FDCWD, P(junk[i]), 0);
}

/* Paths of 4095 bytes resolve; 4096 (4097 with the NUL) are too long. */
static void long_paths(void)
{
	static char p[4200];
	struct stat st;

	for (int len = 4095; len <= 4096; len++) {
		int n = snprintf(p, sizeof(p), "%s/", base);

		while (n < len - 1)
			n += snprintf(p + n, sizeof(p) - n, n < len - 2 ? "./" : "/");
		snprintf(p + n, sizeof(p) - n, "f");
		printf("path of %zu bytes: ", strlen(p));
		kt_res("stat", fstatat(AT_FDCWD, p, &st, 0));
	}
}

static void run(const char *b)
{
	base = b;
	printf("== %s\n", b[0] == '/' ? "/tmp" : "cwd");
	if (kt_fresh_dir(b))
		return;
	mkdirs();
	unlinks();
	renames();
	links();
	symlinks();
	long_paths();
	unlinkat(AT_FDCWD, P("b"), 0);
	unlinkat(AT_FDCWD, P("f"), 0);
	unlinkat(AT_FDCWD, P("e"), AT_REMOVEDIR);
	unlinkat(AT_FDCWD, P("full/x"), 0);
	unlinkat(AT_FDCWD, P("full"), AT_REMOVEDIR);
	unlinkat(AT_FDCWD, P("d"), AT_REMOVEDIR);
	kt_res("remove the test directory", unlinkat(AT_FDCWD, b, AT_REMOVEDIR));
	kt_rmtree(b);
}

int main(void)
{
	umask(022);
	run("kt-fs_names");
	run("/tmp/kt-fs_names");
	kt_res("rmdir(\"/\")", unlinkat(AT_FDCWD, "/", AT_REMOVEDIR));
	return 0;
}
