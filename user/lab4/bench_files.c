/* bench_files: file figures for `make bench` (not a test: times vary).
 *
 *   sequential write   64 MiB in 64 KiB writes, then fsync: through the
 *                      page cache to the disk
 *   sequential read    the same file after posix_fadvise(DONTNEED) dropped
 *                      it from the page cache, so the disk is read again
 *   open+read+close    a small file, cached: the path walk and the fd table
 *
 * Runs in the current directory (the root of the disk image in the guest).
 * Each figure is a line "bench: <what>: <number> <unit> (...)". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bench.h>

#define FILE_MB 64
#define CHUNK (64 * 1024)

static char buf[CHUNK];

static double now_s(void)
{
	return bench_now_ns() / 1e9;
}

static void bench_sequential(void)
{
	const char *name = "bench_files.tmp";
	int fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0)
		bench_die("open for writing");
	memset(buf, 'k', sizeof buf);
	double t0 = now_s();
	for (int i = 0; i < FILE_MB * 1024 * 1024 / CHUNK; i++)
		if (write(fd, buf, CHUNK) != CHUNK)
			bench_die("write");
	if (fsync(fd))
		bench_die("fsync");
	double t1 = now_s();
	printf("bench: sequential write: %.1f MB/s (%d MiB in 64 KiB writes, fsync included)\n",
	       FILE_MB / (t1 - t0), FILE_MB);
	/* Drop the cached pages, so the read below comes from the disk. */
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);

	fd = open(name, O_RDONLY);
	if (fd < 0)
		bench_die("open for reading");
	t0 = now_s();
	long total = 0, n;
	while ((n = read(fd, buf, CHUNK)) > 0)
		total += n;
	t1 = now_s();
	if (total != FILE_MB * 1024l * 1024)
		bench_die("short read");
	printf("bench: sequential read: %.1f MB/s (%d MiB in 64 KiB reads, from the disk)\n",
	       FILE_MB / (t1 - t0), FILE_MB);
	close(fd);
	unlink(name);
}

static void bench_small(void)
{
	const char *name = "bench_files.small";
	int fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "a small file\n", 13) != 13)
		bench_die("small file");
	close(fd);
	const int n = 2000;
	double t0 = now_s();
	for (int i = 0; i < n; i++) {
		fd = open(name, O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof buf) != 13)
			bench_die("open+read");
		close(fd);
	}
	printf("bench: open+read+close of a small file: %.1f us (%d rounds)\n",
	       (now_s() - t0) / n * 1e6, n);
	unlink(name);
}

int main(void)
{
	bench_small();
	bench_sequential();
	return 0;
}
