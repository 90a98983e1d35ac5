/* dev_files: the character devices every Linux has. /dev/null (reads
 * nothing, swallows writes without looking at them), /dev/zero, /dev/full
 * (writes fail with ENOSPC), /dev/urandom and /dev/random (reads return
 * the length asked for; the bytes are never printed).
 *
 * Also the things a device is not: it has no size to truncate and no
 * data to fsync, and is not a directory. Device numbers are not printed.
 * Creates nothing. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <kt.h>
#include <kt_fs.h>

static unsigned char buf[65536], buf2[65536];

static void show_type(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		kt_res(path, -1);
		return;
	}
	printf("%s: %s\n", path, S_ISCHR(st.st_mode) ? "char device" :
	       S_ISDIR(st.st_mode) ? "directory" : "something else");
}

static int all(const unsigned char *p, long n, int c)
{
	for (long i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

static void null(void)
{
	struct iovec iov[2] = { { buf, 10 }, { buf2, 20 } };
	int fd = open("/dev/null", O_RDWR);

	kt_res_fd("open(/dev/null, O_RDWR)", fd);
	kt_res("write(null, 100)", write(fd, buf, 100));
	kt_res("write(null, (void *)1, 10): not looked at", write(fd, (void *)1, 10));
	kt_res("writev(null, 10 + 20)", writev(fd, iov, 2));
	kt_res("read(null)", read(fd, buf, 100));
	kt_res("pread(null, at 100)", pread(fd, buf, 100, 100));
	kt_res("lseek(null, 100, SEEK_SET)", lseek(fd, 100, SEEK_SET));
	kt_res("lseek(null, 0, SEEK_CUR)", lseek(fd, 0, SEEK_CUR));
	kt_res("fsync(null)", fsync(fd));
	kt_res("ftruncate(null, 0)", ftruncate(fd, 0));
	close(fd);
	fd = kt_res_fd("open(/dev/null, O_WRONLY|O_CREAT|O_TRUNC)",
		       open("/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	close(fd);
	kt_res_fd("open(/dev/null, O_CREAT|O_EXCL)", open("/dev/null", O_WRONLY | O_CREAT | O_EXCL, 0644));
	kt_res_fd("open(/dev/null, O_DIRECTORY)", open("/dev/null", O_RDONLY | O_DIRECTORY));
	kt_res_fd("open(\"/dev/null/\")", open("/dev/null/", O_RDONLY));
	kt_res("truncate(/dev/null, 0)", truncate("/dev/null", 0));
	kt_res_fd("open(/dev/kt-missing)", open("/dev/kt-missing", O_RDONLY));
}

static void zero_full(void)
{
	int fd = open("/dev/zero", O_RDWR);

	memset(buf, 7, sizeof(buf));
	kt_res("read(zero, 65536)", read(fd, buf, sizeof(buf)));
	kt_check(all(buf, sizeof(buf), 0), "all zeroes");
	memset(buf, 7, 100);
	kt_res("pread(zero, 100 at 12345)", pread(fd, buf, 100, 12345));
	kt_check(all(buf, 100, 0), "all zeroes");
	kt_res("read(zero, (void *)1, 10)", read(fd, (void *)1, 10));
	kt_res("write(zero, 100)", write(fd, buf, 100));
	kt_res("lseek(zero, 1000, SEEK_SET)", lseek(fd, 1000, SEEK_SET));
	close(fd);

	fd = open("/dev/full", O_RDWR);
	kt_res_fd("open(/dev/full, O_RDWR)", fd);
	kt_res("write(full, 10)", write(fd, "0123456789", 10));
	kt_res("write(full, 1)", write(fd, "0", 1));
	kt_res("pwrite(full, 10 at 0)", pwrite(fd, "0123456789", 10, 0));
	memset(buf, 7, 4096);
	kt_res("read(full, 4096)", read(fd, buf, 4096));
	kt_check(all(buf, 4096, 0), "all zeroes");
	kt_res("lseek(full, 0, SEEK_SET)", lseek(fd, 0, SEEK_SET));
	close(fd);
}

static void random_(void)
{
	int fd = open("/dev/urandom", O_RDWR);

	kt_res("read(urandom, 64)", read(fd, buf, 64));
	kt_res("read(urandom, 64)", read(fd, buf2, 64));
	kt_check(memcmp(buf, buf2, 64) != 0, "two reads differ");
	kt_check(!all(buf, 64, 0), "not all zeroes");
	kt_res("read(urandom, 65536)", read(fd, buf, sizeof(buf)));
	kt_res("read(urandom, 1)", read(fd, buf, 1));
	kt_res("read(urandom, 0)", read(fd, buf, 0));
	kt_res("read(urandom, (void *)1, 10)", read(fd, (void *)1, 10));
	kt_res("write(urandom, 8) mixes the bytes in", write(fd, "kestrel!", 8));
	close(fd);
	fd = open("/dev/random", O_RDONLY);
	kt_res_fd("open(/dev/random)", fd);
	kt_res("read(random, 32)", read(fd, buf, 32));
	kt_res("read(random, 4096)", read(fd, buf, 4096));
	close(fd);
}

/* /dev lists the devices (among many others on a host). */
static void listing(void)
{
	static const char *want[] = { "null", "zero", "full", "random", "urandom" };
	char dbuf[4096];
	int fd = open("/dev", O_RDONLY | O_DIRECTORY), found[5] = { 0 };
	long n;

	while ((n = kt_getdents64(fd, dbuf, sizeof(dbuf))) > 0) {
		for (long off = 0; off < n;) {
			struct kt_dirent64 *d = (void *)(dbuf + off);

			off += d->d_reclen;
			for (int i = 0; i < 5; i++)
				if (!strcmp(d->d_name, want[i]))
					found[i] = d->d_type == DT_CHR ? 1 : 2;
		}
	}
	close(fd);
	for (int i = 0; i < 5; i++)
		printf("/dev lists %s: %s\n", want[i],
		       found[i] == 1 ? "yes, DT_CHR" : found[i] ? "yes, not DT_CHR" : "no");
}

int main(void)
{
	show_type("/dev");
	show_type("/dev/null");
	show_type("/dev/zero");
	show_type("/dev/full");
	show_type("/dev/random");
	show_type("/dev/urandom");
	null();
	zero_full();
	random_();
	listing();
	return 0;
}
