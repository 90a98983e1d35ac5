/* fs_crashloop: files written, truncated, removed and synced over and
 * over, each round printing "round N" and "sync N" (just before its
 * sync), for the grader to pull the plug
 * at some round (a power cut in the middle of the kernel's writes) and
 * check that e2fsck finds no worse than an ext2 crash may leave: leaked
 * blocks and inodes, never a block claimed twice or a pointer into file
 * data. Blocks freed by one file are reused by the next, as indirect
 * blocks too. argv[1]: rounds (default 40). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kt.h>

static char buf[64 * 1024];

static unsigned next_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 40;
	unsigned seed = 12345;
	char name[32];
	for (int r = 0; r < rounds; r++) {
		printf("round %d\n", r);
		fflush(stdout);
		for (int f = 0; f < 3; f++) {
			snprintf(name, sizeof(name), "c%d", (r + f) % 5);
			int fd = open(name, O_RDWR | O_CREAT, 0644);
			/* Data that looks like block numbers if read as pointers. */
			memset(buf, 'a' + (r + f) % 26, sizeof(buf));
			/* Up to 1 MiB: on the test's 1 KiB-block disk, past the
			 * double indirect block (from 268 KiB on). */
			long size = (next_rand(&seed) % 16 + 1) * 64 * 1024;
			for (long pos = 0; pos < size; pos += sizeof(buf))
				if (write(fd, buf, sizeof(buf)) < 0)
					break;
			if (ftruncate(fd, next_rand(&seed) % (size + 1)) != 0)
				printf("ftruncate failed\n");
			if (next_rand(&seed) % 3 == 0)
				fsync(fd);
			close(fd);
			if (next_rand(&seed) % 4 == 0)
				unlink(name);
		}
		printf("sync %d\n", r);
		fflush(stdout);
		sync();
	}
	printf("fs_crashloop: %d rounds\n", rounds);
	return 0;
}
