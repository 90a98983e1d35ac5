/* fs_truncate: ftruncate, truncate, fsync and fdatasync.
 *
 * Shrinking drops data for good: growing the file again must read zeroes,
 * also in the tail of the block where the new end fell (ext2 keeps that
 * block). Shrinking a 300 KiB file frees indirect blocks, growing to past
 * 4 GiB adds none. Runs in ./kt-fs_truncate and /tmp/kt-fs_truncate. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <kt.h>
#include <kt_fs.h>

static const char *base;
static unsigned char buf[400000];

#define P(name) kt_path(base, name)     /* in the test directory */

static long size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (long)st.st_size : -1;
}

static int zeroes(const unsigned char *p, long n)
{
	for (long i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static unsigned char pat(long i)
{
	return 'a' + i % 23;
}

static void small(void)
{
	char s[32];
	int fd, ro, dfd;

	kt_put(P("f"), "0123456789abcdefghij");
	fd = open(P("f"), O_RDWR);
	lseek(fd, 15, SEEK_SET);
	kt_res("ftruncate(f, 5)", ftruncate(fd, 5));
	kt_res("size", size_of(fd));
	kt_res("offset unchanged", lseek(fd, 0, SEEK_CUR));
	kt_res("ftruncate(f, 20), growing", ftruncate(fd, 20));
	memset(s, 'q', sizeof(s));
	kt_res("pread(f, 20)", pread(fd, s, 20, 0));
	kt_check(!memcmp(s, "01234", 5) && zeroes((unsigned char *)s + 5, 15),
		 "old bytes past 5 are gone: zeroes");
	kt_res("write at offset 15", write(fd, "X", 1));
	kt_res("ftruncate(f, 0)", ftruncate(fd, 0));
	kt_res("read after truncating to 0", read(fd, s, 10));
	kt_res("write at offset 16 leaves a hole", write(fd, "Y", 1));
	kt_res("size", size_of(fd));
	kt_res("ftruncate(f, -1)", ftruncate(fd, -1));
	kt_res("ftruncate(1000, 0)", ftruncate(1000, 0));
	kt_res("fsync(f)", fsync(fd));
	kt_res("fdatasync(f)", fdatasync(fd));
	kt_res("fsync(1000)", fsync(1000));
	kt_res("fdatasync(1000)", fdatasync(1000));
	close(fd);

	ro = open(P("f"), O_RDONLY);
	kt_res("ftruncate(O_RDONLY fd, 0)", ftruncate(ro, 0));
	kt_res("fsync(O_RDONLY fd)", fsync(ro));
	close(ro);
	dfd = open(base, O_RDONLY | O_DIRECTORY);
	kt_res("ftruncate(fd of a directory, 0)", ftruncate(dfd, 0));
	kt_res("fsync(fd of a directory)", fsync(dfd));
	kt_res("fdatasync(fd of a directory)", fdatasync(dfd));
	close(dfd);

	/* truncate by name. */
	symlinkat("f", AT_FDCWD, P("sl"));
	mkdirat(AT_FDCWD, P("d"), 0755);
	kt_put(P("f"), "0123456789");
	kt_res("truncate(f, 3)", truncate(P("f"), 3));
	printf("contents: \"%s\"\n", kt_get(P("f"), s, sizeof(s)));
	kt_res("truncate(sl, 2) follows the link", truncate(P("sl"), 2));
	printf("contents: \"%s\"\n", kt_get(P("f"), s, sizeof(s)));
	kt_res("truncate(f, -1)", truncate(P("f"), -1));
	kt_res("truncate(d, 0)", truncate(P("d"), 0));
	kt_res("truncate(missing, 0)", truncate(P("missing"), 0));
	kt_res("truncate(\"f/\", 0)", truncate(P("f/"), 0));
	kt_res("truncate(\"\", 0)", truncate("", 0));

	/* O_APPEND writes go to the new end. */
	fd = open(P("f"), O_WRONLY | O_APPEND);
	ftruncate(fd, 1);
	write(fd, "Z", 1);
	close(fd);
	printf("O_APPEND after ftruncate(1): \"%s\"\n", kt_get(P("f"), s, sizeof(s)));
	unlinkat(AT_FDCWD, P("sl"), 0);
	unlinkat(AT_FDCWD, P("d"), AT_REMOVEDIR);
}

static void big(void)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct stat st;
	time_t t0, t1;
	int fd, ok = 1;

	fd = open(P("g"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (long i = 0; i < 300000; i++)
		buf[i] = pat(i);
	kt_res("write 300000 bytes", write(fd, buf, 300000));
	futimens(fd, ts);
	t0 = time(NULL);
	kt_res("ftruncate(g, 100000)", ftruncate(fd, 100000));
	t1 = time(NULL);
	fstat(fd, &st);
	kt_check(st.st_mtim.tv_sec >= t0 - 1 && st.st_mtim.tv_sec <= t1 + 1,
		 "ftruncate sets mtime to now");
	kt_res("ftruncate(g, 400000)", ftruncate(fd, 400000));
	memset(buf, 1, sizeof(buf));
	kt_res("pread(g, 400000)", pread(fd, buf, 400000, 0));
	for (long i = 0; i < 100000; i++)
		ok &= buf[i] == pat(i);
	kt_check(ok, "the first 100000 bytes are intact");
	kt_check(zeroes(buf + 100000, 300000), "the rest reads as zeroes");
	kt_res("ftruncate(g, 4 GiB + 1)", ftruncate(fd, (1L << 32) + 1));
	kt_res("size", size_of(fd));
	buf[0] = 1;
	kt_res("pread of the last byte", pread(fd, buf, 10, 1L << 32));
	printf("it is %d\n", buf[0]);
	kt_res("ftruncate(g, 1000)", ftruncate(fd, 1000));
	kt_res("pread(g, 2000)", pread(fd, buf, 2000, 0));
	ok = 1;
	for (long i = 0; i < 1000; i++)
		ok &= buf[i] == pat(i);
	kt_check(ok, "the first 1000 bytes are intact");
	close(fd);
	unlinkat(AT_FDCWD, P("g"), 0);
}

static void run(const char *b)
{
	base = b;
	printf("== %s\n", b[0] == '/' ? "/tmp" : "cwd");
	if (kt_fresh_dir(b))
		return;
	small();
	big();
	unlinkat(AT_FDCWD, P("f"), 0);
	kt_res("remove the test directory", unlinkat(AT_FDCWD, b, AT_REMOVEDIR));
	kt_rmtree(b);
}

int main(void)
{
	umask(022);
	run("kt-fs_truncate");
	run("/tmp/kt-fs_truncate");
	return 0;
}
