/* fd_basic: open, close, read, write, pread64/pwrite64, readv/writev and
 * lseek on regular files and directories, with their error paths.
 *
 * Everything runs twice: in ./kt-fd_basic (the root file system) and in
 * /tmp/kt-fd_basic (tmpfs in the guest). Covers the open flags O_CREAT,
 * O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW, trailing slashes,
 * the umask on O_CREAT, holes reading as zeroes, offsets past 4 GiB, and
 * an offset shared with a forked child. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>


#define P(base, name) kt_path(base, name)

static long file_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (long)st.st_size : -1;
}

static int all_zero(const char *p, long n)
{
	for (long i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void open_flags(const char *b)
{
	char buf[64];
	struct stat st;
	int fd, fd2;

	kt_res_fd("open(missing, O_RDONLY)", open(P(b, "missing"), O_RDONLY));
	kt_res_fd("open(missing/x, O_CREAT)", open(P(b, "missing/x"), O_WRONLY | O_CREAT, 0644));
	fd = kt_res_fd("open(f, O_WRONLY|O_CREAT|O_EXCL)",
		       open(P(b, "f"), O_WRONLY | O_CREAT | O_EXCL, 0644));
	kt_res("write(f, \"hello world\\n\")", write(fd, "hello world\n", 12));
	kt_res("read from an O_WRONLY fd", read(fd, buf, 1));
	kt_res_fd("open(f, O_CREAT|O_EXCL) on existing file",
		  open(P(b, "f"), O_WRONLY | O_CREAT | O_EXCL, 0644));
	fd2 = kt_res_fd("open(f, O_CREAT) on existing file", open(P(b, "f"), O_RDONLY | O_CREAT, 0600));
	kt_res("write to an O_RDONLY fd", write(fd2, "x", 1));
	kt_res("read(f) after reopening", read(fd2, buf, sizeof(buf)));
	kt_check(memcmp(buf, "hello world\n", 12) == 0, "contents read back");
	fstat(fd2, &st);
	printf("mode kept by O_CREAT on existing file: %o\n", st.st_mode & 07777);
	close(fd2);
	close(fd);

	fd = open(P(b, "f"), O_RDONLY | O_TRUNC);
	kt_res_fd("open(f, O_RDONLY|O_TRUNC)", fd);
	printf("size after O_RDONLY|O_TRUNC: %ld\n", file_size(fd));
	close(fd);
	kt_put(P(b, "f"), "hello world\n");
	fd = open(P(b, "f"), O_RDWR | O_TRUNC);
	printf("size after O_RDWR|O_TRUNC: %ld\n", file_size(fd));
	close(fd);
	kt_put(P(b, "f"), "hello world\n");

	/* O_APPEND: every write lands at the end, whatever the offset. */
	fd = open(P(b, "f"), O_WRONLY | O_APPEND);
	kt_res("lseek(O_APPEND fd, 0, SEEK_SET)", lseek(fd, 0, SEEK_SET));
	kt_res("write(\"A\") with O_APPEND", write(fd, "A", 1));
	kt_res("offset after the append", lseek(fd, 0, SEEK_CUR));
	kt_res("pwrite(\"B\", offset 0) with O_APPEND", pwrite(fd, "B", 1, 0));
	kt_res("offset after pwrite", lseek(fd, 0, SEEK_CUR));
	close(fd);
	printf("contents after appends: %s\n", kt_get(P(b, "f"), buf, sizeof(buf)));

	/* O_DIRECTORY and O_NOFOLLOW. */
	mkdirat(AT_FDCWD, P(b, "d"), 0755);
	symlinkat("f", AT_FDCWD, P(b, "lf"));
	symlinkat("d", AT_FDCWD, P(b, "ld"));
	kt_res_fd("open(f, O_DIRECTORY)", open(P(b, "f"), O_RDONLY | O_DIRECTORY));
	fd = kt_res_fd("open(d, O_DIRECTORY)", open(P(b, "d"), O_RDONLY | O_DIRECTORY));
	close(fd);
	fd = kt_res_fd("open(ld -> d, O_DIRECTORY)", open(P(b, "ld"), O_RDONLY | O_DIRECTORY));
	close(fd);
	kt_res_fd("open(lf -> f, O_NOFOLLOW)", open(P(b, "lf"), O_RDONLY | O_NOFOLLOW));
	kt_res_fd("open(ld -> d, O_NOFOLLOW|O_DIRECTORY)",
		  open(P(b, "ld"), O_RDONLY | O_NOFOLLOW | O_DIRECTORY));
	fd = kt_res_fd("open(f, O_NOFOLLOW)", open(P(b, "f"), O_RDONLY | O_NOFOLLOW));
	close(fd);
	fd = kt_res_fd("open(ld/../f, O_NOFOLLOW): only the last name counts",
		       open(P(b, "ld/../f"), O_RDONLY | O_NOFOLLOW));
	close(fd);
	fd = kt_res_fd("open(lf, O_RDONLY) follows", open(P(b, "lf"), O_RDONLY));
	kt_res("read through the symlink", read(fd, buf, 5));
	close(fd);

	/* Directories cannot be opened for writing or read with read(). */
	kt_res_fd("open(d, O_WRONLY)", open(P(b, "d"), O_WRONLY));
	kt_res_fd("open(d, O_RDWR)", open(P(b, "d"), O_RDWR));
	kt_res_fd("open(d, O_RDONLY|O_CREAT)", open(P(b, "d"), O_RDONLY | O_CREAT, 0644));
	kt_res_fd("open(d, O_RDONLY|O_TRUNC)", open(P(b, "d"), O_RDONLY | O_TRUNC));
	fd = kt_res_fd("open(d, O_RDONLY)", open(P(b, "d"), O_RDONLY));
	kt_res("read(d)", read(fd, buf, sizeof(buf)));
	kt_res("lseek(d, 0, SEEK_SET)", lseek(fd, 0, SEEK_SET));
	kt_res("lseek(d, 0, SEEK_CUR)", lseek(fd, 0, SEEK_CUR));
	kt_res("lseek(d, -1, SEEK_SET)", lseek(fd, -1, SEEK_SET));
	close(fd);

	/* Trailing slashes: only directories may have them. */
	kt_res_fd("open(\"f/\", O_RDONLY)", open(P(b, "f/"), O_RDONLY));
	kt_res_fd("open(\"f/\", O_WRONLY|O_CREAT)", open(P(b, "f/"), O_WRONLY | O_CREAT, 0644));
	kt_res_fd("open(\"new/\", O_WRONLY|O_CREAT)", open(P(b, "new/"), O_WRONLY | O_CREAT, 0644));
	kt_res("new/ was not created", faccessat(AT_FDCWD, P(b, "new"), F_OK, 0));
	fd = kt_res_fd("open(\"d/\", O_RDONLY)", open(P(b, "d/"), O_RDONLY));
	close(fd);
	fd = kt_res_fd("open(\"d//.\", O_RDONLY)", open(P(b, "d//."), O_RDONLY));
	close(fd);
	kt_res_fd("open(\"f/.\", O_RDONLY)", open(P(b, "f/."), O_RDONLY));
	kt_res_fd("open(\"f/x\", O_RDONLY)", open(P(b, "f/x"), O_RDONLY));
	kt_res_fd("open(\"\", O_RDONLY)", open("", O_RDONLY));

	/* openat: dirfd only matters for relative names. */
	fd = open(P(b, "d"), O_RDONLY | O_DIRECTORY);
	fd2 = kt_res_fd("openat(d, \"g\", O_CREAT)", openat(fd, "g", O_WRONLY | O_CREAT, 0644));
	close(fd2);
	kt_res("d/g exists", faccessat(AT_FDCWD, P(b, "d/g"), F_OK, 0));
	fd2 = kt_res_fd("openat(d, \"../f\")", openat(fd, "../f", O_RDONLY));
	close(fd2);
	close(fd);
	kt_res_fd("openat(1000, relative)", openat(1000, "f", O_RDONLY));
	fd = kt_res_fd("openat(1000, \"/\")", openat(1000, "/", O_RDONLY));
	close(fd);
	fd = open(P(b, "f"), O_RDONLY);
	kt_res_fd("openat(fd of a file, \"x\")", openat(fd, "x", O_RDONLY));
	close(fd);

	/* The umask clears mode bits at creation only. */
	umask(027);
	fd = open(P(b, "m1"), O_WRONLY | O_CREAT, 0777);
	fstat(fd, &st);
	printf("O_CREAT 0777 under umask 027: %o\n", st.st_mode & 07777);
	close(fd);
	umask(0);
	fd = open(P(b, "m2"), O_WRONLY | O_CREAT, 0666);
	fstat(fd, &st);
	printf("O_CREAT 0666 under umask 0: %o\n", st.st_mode & 07777);
	close(fd);
	fd = open(P(b, "m3"), O_WRONLY | O_CREAT, 01777);
	fstat(fd, &st);
	printf("O_CREAT 01777 under umask 0: %o\n", st.st_mode & 07777);
	close(fd);
	umask(022);

	unlinkat(AT_FDCWD, P(b, "m1"), 0);
	unlinkat(AT_FDCWD, P(b, "m2"), 0);
	unlinkat(AT_FDCWD, P(b, "m3"), 0);
	unlinkat(AT_FDCWD, P(b, "lf"), 0);
	unlinkat(AT_FDCWD, P(b, "ld"), 0);
	unlinkat(AT_FDCWD, P(b, "d/g"), 0);
	unlinkat(AT_FDCWD, P(b, "d"), AT_REMOVEDIR);
}

static void rw_seek(const char *b)
{
	char buf[256];
	struct iovec iov[3];
	int fd;

	kt_put(P(b, "f"), "hello world\n");
	fd = open(P(b, "f"), O_RDWR);
	kt_res("lseek(0, SEEK_END)", lseek(fd, 0, SEEK_END));
	kt_res("lseek(-6, SEEK_END)", lseek(fd, -6, SEEK_END));
	memset(buf, 0, sizeof(buf));
	kt_res("read 5", read(fd, buf, 5));
	printf("read gave \"%s\"\n", buf);
	kt_res("lseek(0, SEEK_CUR)", lseek(fd, 0, SEEK_CUR));
	kt_res("lseek(-3, SEEK_CUR)", lseek(fd, -3, SEEK_CUR));
	kt_res("lseek(-1, SEEK_SET)", lseek(fd, -1, SEEK_SET));
	kt_res("lseek(-100, SEEK_CUR)", lseek(fd, -100, SEEK_CUR));
	kt_res("lseek(-13, SEEK_END)", lseek(fd, -13, SEEK_END));
	kt_res("lseek(0, whence 7)", lseek(fd, 0, 7));
	kt_res("offset unchanged by the failed seeks", lseek(fd, 0, SEEK_CUR));
	kt_res("lseek(1000, SEEK_END) past the end", lseek(fd, 1000, SEEK_END));
	kt_res("read past the end", read(fd, buf, 10));
	kt_res("size unchanged by seeking", file_size(fd));
	kt_res("lseek(0, SEEK_SET)", lseek(fd, 0, SEEK_SET));
	kt_res("read of 0 bytes", read(fd, buf, 0));
	kt_res("write of 0 bytes", write(fd, buf, 0));
	kt_res("read all", read(fd, buf, sizeof(buf)));
	kt_res("read at the end", read(fd, buf, sizeof(buf)));

	/* A hole between the old end and a write past it reads as zeroes. */
	kt_res("lseek(100, SEEK_SET)", lseek(fd, 100, SEEK_SET));
	kt_res("write(\"X\") at 100", write(fd, "X", 1));
	kt_res("size", file_size(fd));
	memset(buf, 'q', sizeof(buf));
	kt_res("pread(200 at 0)", pread(fd, buf, 200, 0));
	kt_check(all_zero(buf + 12, 88) && buf[100] == 'X', "the hole 12..99 reads as zeroes");

	/* pread/pwrite leave the offset alone. */
	lseek(fd, 3, SEEK_SET);
	memset(buf, 0, sizeof(buf));
	kt_res("pread(5 at 6)", pread(fd, buf, 5, 6));
	printf("pread gave \"%s\"\n", buf);
	kt_res("pwrite(\"W\" at 6)", pwrite(fd, "W", 1, 6));
	kt_res("offset still 3", lseek(fd, 0, SEEK_CUR));
	kt_res("pread(5 at 6) again", pread(fd, buf, 5, 6));
	printf("pread gave \"%s\"\n", buf);
	kt_res("pread at the end", pread(fd, buf, 5, 101));
	kt_res("pread far past the end", pread(fd, buf, 5, 1 << 20));
	kt_res("pread at offset -1", pread(fd, buf, 5, -1));
	kt_res("pwrite at offset -1", pwrite(fd, "x", 1, -1));
	kt_res("pread(1000, ...)", pread(1000, buf, 5, 0));

	/* writev/readv gather and scatter in order. */
	kt_res("ftruncate(0)", ftruncate(fd, 0));
	lseek(fd, 0, SEEK_SET);
	iov[0] = (struct iovec){ "ab", 2 };
	iov[1] = (struct iovec){ "", 0 };
	iov[2] = (struct iovec){ "cdefg", 5 };
	kt_res("writev(ab, \"\", cdefg)", writev(fd, iov, 3));
	kt_res("writev(iovcnt 0)", writev(fd, iov, 0));
	kt_res("writev(iovcnt -1)", writev(fd, iov, -1));
	kt_res("writev(iovcnt 1025)", writev(fd, iov, 1025));
	iov[0].iov_len = (size_t)1 << 63;
	kt_res("writev(iov_len 2^63)", writev(fd, iov, 1));
	kt_res("writev(1000, ...)", writev(1000, iov, 1));
	lseek(fd, 0, SEEK_SET);
	memset(buf, 0, sizeof(buf));
	iov[0] = (struct iovec){ buf, 3 };
	iov[1] = (struct iovec){ buf + 10, 0 };
	iov[2] = (struct iovec){ buf + 20, 10 };
	kt_res("readv(3, 0, 10)", readv(fd, iov, 3));
	printf("readv gave \"%s\" and \"%s\"\n", buf, buf + 20);
	kt_res("readv at the end", readv(fd, iov, 3));
	close(fd);
	fd = open(P(b, "f"), O_WRONLY);
	kt_res("readv on an O_WRONLY fd", readv(fd, iov, 3));
	close(fd);
	unlinkat(AT_FDCWD, P(b, "f"), 0);
}

/* Offsets past 4 GiB: the file stays sparse, the hole reads as zeroes. */
static void big_offsets(const char *b)
{
	static char buf[4096];
	const long G4 = 1L << 32;
	int fd = open(P(b, "big"), O_RDWR | O_CREAT | O_TRUNC, 0644);

	kt_res("pwrite(\"END\" at 4 GiB + 5)", pwrite(fd, "END", 3, G4 + 5));
	kt_res("size", file_size(fd));
	kt_res("lseek(0, SEEK_END)", lseek(fd, 0, SEEK_END));
	memset(buf, 0, sizeof(buf));
	kt_res("pread(4 GiB + 5)", pread(fd, buf, 10, G4 + 5));
	printf("got \"%s\"\n", buf);
	memset(buf, 'q', sizeof(buf));
	kt_res("pread(4096 at 2 GiB)", pread(fd, buf, sizeof(buf), G4 / 2));
	kt_check(all_zero(buf, sizeof(buf)), "the hole at 2 GiB reads as zeroes");
	kt_res("lseek(3 GiB)", lseek(fd, 3 * (G4 / 4), SEEK_SET));
	kt_res("write(\"mid\") at 3 GiB", write(fd, "mid", 3));
	kt_res("lseek(0, SEEK_CUR)", lseek(fd, 0, SEEK_CUR));
	memset(buf, 0, sizeof(buf));
	kt_res("pread(3 GiB)", pread(fd, buf, 3, 3 * (G4 / 4)));
	printf("got \"%s\"\n", buf);
	kt_res("pread(4 GiB + 4, 100) short at the end", pread(fd, buf, 100, G4 + 4));
	close(fd);
	unlinkat(AT_FDCWD, P(b, "big"), 0);
}

/* fds, their numbers and their offsets. */
static void fds(const char *b)
{
	char buf[16];
	int fd, a, c, d, e, status;
	pid_t pid;

	kt_put(P(b, "f"), "0123456789");
	a = open(P(b, "f"), O_RDONLY);
	c = open(P(b, "f"), O_RDONLY);
	d = open(P(b, "f"), O_RDONLY);
	close(c);
	e = open(P(b, "f"), O_RDONLY);
	kt_check(e == c, "open reuses the lowest free fd");
	kt_res("close(fd)", close(d));
	kt_res("close(fd) again", close(d));
	kt_res("read(closed fd)", read(d, buf, 1));
	kt_res("close(-1)", close(-1));
	kt_res("close(1000)", close(1000));

	/* Two opens have two offsets. */
	read(a, buf, 4);
	memset(buf, 0, sizeof(buf));
	read(e, buf, 2);
	printf("a second open starts at 0: \"%s\"\n", buf);
	close(a);
	close(e);

	/* A forked child shares the open file and its offset. */
	fd = open(P(b, "f"), O_RDWR);
	read(fd, buf, 2);
	pid = kt_fork();
	if (pid == 0) {
		char c3[3];

		_exit(read(fd, c3, 3) == 3 && !memcmp(c3, "234", 3) ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	printf("child read from the shared offset: %s\n",
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "BAD");
	kt_res("parent's offset after the child's read", lseek(fd, 0, SEEK_CUR));
	pid = kt_fork();
	if (pid == 0)
		_exit(write(fd, "ab", 2) == 2 && lseek(fd, 9, SEEK_SET) == 9 ? 0 : 1);
	waitpid(pid, &status, 0);
	kt_res("parent's offset after the child's lseek", lseek(fd, 0, SEEK_CUR));
	close(fd);
	printf("contents: %s\n", kt_get(P(b, "f"), buf, sizeof(buf)));
	unlinkat(AT_FDCWD, P(b, "f"), 0);
}

static void run(const char *b)
{
	printf("== %s\n", b[0] == '/' ? "/tmp" : "cwd");
	if (kt_fresh_dir(b))
		return;
	open_flags(b);
	rw_seek(b);
	big_offsets(b);
	fds(b);
	kt_res("remove the test directory", unlinkat(AT_FDCWD, b, AT_REMOVEDIR));
	kt_rmtree(b);
}

int main(void)
{
	umask(022);
	run("kt-fd_basic");
	run("/tmp/kt-fd_basic");
	return 0;
}
