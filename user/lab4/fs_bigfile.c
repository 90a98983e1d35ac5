/* fs_bigfile: files past ext2's direct and single-indirect blocks.
 *
 * A 5 MiB file (beyond one indirect level with 1 KiB or 4 KiB blocks) is
 * written in odd-sized chunks, read back in other chunk sizes and with
 * pread at scattered offsets, partly overwritten across block boundaries,
 * and copied to /tmp. Every byte is a function of its offset, so any
 * misplaced block shows; contents are printed as FNV-1a hashes. A sparse
 * file with one block at 70 MiB reaches the triple-indirect level of a
 * 1 KiB-block ext2. Works in ./kt-fs_bigfile and /tmp/kt-fs_bigfile. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <kt.h>
#include <kt_fs.h>

#define D	"kt-fs_bigfile"
#define T	"/tmp/kt-fs_bigfile"
#define SIZE	(5L << 20)
#define BUFSZ	65536

static unsigned char buf[BUFSZ], buf2[BUFSZ];

static unsigned char byte_at(long p)
{
	uint32_t x = (uint32_t)p ^ (uint32_t)(p >> 32);

	x ^= x >> 7;
	x *= 0x9e3779b1U;
	return x >> 24;
}

static void fill(unsigned char *b, long off, long n)
{
	for (long i = 0; i < n; i++)
		b[i] = byte_at(off + i);
}

/* Reads the whole file with read() in chunks of each size in turn;
 * returns the hash, or 0 on a read error. */
static uint64_t hash_file(const char *path, const long *sizes, int nsizes, long *total)
{
	uint64_t h = KT_HASH_INIT;
	int fd = open(path, O_RDONLY);
	long n, k = 0;

	*total = 0;
	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizes[k++ % nsizes])) > 0) {
		h = kt_hash(h, buf, n);
		*total += n;
	}
	close(fd);
	return n < 0 ? 0 : h;
}

static void write_big(const char *path)
{
	static const long chunks[] = { 4093, 1, 8191, 12345, 777, 65536, 3, 40000 };
	uint64_t h = KT_HASH_INIT;
	long off = 0, k = 0;
	struct stat st;
	int fd, ok = 1;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	while (off < SIZE) {
		long n = chunks[k++ % 8];

		if (n > SIZE - off)
			n = SIZE - off;
		fill(buf, off, n);
		h = kt_hash(h, buf, n);
		ok &= write(fd, buf, n) == n;
		off += n;
	}
	kt_check(ok, "wrote 5 MiB in chunks of 4093, 1, 8191, 12345, 777, 65536, 3, 40000");
	fstat(fd, &st);
	printf("size %ld, hash %016llx\n", (long)st.st_size, (unsigned long long)h);
	kt_res("fsync", fsync(fd));
	close(fd);
}

static void read_big(const char *path)
{
	static const long sizes1[] = { BUFSZ };
	static const long sizes2[] = { 1000, 1, 4096, 5000, 511 };
	long total;
	uint64_t h;
	int fd, ok = 1;

	h = hash_file(path, sizes1, 1, &total);
	printf("read back in 64 KiB reads: %ld bytes, hash %016llx\n", total,
	       (unsigned long long)h);
	h = hash_file(path, sizes2, 5, &total);
	printf("read back in 1000, 1, 4096, 5000, 511: %ld bytes, hash %016llx\n", total,
	       (unsigned long long)h);

	/* pread at offsets spread over the file, across block boundaries. */
	fd = open(path, O_RDONLY);
	for (long off = 1; off < SIZE; off = off * 3 + 1017) {
		long n = 3000;

		if (pread(fd, buf, n, off) != (off + n <= SIZE ? n : SIZE - off))
			ok = 0;
		fill(buf2, off, n);
		if (off + n > SIZE)
			n = SIZE - off;
		ok &= !memcmp(buf, buf2, n);
	}
	kt_check(ok, "pread at scattered offsets matches");
	kt_res("pread at the end", pread(fd, buf, 100, SIZE));
	kt_res("pread over the end", pread(fd, buf, 100, SIZE - 10));
	close(fd);
}

/* Overwrite 3 regions with bytes of a shifted pattern, check each. */
static void overwrite(const char *path)
{
	static const long offs[] = { 1023, 4095 * 3, 3L << 20 };
	int fd = open(path, O_RDWR), ok = 1;
	long total;
	uint64_t h;

	for (int i = 0; i < 3; i++) {
		fill(buf, offs[i] + 7, 9000);
		ok &= pwrite(fd, buf, 9000, offs[i]) == 9000;
	}
	kt_res("fdatasync", fdatasync(fd));
	close(fd);
	fd = open(path, O_RDONLY);
	for (int i = 0; i < 3; i++) {
		fill(buf2, offs[i] + 7, 9000);
		ok &= pread(fd, buf, 9000, offs[i]) == 9000 && !memcmp(buf, buf2, 9000);
		fill(buf2, offs[i] + 9000, 100);
		ok &= pread(fd, buf, 100, offs[i] + 9000) == 100 && !memcmp(buf, buf2, 100);
	}
	close(fd);
	kt_check(ok, "overwrote 9000 bytes at 1023, 12285 and 3 MiB; they and their ends read back");
	h = hash_file(path, (const long[]){ 30000 }, 1, &total);
	printf("after the overwrites: %ld bytes, hash %016llx\n", total, (unsigned long long)h);
}

static void copy(const char *from, const char *to)
{
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long n, total, ok = 1;
	uint64_t h1, h2;

	while ((n = read(in, buf, 10007)) > 0)
		ok &= write(out, buf, n) == n;
	close(in);
	close(out);
	kt_check(ok && n == 0, "copied");
	h1 = hash_file(from, (const long[]){ BUFSZ }, 1, &total);
	h2 = hash_file(to, (const long[]){ BUFSZ }, 1, &total);
	kt_check(h1 == h2 && h1 != 0, "the copy has the same contents");
}

/* One block far out: the rest is holes. */
static void sparse(const char *path)
{
	const long off = 70L << 20;
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), ok = 1;

	fill(buf, off, 5000);
	kt_res("pwrite(5000 bytes at 70 MiB)", pwrite(fd, buf, 5000, off));
	fstat(fd, &st);
	printf("size %ld\n", (long)st.st_size);
	memset(buf, 1, BUFSZ);
	for (long p = 0; p < off; p += 7L << 20) {
		ok &= pread(fd, buf, 4096, p) == 4096;
		for (int i = 0; i < 4096; i++)
			ok &= buf[i] == 0;
	}
	kt_check(ok, "the holes read as zeroes");
	fill(buf2, off - 100, 5100);
	memset(buf2, 0, 100);
	kt_res("pread(5100 at 70 MiB - 100)", pread(fd, buf, 5100, off - 100));
	kt_check(!memcmp(buf, buf2, 5100), "end of the hole, then the data");
	close(fd);
}

int main(void)
{
	umask(022);
	if (kt_fresh_dir(D) || kt_fresh_dir(T))
		return 0;
	printf("== cwd\n");
	write_big(D "/big");
	read_big(D "/big");
	overwrite(D "/big");
	copy(D "/big", T "/copy");
	sparse(D "/sparse");
	printf("== /tmp\n");
	write_big(T "/big");
	read_big(T "/big");
	overwrite(T "/big");
	copy(T "/big", T "/copy2");
	sparse(T "/sparse");

	const char *junk[] = { D "/big", D "/sparse", T "/big", T "/copy", T "/copy2", T "/sparse" };
	for (unsigned i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		unlinkat(AT_FDCWD, junk[i], 0);
	kt_res("remove the test directories",
	       unlinkat(AT_FDCWD, D, AT_REMOVEDIR) | unlinkat(AT_FDCWD, T, AT_REMOVEDIR));
	kt_rmtree(D);
	kt_rmtree(T);
	return 0;
}
