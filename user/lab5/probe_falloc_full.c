/* probe_falloc_full: fallocate on a disk that fills up. More than the
 * free space fails with ENOSPC and takes nothing; space it did allocate
 * stays the file's, so writes into it succeed after the rest of the disk
 * has filled up (the point of calling it). Run by the grader as init on
 * a small disk of its own: on the host's big disk, Linux's ext4 would
 * fill the whole disk before saying ENOSPC. Prints "what: ok" lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <kt.h>

#define CHUNK (64 * 1024)
static char buf[CHUNK];

static long long free_bytes(void)
{
	struct statvfs s;
	if (statvfs(".", &s) != 0)
		return -1;
	return (long long)(s.f_bfree * s.f_bsize);
}

static struct stat st_of(int fd)
{
	struct stat st;
	fstat(fd, &st);
	return st;
}

int main(void)
{
	long long before = free_bytes();
	int fd = open("reserved", O_RDWR | O_CREAT | O_TRUNC, 0644);
	long r = fallocate(fd, 0, 0, before + (16 << 20));
	kt_check(r == -1 && errno == ENOSPC, "more than the free space: ENOSPC");
	kt_check(st_of(fd).st_size == 0, "the size stayed 0");
	kt_check(free_bytes() == before, "the free space is unchanged");

	long long half = before / 2 & ~4095LL;
	kt_check(fallocate(fd, 0, 0, half) == 0, "half the free space: allocated");
	kt_check(st_of(fd).st_size == half && st_of(fd).st_blocks * 512 >= half,
		 "the size and st_blocks cover it");
	kt_check(free_bytes() <= before - half, "the free space went down by as much");

	int fill = open("fill", O_RDWR | O_CREAT | O_TRUNC, 0644);
	memset(buf, 'f', sizeof(buf));
	long w;
	while ((w = write(fill, buf, sizeof(buf))) == (long)sizeof(buf))
		;
	if (w > 0)
		w = write(fill, buf, sizeof(buf));
	kt_check(w == -1 && errno == ENOSPC, "another file filled the rest: ENOSPC");

	memset(buf, 'r', sizeof(buf));
	int ok = 1;
	for (long long pos = 0; pos < half; pos += CHUNK) {
		size_t n = half - pos < CHUNK ? (size_t)(half - pos) : CHUNK;
		if (pwrite(fd, buf, n, pos) != (long)n)
			ok = 0;
	}
	kt_check(ok, "writes into the allocated space succeed on the full disk");
	kt_check(fsync(fd) == 0 && fsync(fill) == 0, "fsync of both");
	r = fallocate(fill, 0, st_of(fill).st_size, 1 << 20);
	kt_check(r == -1 && errno == ENOSPC, "fallocate on the full disk: ENOSPC");
	kt_check(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, half) == 0, "KEEP_SIZE over allocated space: 0");
	close(fill);
	close(fd);
	printf("probe_falloc_full: done\n");
	return kt_status();
}
