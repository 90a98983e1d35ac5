/* fs_bigwrite: writes a file of N MiB (argv[1]) to ./big, and with "wait
 * S" (argv[2], argv[3]) then sits quietly for S seconds; never calls fsync
 * or sync. The grader runs it as init on a disk of its own, on a machine
 * with less memory than the file (the kernel must write dirty data back
 * as memory fills, not fail) or kills the machine after the quiet time
 * (the kernel must have written the file back by itself), then checks
 * the image: each 4 KiB block i of the file holds i (32 bits, little
 * endian) 1024 times. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <kt.h>

#define BLOCK 4096
#define CHUNK (256 * 1024)
static uint32_t buf[CHUNK / 4];

static void fill(uint64_t first_block)
{
	for (unsigned b = 0; b < CHUNK / BLOCK; b++)
		for (unsigned k = 0; k < BLOCK / 4; k++)
			buf[b * (BLOCK / 4) + k] = (uint32_t)(first_block + b);
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 16;
	int fd = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		printf("open big: %s\n", kt_errname(errno));
		return 1;
	}
	uint64_t total = (uint64_t)mib << 20;
	for (uint64_t pos = 0; pos < total; pos += CHUNK) {
		fill(pos / BLOCK);
		ssize_t r = write(fd, buf, CHUNK);
		if (r != CHUNK) {
			printf("write at %llu MiB: %zd %s\n", (unsigned long long)(pos >> 20), r,
			       r < 0 ? kt_errname(errno) : "");
			return 1;
		}
	}
	/* A few blocks back, from here and there. */
	int ok = 1;
	for (uint64_t blk = 0; ok && blk < total / BLOCK; blk += total / BLOCK / 7 + 1) {
		uint32_t word = 0;
		ok = pread(fd, &word, 4, blk * BLOCK + 100) == 4 && word == blk;
	}
	close(fd);
	/* Memory is still usable: a new file, then removing it. */
	int g = open("small", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int more = g >= 0 && write(g, "ok\n", 3) == 3 && close(g) == 0 && unlink("small") == 0;
	printf("fs_bigwrite: %ld MiB written, read back %s, then a small file %s\n", mib,
	       ok ? "ok" : "BAD", more ? "ok" : "BAD");
	if (argc > 3 && !strcmp(argv[2], "wait")) {
		fflush(stdout);
		sleep(atoi(argv[3]));
		printf("fs_bigwrite: quiet for %s s\n", argv[3]);
	}
	return ok && more ? 0 : 1;
}
