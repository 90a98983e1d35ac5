/* mmap_copy: pread into, and pwrite from, a mapping of the same file.
 *
 * The copy to or from user memory faults on the mapping, and the fault
 * reads the file's page: a kernel that holds the file's lock across the
 * copy takes it twice (issue 15). All eight variants: shared and private
 * mappings, on ext2 (./kt-mmap-copy) and tmpfs (/tmp/kt-mmap-copy), with
 * pread(fd, map, 16384, 32768) and pwrite(fd, map + 32768, 16384, 0),
 * the mapping's pages untouched before the call. The data must read back
 * as Linux's does: through the mapping and through read(). And a write
 * over a whole page whose copy faults keeps the page's old data, and a
 * futex word in an untouched mapping is read as the copies are. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <kt.h>
#include <kt_fs.h>

/* <linux/futex.h>'s, which musl's headers do not carry. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

#define FILE_SIZE 65536
#define CHUNK 16384

/* Byte i of the file as created: differs from page to page. */
static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + i / 4096 * 13);
}

static int create(const char *path)
{
	static unsigned char buf[FILE_SIZE];
	for (size_t i = 0; i < FILE_SIZE; i++)
		buf[i] = pattern(i);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, FILE_SIZE) != FILE_SIZE) {
		printf("cannot create %s\n", path);
		exit(1);
	}
	return fd;
}

/* Does p[0..n) hold the pattern of file offset from? */
static int holds(const unsigned char *p, size_t from, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pattern(from + i))
			return 0;
	return 1;
}

static uint64_t file_hash(int fd)
{
	static unsigned char buf[FILE_SIZE];
	long n = pread(fd, buf, FILE_SIZE, 0);
	return n == FILE_SIZE ? kt_hash(KT_HASH_INIT, buf, FILE_SIZE) : 0;
}

static void variant(const char *dir, const char *fs, int shared, int write_op)
{
	char path[64], what[96];
	snprintf(path, sizeof path, "%s/%s-%s", dir, shared ? "shared" : "private", write_op ? "pwrite" : "pread");
	snprintf(what, sizeof what, "%s %s %s", fs, shared ? "shared" : "private", write_op ? "pwrite" : "pread");
	int fd = create(path);
	unsigned char *map = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE,
				  shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		printf("%s: mmap failed\n", what);
		exit(1);
	}
	long r;
	if (write_op)
		r = pwrite(fd, map + 2 * CHUNK, CHUNK, 0);
	else
		r = pread(fd, map, CHUNK, 2 * CHUNK);
	printf("%s: %ld\n", what, r);
	/* Either way the first 16 KiB of the mapping now hold the third
	 * 16 KiB of the pattern: a pread wrote them there, and a pwrite put
	 * them into the file that the untouched pages then show. */
	printf("%s: mapping's first pages hold the pattern at 32768: %s\n", what,
	       holds(map, 2 * CHUNK, CHUNK) ? "yes" : "no");
	printf("%s: the rest of the mapping as created: %s\n", what,
	       holds(map + CHUNK, CHUNK, FILE_SIZE - CHUNK) ? "yes" : "no");
	/* Only a shared mapping's pread (or any pwrite) changed the file. */
	static unsigned char head[CHUNK];
	printf("%s: file's first pages hold the pattern at 32768: %s\n", what,
	       pread(fd, head, CHUNK, 0) == CHUNK && holds(head, 2 * CHUNK, CHUNK) ? "yes" : "no");
	printf("%s: file hash %016llx\n", what, (unsigned long long)file_hash(fd));
	munmap(map, FILE_SIZE);
	close(fd);
	/* And once more from a fresh open, after the mapping is gone. */
	fd = open(path, O_RDONLY);
	printf("%s: reopened, file hash %016llx\n", what, (unsigned long long)file_hash(fd));
	close(fd);
}

/* A write that covers a page whole but faults at once must leave the
 * page's data alone: the kernel skips reading such a page before the
 * copy, and a short copy must not leave zeroes in its place. The page is
 * out of the cache first (written back, then dropped). */
static void faulting_whole_page(const char *dir, const char *fs)
{
	char path[64], what[64];
	snprintf(path, sizeof path, "%s/whole", dir);
	snprintf(what, sizeof what, "%s whole-page pwrite from NULL", fs);
	int fd = create(path);
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	static const void *volatile nowhere;    /* NULL, hidden from the compiler's checks */
	long r = pwrite(fd, nowhere, 4096, 4096);
	printf("%s: %ld %s\n", what, r, r < 0 ? kt_errname(errno) : "");
	static unsigned char page[4096];
	printf("%s: the page still holds its data: %s\n", what,
	       pread(fd, page, 4096, 4096) == 4096 && holds(page, 4096, 4096) ? "yes" : "no");
	close(fd);
}

/* The futex word read in an untouched shared file mapping: the kernel
 * reads it under its futex lock, and must fault the file page in
 * without that lock held. Both waits return at once (wrong value, then
 * a zero timeout). */
static void futex_on_mapping(const char *dir, const char *fs)
{
	char path[64];
	snprintf(path, sizeof path, "%s/futex", dir);
	int fd = create(path);
	for (int i = 0; i < 3; i++) {
		uint32_t *map = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		uint32_t *word = map + i * 4096 / sizeof(uint32_t), now = 0;
		memcpy(&now, (const unsigned char[]){ pattern(i * 4096), pattern(i * 4096 + 1),
						     pattern(i * 4096 + 2), pattern(i * 4096 + 3) }, 4);
		struct timespec zero = { 0, 0 };
		long r;
		if (i == 0)
			r = syscall(SYS_futex, word, FUTEX_WAIT, now + 1, NULL);
		else if (i == 1)
			r = syscall(SYS_futex, word, FUTEX_WAIT, now, &zero);
		else
			r = syscall(SYS_futex, word, FUTEX_WAKE, 1);
		printf("%s futex %s on an untouched shared mapping: %ld %s\n", fs,
		       i == 0 ? "wait, other value" : i == 1 ? "wait, no time" : "wake", r,
		       r < 0 ? errno == ETIMEDOUT ? "ETIMEDOUT" : kt_errname(errno) : "");
		munmap(map, FILE_SIZE);
	}
	close(fd);
}

int main(void)
{
	static const struct { const char *dir, *fs; } where[] = {
		{ "kt-mmap-copy", "ext2" }, { "/tmp/kt-mmap-copy", "tmpfs" },
	};
	for (int w = 0; w < 2; w++) {
		if (kt_fresh_dir(where[w].dir))
			return 1;
		for (int shared = 1; shared >= 0; shared--)
			for (int write_op = 0; write_op < 2; write_op++)
				variant(where[w].dir, where[w].fs, shared, write_op);
		faulting_whole_page(where[w].dir, where[w].fs);
		futex_on_mapping(where[w].dir, where[w].fs);
		kt_rmtree(where[w].dir);
	}
	printf("done\n");
	return kt_status();
}
