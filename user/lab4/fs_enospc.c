/* fs_enospc: a disk that fills up. write() itself must say so (ENOSPC,
 * after a short count), as Linux's ext2 does by allocating blocks when it
 * accepts the data; what it accepted must reach the disk even though the
 * program never calls fsync. Run by the grader as init on a small disk of
 * its own ("ENOSPC at fsync only" cannot happen on the host's big disk):
 * it prints the bytes taken, and checks the file on the image after. */
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
static unsigned char buf[CHUNK];

static unsigned char pattern(long long i)
{
	return (unsigned char)(i * 7 + 3 + (i >> 12));
}

static void fill_buf(long long pos, size_t n)
{
	for (size_t k = 0; k < n; k++)
		buf[k] = pattern(pos + k);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "fill";
	struct statvfs sv;
	if (statvfs(".", &sv) != 0)
		return 1;
	long long free_bytes = (long long)sv.f_bfree * sv.f_frsize;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	long long total = 0;
	int err = 0;
	while (total < free_bytes + 4 * CHUNK) {
		fill_buf(total, CHUNK);
		ssize_t r = write(fd, buf, CHUNK);
		if (r < 0) {
			err = errno;
			break;
		}
		total += r;
	}
	kt_check(err == ENOSPC, "a write that does not fit fails with ENOSPC");
	kt_check(total > free_bytes * 9 / 10, "the file got most of the free space");
	struct stat st;
	kt_check(fstat(fd, &st) == 0 && st.st_size == total, "its size is what write() took");
	int same = 1;
	for (long long pos = 0; same && pos < total; pos += CHUNK) {
		size_t n = total - pos < CHUNK ? total - pos : CHUNK;
		same = pread(fd, buf, n, pos) == (ssize_t)n;
		for (size_t k = 0; same && k < n; k++)
			same = buf[k] == pattern(pos + k);
	}
	kt_check(same, "it reads back");
	close(fd);
	/* No fsync, no sync: what write() took is the kernel's to keep. */
	printf("fs_enospc: %lld bytes taken\n", total);
	return kt_status();
}
