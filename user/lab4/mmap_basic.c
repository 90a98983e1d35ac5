/* mmap_basic: mmap and munmap, anonymous and of files, private and shared.
 *
 * Covers demand-zero anonymous memory, hints and MAP_FIXED (replacing)
 * and MAP_FIXED_NOREPLACE, partial munmap (a hole in the middle), file
 * mappings that see the file (and a shared one that write() and read()
 * see), private file pages copied on write, shared and private memory
 * across fork, /dev/zero, mprotect on a mapping, mremap (shrink, grow in
 * place, move), madvise (MADV_DONTNEED), and the errors.
 * Accesses that must fault are made in a child, which reports its end.
 * Works in ./kt-mmap. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>

#define DIR "kt-mmap"
#define PG 4096

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

/* Raw calls: musl's wrappers check some arguments themselves. */
static void *map(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	return r == -1 ? MAP_FAILED : (void *)r;       /* syscall() set errno */
}

static void expect_map_err(const char *what, void *addr, size_t len, int prot, int flags, int fd, off_t off,
			   int want)
{
	void *p = map(addr, len, prot, flags, fd, off);
	kt_expect_err(what, p == MAP_FAILED ? -1 : 0, want);
	if (p != MAP_FAILED)
		munmap(p, len);
}

static volatile char *touch_at;
static int touch_write;

/* Reads (or writes) touch_at in a child: "ok" or the signal that ended it. */
static void try_access(const char *what)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		if (touch_write)
			*touch_at = 1;
		else
			(void)*touch_at;
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", what, WTERMSIG(status));
	else
		printf("%s: ok\n", what);
}

static void access_check(const char *what, void *p, int write)
{
	touch_at = p;
	touch_write = write;
	try_access(what);
}

static int all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void test_anonymous(void)
{
	char *p = map(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!kt_check(p != MAP_FAILED, "anonymous mapping of 4 pages"))
		return;
	kt_check(((uintptr_t)p & (PG - 1)) == 0, "page-aligned");
	kt_check(all_zero(p, 4 * PG), "zero-filled");
	memset(p, 'a', 4 * PG);
	kt_check(p[4 * PG - 1] == 'a', "written and read back");
	kt_check(munmap(p + PG, PG) == 0, "munmap of the second page");
	access_check("reading the hole", p + PG, 0);
	access_check("reading the page before it", p, 0);
	access_check("reading the page after it", p + 2 * PG, 0);
	kt_check(p[3 * PG] == 'a', "the rest keeps its data");

	/* MAP_FIXED into the hole, then over a mapped page. */
	char *q = map(p + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	kt_check(q == p + PG, "MAP_FIXED fills the hole");
	q = map(p + 2 * PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	kt_check(q == p + 2 * PG && all_zero(q, PG), "MAP_FIXED over a page replaces it (zeroes)");
	kt_check(p[3 * PG] == 'a' && p[0] == 'a', "its neighbours are untouched");
	q = map(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	kt_expect_err("MAP_FIXED_NOREPLACE over a mapping", q == MAP_FAILED ? -1 : 0, EEXIST);
	kt_check(munmap(p, 4 * PG) == 0, "munmap of the whole range");
	access_check("reading after munmap", p, 0);
	kt_check(munmap(p, 4 * PG) == 0, "munmap of nothing is fine");

	/* A hint that is free is honoured. */
	void *hint = (void *)0x200000000000;
	q = map(hint, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	kt_check(q == hint, "a free hint is where the mapping goes");
	char *r = map(hint, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	kt_check(r != MAP_FAILED && r != hint, "a taken hint is not");
	munmap(q, 2 * PG);
	munmap(r, PG);

	/* 16 MiB, touched sparsely: pages come on demand. */
	char *big = map(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (kt_check(big != MAP_FAILED, "16 MiB")) {
		for (size_t off = 0; off < (16 << 20); off += 1 << 20)
			big[off] = 1;
		kt_check(big[15 << 20] == 1 && big[(15 << 20) + 1] == 0, "touched sparsely");
		munmap(big, 16 << 20);
	}
}

static void test_protection(void)
{
	char *p = map(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 'x';
	kt_check(mprotect(p, PG, PROT_READ) == 0, "mprotect the first page read-only");
	access_check("reading it", p, 0);
	access_check("writing it", p, 1);
	access_check("writing the second page", p + PG, 1);
	char *ro = map(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	access_check("writing a PROT_READ mapping", ro, 1);
	char *none = map(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	access_check("reading a PROT_NONE mapping", none, 0);
	munmap(p, 2 * PG);
	munmap(ro, PG);
	munmap(none, PG);
}

static void test_files(void)
{
	int fd = open(DIR "/data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[3 * PG];
	for (int i = 0; i < 3 * PG; i++)
		buf[i] = 'A' + i % 26;
	write(fd, buf, sizeof(buf));

	char *p = map(NULL, 3 * PG, PROT_READ, MAP_SHARED, fd, 0);
	if (!kt_check(p != MAP_FAILED, "shared read-only file mapping"))
		return;
	kt_check(memcmp(p, buf, sizeof(buf)) == 0, "it shows the file");
	pwrite(fd, "written", 7, PG + 10);
	kt_check(memcmp(p + PG + 10, "written", 7) == 0, "a write() shows through it");
	munmap(p, 3 * PG);

	p = map(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PG);
	kt_check(p != MAP_FAILED && p[10] == 'w', "a shared mapping at offset 4096");
	memcpy(p + 100, "through the mapping", 19);
	char back[20] = { 0 };
	pread(fd, back, 19, PG + 100);
	kt_check(strcmp(back, "through the mapping") == 0, "read() sees what the mapping wrote");
	kt_check(msync(p, PG, MS_SYNC) == 0, "msync MS_SYNC");
	kt_expect_err("msync MS_SYNC|MS_ASYNC", msync(p, PG, MS_SYNC | MS_ASYNC), EINVAL);
	kt_expect_err("msync of an unaligned address", msync(p + 1, PG, MS_SYNC), EINVAL);
	munmap(p, PG);

	p = map(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	kt_check(p != MAP_FAILED && p[0] == 'A', "a private file mapping");
	p[0] = 'z';
	char c;
	pread(fd, &c, 1, 0);
	kt_check(c == 'A', "its writes stay private");
	pwrite(fd, "Q", 1, PG);
	kt_check(p[0] == 'z', "its copied page keeps the private write");
	munmap(p, 2 * PG);

	/* Read-only and private, then made writable: the write must not
	 * reach the page cache (the file). */
	p = map(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	char first = p[0];
	kt_check(mprotect(p, PG, PROT_READ | PROT_WRITE) == 0, "mprotect a private file page writable");
	p[0] = first + 1;
	pread(fd, &c, 1, 0);
	kt_check(c == first && p[0] == first + 1, "the write stays private after mprotect");
	munmap(p, PG);

	/* A short file: the last page's tail reads as zeroes. */
	int small = open(DIR "/small", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(small, "short", 5);
	p = map(NULL, PG, PROT_READ, MAP_PRIVATE, small, 0);
	kt_check(p != MAP_FAILED && memcmp(p, "short", 5) == 0 && all_zero(p + 5, PG - 5),
		 "a 5-byte file: its page past the end is zeroes");
	munmap(p, PG);

	/* The mapping holds the file: closing the fd changes nothing. */
	p = map(NULL, PG, PROT_READ, MAP_SHARED, small, 0);
	close(small);
	unlink(DIR "/small");
	kt_check(p != MAP_FAILED && memcmp(p, "short", 5) == 0, "still readable after close and unlink");
	munmap(p, PG);
	close(fd);
}

static void test_fork(void)
{
	int *shared = map(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *private = map(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int zfd = open("/dev/zero", O_RDWR);
	int *zero = map(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, zfd, 0);
	close(zfd);
	*shared = 1;
	*private = 1;
	*zero = 1;
	pid_t pid = kt_fork();
	if (pid == 0) {
		*shared = 2;
		*private = 2;
		*zero = 2;
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	/* A private page that is read-only at fork, made writable in the
	 * child: the parent must keep its own bytes. */
	kt_check(mprotect(private, PG, PROT_READ) == 0, "the private page made read-only");
	pid = kt_fork();
	if (pid == 0) {
		mprotect(private, PG, PROT_READ | PROT_WRITE);
		*private = 3;
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	kt_check_eq("read-only at fork, written by the child after mprotect: not seen", *private, 1);
	kt_check_eq("MAP_SHARED anonymous: the child's write is seen", *shared, 2);
	kt_check_eq("MAP_PRIVATE anonymous: it is not", *private, 1);
	kt_check_eq("MAP_SHARED of /dev/zero: seen", *zero, 2);
}

static void test_mremap(void)
{
	char *p = map(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 4; i++)
		p[i * PG] = 'a' + i;
	char *q = mremap(p, 4 * PG, 2 * PG, 0);
	kt_check(q == p && p[PG] == 'b', "mremap shrinks in place");
	access_check("reading what was cut off", p + 2 * PG, 0);
	/* Room after it (the two pages just freed): grows in place. */
	q = mremap(p, 2 * PG, 3 * PG, 0);
	kt_check(q == p && p[PG] == 'b' && p[2 * PG] == 0, "mremap grows in place into free pages");
	/* Blocked by a mapping right after it: moves only with MREMAP_MAYMOVE. */
	char *wall = map(p + 3 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	kt_check(wall == p + 3 * PG, "a mapping right after it");
	kt_expect_err("growing into it without MREMAP_MAYMOVE", mremap(p, 3 * PG, 8 * PG, 0) == MAP_FAILED ? -1 : 0,
		      ENOMEM);
	q = mremap(p, 3 * PG, 8 * PG, MREMAP_MAYMOVE);
	kt_check(q != MAP_FAILED && q != p && q[0] == 'a' && q[PG] == 'b' && q[7 * PG] == 0,
		 "with MREMAP_MAYMOVE it moves, data and all");
	access_check("reading the old address", p, 0);
	kt_expect_err("mremap of an unmapped address", mremap(p, PG, 2 * PG, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0,
		      EFAULT);
	kt_expect_err("mremap to size 0", mremap(q, PG, 0, 0) == MAP_FAILED ? -1 : 0, EINVAL);
	kt_expect_err("MREMAP_FIXED without MREMAP_MAYMOVE", mremap(q, PG, PG, MREMAP_FIXED, p) == MAP_FAILED ? -1 : 0,
		      EINVAL);
	munmap(q, 8 * PG);
	munmap(wall, PG);
}

static void test_madvise(void)
{
	char *p = map(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 'm', 2 * PG);
	kt_check(madvise(p, PG, MADV_DONTNEED) == 0, "MADV_DONTNEED on private anonymous memory");
	kt_check(p[0] == 0 && p[PG] == 'm', "its page reads as zeroes again, the next is kept");
	kt_check(madvise(p, 2 * PG, MADV_WILLNEED) == 0 && madvise(p, 2 * PG, MADV_SEQUENTIAL) == 0,
		 "hints are accepted");
	kt_expect_err("unknown advice", madvise(p, PG, 12345), EINVAL);
	kt_expect_err("an unaligned address", madvise(p + 1, PG, MADV_NORMAL), EINVAL);
	munmap(p, 2 * PG);
	kt_expect_err("an unmapped range", madvise(p, PG, MADV_NORMAL), ENOMEM);

	int fd = open(DIR "/data", O_RDONLY);
	char *f = map(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char orig = f[0];
	f[0] = orig + 1;
	kt_check(madvise(f, PG, MADV_DONTNEED) == 0 && f[0] == orig,
		 "MADV_DONTNEED on a private file page: the file's byte is back");
	munmap(f, PG);
	close(fd);
}

static void test_errors(void)
{
	int fd = open(DIR "/data", O_RDONLY);
	int wfd = open(DIR "/data", O_WRONLY);
	int afd = open(DIR "/data", O_RDWR | O_APPEND);
	int dfd = open(DIR, O_RDONLY);
	int pipefd[2];
	pipe(pipefd);
	int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	expect_map_err("length 0", NULL, 0, PROT_READ, anon, -1, 0, EINVAL);
	expect_map_err("neither shared nor private", NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0, EINVAL);
	expect_map_err("an unaligned offset", NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100, EINVAL);
	expect_map_err("an unaligned MAP_FIXED address", (void *)0x200000000100, PG, PROT_READ,
		       anon | MAP_FIXED, -1, 0, EINVAL);
	expect_map_err("a bad fd", NULL, PG, PROT_READ, MAP_PRIVATE, 99, 0, EBADF);
	expect_map_err("a write-only fd", NULL, PG, PROT_READ, MAP_PRIVATE, wfd, 0, EACCES);
	expect_map_err("shared and writable on a read-only fd", NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0, EACCES);
	kt_check(map(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) != MAP_FAILED,
		 "private and writable on a read-only fd is fine");
	/* O_APPEND does not stop a shared writable mapping (only the inode's
	 * append-only attribute would). */
	void *ap = map(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, afd, 0);
	kt_check(ap != MAP_FAILED, "shared and writable with O_APPEND is fine");
	expect_map_err("a pipe", NULL, PG, PROT_READ, MAP_PRIVATE, pipefd[0], 0, ENODEV);
	expect_map_err("MAP_SHARED_VALIDATE of a file, an unknown flag", NULL, PG, PROT_READ,
		       MAP_SHARED_VALIDATE | 0x400000, fd, 0, EOPNOTSUPP);
	expect_map_err("MAP_SHARED_VALIDATE of anonymous memory", NULL, PG, PROT_READ,
		       MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0, EINVAL);
	expect_map_err("too long", NULL, (size_t)1 << 62, PROT_READ, anon, -1, 0, ENOMEM);
	kt_expect_err("munmap of an unaligned address", munmap((void *)0x200000000100, PG), EINVAL);
	kt_expect_err("munmap of length 0", munmap((void *)0x200000000000, 0), EINVAL);
	kt_expect_err("msync of an unmapped range", msync((void *)0x300000000000, PG, MS_SYNC), ENOMEM);
	close(fd);
	close(wfd);
	close(afd);
	close(dfd);
	close(pipefd[0]);
	close(pipefd[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	kt_rmtree(DIR);
	mkdir(DIR, 0755);
	test_anonymous();
	test_protection();
	test_files();
	test_fork();
	test_mremap();
	test_madvise();
	test_errors();
	kt_rmtree(DIR);
	return kt_status();
}
