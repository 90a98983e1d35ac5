/* fs_stat: what a file looks like from outside. newfstatat/fstat/stat/
 * lstat (with AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW), statx, faccessat/
 * faccessat2/access, fchmod/fchmodat and utimensat (UTIME_NOW and
 * UTIME_OMIT, then stat shows the times set).
 *
 * Never printed: inode and device numbers, block counts, owner ids and
 * times the program did not set; they are only compared with each other.
 * Access checks avoid the cases where root and other users differ.
 * Times are set in whole seconds before 2038: ext2 keeps no more. Runs in
 * ./kt-fs_stat and in /tmp/kt-fs_stat. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <kt.h>
#include <kt_fs.h>

static const char *base;

#define P(name) kt_path(base, name)     /* in the test directory */

static const char *type(mode_t m)
{
	return S_ISREG(m) ? "regular" : S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "symlink" :
	       S_ISCHR(m) ? "char device" : S_ISFIFO(m) ? "fifo" : "other";
}

/* The portable part of a stat: type, permissions, links, size (not for
 * directories, whose size depends on the file system). */
static void show(const char *what, long r, const struct stat *st)
{
	if (r != 0) {
		kt_res(what, r);
		return;
	}
	printf("%s: %s %o, nlink %ld", what, type(st->st_mode), st->st_mode & 07777,
	       (long)st->st_nlink);
	if (!S_ISDIR(st->st_mode))
		printf(", size %ld", (long)st->st_size);
	printf(", owner is me: %s\n",
	       st->st_uid == geteuid() && st->st_gid == getegid() ? "yes" : "no");
}

static void showx(const char *what, long r, const struct kt_statx *sx)
{
	if (r != 0) {
		kt_res(what, r);
		return;
	}
	printf("%s: basic stats %s, %s %o, nlink %u", what,
	       (sx->stx_mask & KT_STATX_BASIC_STATS) == KT_STATX_BASIC_STATS ? "all" : "missing",
	       type(sx->stx_mode), sx->stx_mode & 07777, sx->stx_nlink);
	if (!S_ISDIR(sx->stx_mode))
		printf(", size %llu", (unsigned long long)sx->stx_size);
	printf(", owner is me: %s\n",
	       sx->stx_uid == geteuid() && sx->stx_gid == getegid() ? "yes" : "no");
}

static int same(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_mode == b->st_mode &&
	       a->st_size == b->st_size && a->st_nlink == b->st_nlink;
}

static long fstatat_(int dirfd, const char *path, struct stat *st, int flags)
{
	return syscall(SYS_newfstatat, dirfd, path, st, flags);
}

static long statx_(int dirfd, const char *path, int flags, unsigned mask, struct kt_statx *sx)
{
	memset(sx, 0, sizeof(*sx));
	return syscall(SYS_statx, dirfd, path, flags, mask, sx);
}

static void stats(void)
{
	struct stat st, st2;
	struct kt_statx sx;
	int fd, dfd;

	kt_put(P("f"), "0123456789");
	mkdirat(AT_FDCWD, P("d"), 0755);
	mkdirat(AT_FDCWD, P("d/sub"), 0700);
	symlinkat("f", AT_FDCWD, P("sl"));
	symlinkat("nowhere", AT_FDCWD, P("dangle"));

	show("stat(f)", stat(P("f"), &st), &st);
	show("lstat(f)", lstat(P("f"), &st), &st);
	show("stat(sl)", stat(P("sl"), &st), &st);
	show("lstat(sl)", lstat(P("sl"), &st), &st);
	show("stat(d)", stat(P("d"), &st), &st);
	show("stat(d/sub)", stat(P("d/sub"), &st), &st);
	show("stat(\"d/\")", stat(P("d/"), &st), &st);
	show("lstat(dangle)", lstat(P("dangle"), &st), &st);
	show("stat(dangle)", stat(P("dangle"), &st), &st);
	show("stat(missing)", stat(P("missing"), &st), &st);
	show("stat(\"f/\")", stat(P("f/"), &st), &st);
	show("lstat(\"sl/\")", lstat(P("sl/"), &st), &st);
	show("stat(\"\")", stat("", &st), &st);

	fd = open(P("f"), O_RDWR);
	show("fstat(fd of f)", fstat(fd, &st), &st);
	stat(P("f"), &st2);
	kt_check(same(&st, &st2), "fstat and stat agree");
	show("fstat(1000)", fstat(1000, &st), &st);
	write(fd, "abc", 3);
	lseek(fd, 20, SEEK_SET);
	write(fd, "z", 1);
	show("fstat after writing past the end", fstat(fd, &st), &st);

	/* newfstatat: dirfd, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW. */
	memset(&st2, 0, sizeof(st2));
	show("newfstatat(fd, \"\", AT_EMPTY_PATH)", fstatat_(fd, "", &st2, AT_EMPTY_PATH), &st2);
	kt_check(same(&st, &st2), "same as fstat");
	show("newfstatat(fd, \"\", 0)", fstatat_(fd, "", &st2, 0), &st2);
	show("newfstatat(fd of f, \"x\", 0)", fstatat_(fd, "x", &st2, 0), &st2);
	show("newfstatat(1000, \"\", AT_EMPTY_PATH)", fstatat_(1000, "", &st2, AT_EMPTY_PATH), &st2);
	show("newfstatat(1000, \"x\", 0)", fstatat_(1000, "x", &st2, 0), &st2);
	show("newfstatat(f, flags 1)", fstatat_(AT_FDCWD, P("f"), &st2, 1), &st2);
	/* The working directory is the grader's: only compare it. */
	kt_res("newfstatat(AT_FDCWD, \"\", AT_EMPTY_PATH)",
	       fstatat_(AT_FDCWD, "", &st2, AT_EMPTY_PATH));
	stat(".", &st);
	kt_check(same(&st, &st2), "same as stat(\".\")");
	dfd = open(P("d"), O_RDONLY | O_DIRECTORY);
	show("newfstatat(fd of d, \"sub\", 0)", fstatat_(dfd, "sub", &st2, 0), &st2);
	show("newfstatat(fd of d, \"..\", 0)", fstatat_(dfd, "..", &st2, 0), &st2);
	show("newfstatat(fd of d, \"../sl\", AT_SYMLINK_NOFOLLOW)",
	     fstatat_(dfd, "../sl", &st2, AT_SYMLINK_NOFOLLOW), &st2);
	show("newfstatat(fd of d, \"../sl\", 0)", fstatat_(dfd, "../sl", &st2, 0), &st2);
	show("newfstatat(AT_FDCWD, sl, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH)",
	     fstatat_(AT_FDCWD, P("sl"), &st2, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), &st2);

	/* statx. */
	showx("statx(f)", statx_(AT_FDCWD, P("f"), 0, KT_STATX_BASIC_STATS, &sx), &sx);
	fstat(fd, &st);
	kt_check(sx.stx_ino == st.st_ino && sx.stx_size == (uint64_t)st.st_size &&
		 sx.stx_mtime.tv_sec == st.st_mtim.tv_sec &&
		 sx.stx_mtime.tv_nsec == (uint32_t)st.st_mtim.tv_nsec &&
		 sx.stx_atime.tv_sec == st.st_atim.tv_sec &&
		 sx.stx_ctime.tv_sec == st.st_ctim.tv_sec,
		 "statx agrees with fstat on ino, size and times");
	/* Which fields come back for mask 0 is up to the file system. */
	kt_res("statx(f, mask 0)", statx_(AT_FDCWD, P("f"), 0, 0, &sx));
	showx("statx(sl)", statx_(AT_FDCWD, P("sl"), 0, KT_STATX_BASIC_STATS, &sx), &sx);
	showx("statx(sl, AT_SYMLINK_NOFOLLOW)",
	      statx_(AT_FDCWD, P("sl"), AT_SYMLINK_NOFOLLOW, KT_STATX_BASIC_STATS, &sx), &sx);
	showx("statx(d)", statx_(AT_FDCWD, P("d"), 0, KT_STATX_BASIC_STATS, &sx), &sx);
	showx("statx(fd, \"\", AT_EMPTY_PATH)",
	      statx_(fd, "", AT_EMPTY_PATH, KT_STATX_BASIC_STATS, &sx), &sx);
	showx("statx(fd of d, \"sub\")", statx_(dfd, "sub", 0, KT_STATX_BASIC_STATS, &sx), &sx);
	showx("statx(missing)", statx_(AT_FDCWD, P("missing"), 0, KT_STATX_BASIC_STATS, &sx), &sx);
	showx("statx(\"f/\")", statx_(AT_FDCWD, P("f/"), 0, KT_STATX_BASIC_STATS, &sx), &sx);
	showx("statx(dangle)", statx_(AT_FDCWD, P("dangle"), 0, KT_STATX_BASIC_STATS, &sx), &sx);
	showx("statx(f, flags 1)", statx_(AT_FDCWD, P("f"), 1, KT_STATX_BASIC_STATS, &sx), &sx);
	showx("statx(f, mask STATX__RESERVED)",
	      statx_(AT_FDCWD, P("f"), 0, KT_STATX_RESERVED, &sx), &sx);
	showx("statx(f, AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC)",
	      statx_(AT_FDCWD, P("f"), KT_AT_STATX_FORCE_SYNC | KT_AT_STATX_DONT_SYNC,
		     KT_STATX_BASIC_STATS, &sx), &sx);
	showx("statx(1000, \"x\")", statx_(1000, "x", 0, KT_STATX_BASIC_STATS, &sx), &sx);
	close(dfd);
	close(fd);
}

static void access_(void)
{
	int fd;

	kt_put(P("x"), "#!/bin/sh\n");
	fchmodat(AT_FDCWD, P("x"), 0755, 0);
	kt_res("access(f, F_OK)", access(P("f"), F_OK));
	kt_res("access(f, R_OK|W_OK)", access(P("f"), R_OK | W_OK));
	kt_res("access(f 0644, X_OK)", access(P("f"), X_OK));
	kt_res("access(x 0755, X_OK)", access(P("x"), X_OK));
	kt_res("access(d, X_OK)", access(P("d"), X_OK));
	kt_res("access(missing, F_OK)", access(P("missing"), F_OK));
	kt_res("access(\"f/\", F_OK)", access(P("f/"), F_OK));
	kt_res("access(f, mode 8)", access(P("f"), 8));
	kt_res("access(dangle, F_OK)", access(P("dangle"), F_OK));
	kt_res("faccessat(AT_FDCWD, f, R_OK)",
	       syscall(SYS_faccessat, AT_FDCWD, P("f"), R_OK));
	fd = open(base, O_RDONLY | O_DIRECTORY);
	kt_res("faccessat(fd of the test directory, \"x\", X_OK)",
	       syscall(SYS_faccessat, fd, "x", X_OK));
	kt_res("faccessat(1000, \"x\", F_OK)", syscall(SYS_faccessat, 1000, "x", F_OK));
	kt_res("faccessat2(fd, \"x\", X_OK, 0)", syscall(SYS_faccessat2, fd, "x", X_OK, 0));
	kt_res("faccessat2(fd, \"dangle\", F_OK, AT_SYMLINK_NOFOLLOW)",
	       syscall(SYS_faccessat2, fd, "dangle", F_OK, AT_SYMLINK_NOFOLLOW));
	kt_res("faccessat2(fd, \"dangle\", F_OK, 0)",
	       syscall(SYS_faccessat2, fd, "dangle", F_OK, 0));
	kt_res("faccessat2(fd, \"f\", R_OK, AT_EACCESS)",
	       syscall(SYS_faccessat2, fd, "f", R_OK, AT_EACCESS));
	kt_res("faccessat2(fd, \"f\", X_OK, AT_EACCESS)",
	       syscall(SYS_faccessat2, fd, "f", X_OK, AT_EACCESS));
	kt_res("faccessat2(fd, \"\", X_OK, AT_EMPTY_PATH)",
	       syscall(SYS_faccessat2, fd, "", X_OK, AT_EMPTY_PATH));
	kt_res("faccessat2(fd, \"f\", F_OK, flags 1)", syscall(SYS_faccessat2, fd, "f", F_OK, 1));
	kt_res("faccessat2(fd, \"f\", mode 8, 0)", syscall(SYS_faccessat2, fd, "f", 8, 0));
	close(fd);
}

static void chmods(void)
{
	struct stat st;
	int fd;

	fd = open(P("f"), O_RDONLY);
	kt_res("fchmod(fd of f, 0600)", fchmod(fd, 0600));
	show("stat(f)", stat(P("f"), &st), &st);
	kt_res("fchmod(fd of f, 0170640): file type bits ignored", fchmod(fd, 0170640));
	show("stat(f)", stat(P("f"), &st), &st);
	kt_res("fchmod(fd of f, 0)", fchmod(fd, 0));
	show("fstat(f)", fstat(fd, &st), &st);
	kt_res("fchmod(1000, 0644)", fchmod(1000, 0644));
	close(fd);
	kt_res("fchmodat(f, 0644)", syscall(SYS_fchmodat, AT_FDCWD, P("f"), 0644));
	kt_res("fchmodat(sl, 0604) changes f", syscall(SYS_fchmodat, AT_FDCWD, P("sl"), 0604));
	show("stat(f)", stat(P("f"), &st), &st);
	show("lstat(sl)", lstat(P("sl"), &st), &st);
	kt_res("fchmodat(dangle, 0644)", syscall(SYS_fchmodat, AT_FDCWD, P("dangle"), 0644));
	kt_res("fchmodat(missing, 0644)", syscall(SYS_fchmodat, AT_FDCWD, P("missing"), 0644));
	kt_res("fchmodat(\"f/\", 0644)", syscall(SYS_fchmodat, AT_FDCWD, P("f/"), 0644));
	fd = open(P("d"), O_RDONLY | O_DIRECTORY);
	kt_res("fchmodat(fd of d, \"sub\", 0750)", syscall(SYS_fchmodat, fd, "sub", 0750));
	show("stat(d/sub)", stat(P("d/sub"), &st), &st);
	kt_res("fchmod(fd of d, 01777)", fchmod(fd, 01777));
	show("stat(d)", stat(P("d"), &st), &st);
	fchmod(fd, 0755);
	close(fd);
	fchmodat(AT_FDCWD, P("f"), 0644, 0);
}

static void times_(void)
{
	struct timespec ts[2];
	struct stat st;
	time_t t0, t1;
	int fd;

	ts[0] = (struct timespec){ 1000000000, 0 };
	ts[1] = (struct timespec){ 1234567890, 0 };
	kt_res("utimensat(f, 1000000000, 1234567890)", utimensat(AT_FDCWD, P("f"), ts, 0));
	stat(P("f"), &st);
	printf("atime %ld.%09ld, mtime %ld.%09ld\n", (long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

	ts[0] = (struct timespec){ 0, UTIME_OMIT };
	ts[1] = (struct timespec){ 1100000000, 0 };
	kt_res("utimensat(f, UTIME_OMIT, 1100000000)", utimensat(AT_FDCWD, P("f"), ts, 0));
	stat(P("f"), &st);
	printf("atime %ld, mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);

	ts[0] = (struct timespec){ 0, UTIME_OMIT };
	ts[1] = (struct timespec){ 0, UTIME_OMIT };
	kt_res("utimensat(f, UTIME_OMIT, UTIME_OMIT)", utimensat(AT_FDCWD, P("f"), ts, 0));
	stat(P("f"), &st);
	printf("atime %ld, mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);

	/* File times come from a coarse clock: allow a second either way. */
	t0 = time(NULL);
	ts[0] = (struct timespec){ 0, UTIME_NOW };
	ts[1] = (struct timespec){ 1200000000, 0 };
	kt_res("utimensat(f, UTIME_NOW, 1200000000)", utimensat(AT_FDCWD, P("f"), ts, 0));
	t1 = time(NULL);
	stat(P("f"), &st);
	kt_check(st.st_atim.tv_sec >= t0 - 1 && st.st_atim.tv_sec <= t1 + 1, "atime is now");
	printf("mtime %ld\n", (long)st.st_mtim.tv_sec);

	ts[0] = (struct timespec){ 1000000000, 0 };
	ts[1] = (struct timespec){ 1000000000, 0 };
	utimensat(AT_FDCWD, P("f"), ts, 0);
	t0 = time(NULL);
	kt_res("utimensat(f, NULL)", utimensat(AT_FDCWD, P("f"), NULL, 0));
	t1 = time(NULL);
	stat(P("f"), &st);
	kt_check(st.st_atim.tv_sec >= t0 - 1 && st.st_atim.tv_sec <= t1 + 1 &&
		 st.st_mtim.tv_sec >= t0 - 1 && st.st_mtim.tv_sec <= t1 + 1, "both times are now");

	/* Symlinks: followed unless AT_SYMLINK_NOFOLLOW. */
	ts[0] = (struct timespec){ 1300000000, 0 };
	ts[1] = (struct timespec){ 1300000001, 0 };
	kt_res("utimensat(sl, ..., AT_SYMLINK_NOFOLLOW)",
	       utimensat(AT_FDCWD, P("sl"), ts, AT_SYMLINK_NOFOLLOW));
	lstat(P("sl"), &st);
	printf("lstat(sl): atime %ld, mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
	stat(P("sl"), &st);
	kt_check(st.st_mtim.tv_sec != 1300000001, "f's mtime did not change");
	ts[0] = (struct timespec){ 1400000000, 0 };
	ts[1] = (struct timespec){ 1400000001, 0 };
	kt_res("utimensat(sl, ...) follows", utimensat(AT_FDCWD, P("sl"), ts, 0));
	stat(P("f"), &st);
	printf("stat(f): atime %ld, mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);

	/* On an fd (path NULL, a Linux extension) and on a directory. */
	fd = open(P("f"), O_RDWR);
	ts[0] = (struct timespec){ 1500000000, 0 };
	ts[1] = (struct timespec){ 1500000001, 0 };
	kt_res("utimensat(fd, NULL path, ...)", syscall(SYS_utimensat, fd, NULL, ts, 0));
	fstat(fd, &st);
	printf("fstat: atime %ld, mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
	close(fd);
	kt_res("utimensat(d, ...)", utimensat(AT_FDCWD, P("d"), ts, 0));
	stat(P("d"), &st);
	printf("stat(d): atime %ld, mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);

	ts[0] = (struct timespec){ 0, 1000000000 };
	kt_res("utimensat(f, tv_nsec 1000000000)", utimensat(AT_FDCWD, P("f"), ts, 0));
	ts[0] = (struct timespec){ 0, -1 };
	kt_res("utimensat(f, tv_nsec -1)", utimensat(AT_FDCWD, P("f"), ts, 0));
	ts[0] = (struct timespec){ 0, 0 };
	kt_res("utimensat(f, flags 1)", utimensat(AT_FDCWD, P("f"), ts, 1));
	kt_res("utimensat(missing)", utimensat(AT_FDCWD, P("missing"), ts, 0));
	kt_res("utimensat(dangle)", utimensat(AT_FDCWD, P("dangle"), ts, 0));
	kt_res("utimensat(1000, NULL path)", syscall(SYS_utimensat, 1000, NULL, ts, 0));
	stat(P("f"), &st);
	printf("stat(f) after the failures: atime %ld, mtime %ld\n", (long)st.st_atim.tv_sec,
	       (long)st.st_mtim.tv_sec);

	/* Writing moves mtime to now. */
	fd = open(P("f"), O_WRONLY);
	t0 = time(NULL);
	write(fd, "w", 1);
	t1 = time(NULL);
	fstat(fd, &st);
	kt_check(st.st_mtim.tv_sec >= t0 - 1 && st.st_mtim.tv_sec <= t1 + 1, "write sets mtime to now");
	close(fd);
}

static void run(const char *b)
{
	base = b;
	printf("== %s\n", b[0] == '/' ? "/tmp" : "cwd");
	if (kt_fresh_dir(b))
		return;
	stats();
	access_();
	chmods();
	times_();
	const char *junk[] = { "f", "x", "sl", "dangle" };
	for (unsigned i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		unlinkat(AT_FDCWD, P(junk[i]), 0);
	unlinkat(AT_FDCWD, P("d/sub"), AT_REMOVEDIR);
	unlinkat(AT_FDCWD, P("d"), AT_REMOVEDIR);
	kt_res("remove the test directory", unlinkat(AT_FDCWD, b, AT_REMOVEDIR));
	kt_rmtree(b);
}

int main(void)
{
	umask(022);
	run("kt-fs_stat");
	run("/tmp/kt-fs_stat");
	return 0;
}
