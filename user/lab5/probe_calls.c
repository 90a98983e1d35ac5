/* probe_calls: calls that everyday programs try and fall back from,
 * answered as Linux answers them: copy_file_range (a real copy, with and
 * without offsets, and its errors), fallocate (space that exists, size
 * kept or not, zeroing, ENOSPC for more than the disk holds), close_range
 * (with CLOSE_RANGE_CLOEXEC), memfd_create (a file in memory, its flags
 * and seals), mlock and friends (accepted; their range errors), preadv2
 * and pwritev2. Files in ./kt-probe_calls and /tmp/kt-probe_calls; what
 * depends on the filesystem (st_blocks, copies across filesystems) is
 * printed as a relation both sides agree on. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>

#define KT_MFD_NOEXEC_SEAL 0x0008U     /* Linux 6.3; musl 1.2.3 lacks it */
#define KT_MFD_EXEC        0x0010U
#define KT_CLOSE_RANGE_UNSHARE (1U << 1)
#define KT_CLOSE_RANGE_CLOEXEC (1U << 2)
#ifndef FALLOC_FL_ZERO_RANGE           /* musl's fcntl.h has the first two only */
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE     0x10
#endif
#define RWF_HIPRI  0x01                 /* linux/fs.h */
#define RWF_DSYNC  0x02
#define RWF_APPEND 0x10

static const char *base;

#define P(name) kt_path(base, name)

static long cfr(int in, long long *off_in, int out, long long *off_out, size_t len, unsigned flags)
{
	return syscall(SYS_copy_file_range, in, off_in, out, off_out, len, flags);
}

static const char *contents(const char *name)
{
	static char buf[128];
	return kt_get(P(name), buf, sizeof(buf));
}

static void copy_file_range_tests(void)
{
	printf("copy_file_range\n");
	kt_put(P("src"), "0123456789abcdefghij");
	int in = open(P("src"), O_RDONLY), out = open(P("dst"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	kt_res("5 bytes, the files' offsets", cfr(in, NULL, out, NULL, 5, 0));
	kt_res("  src offset", lseek(in, 0, SEEK_CUR));
	kt_res("  dst offset", lseek(out, 0, SEEK_CUR));
	printf("  dst: %s\n", contents("dst"));
	long long oi = 10, oo = 2;
	kt_res("4 bytes from 10 to 2", cfr(in, &oi, out, &oo, 4, 0));
	printf("  offsets now %lld %lld, the files' %ld %ld\n", oi, oo, (long)lseek(in, 0, SEEK_CUR),
	       (long)lseek(out, 0, SEEK_CUR));
	printf("  dst: %s\n", contents("dst"));
	oi = 18;
	kt_res("100 bytes from 18: up to the end", cfr(in, &oi, out, NULL, 100, 0));
	kt_res("from the end", cfr(in, &oi, out, NULL, 100, 0));
	kt_res("len 0", cfr(in, NULL, out, NULL, 0, 0));
	printf("  dst: %s\n", contents("dst"));
	kt_res("flags 1", cfr(in, NULL, out, NULL, 1, 1));
	kt_res("bad in fd", cfr(99, NULL, out, NULL, 1, 0));
	kt_res("bad out fd", cfr(in, NULL, 99, NULL, 1, 0));
	int ro = open(P("dst"), O_RDONLY), app = open(P("dst"), O_WRONLY | O_APPEND);
	int wo = open(P("src"), O_WRONLY);
	kt_res("in is O_WRONLY", cfr(wo, NULL, out, NULL, 1, 0));
	close(wo);
	kt_res("out is O_RDONLY", cfr(in, NULL, ro, NULL, 1, 0));
	kt_res("out is O_APPEND", cfr(in, NULL, app, NULL, 1, 0));
	int dir = open(base, O_RDONLY | O_DIRECTORY);
	kt_res("in is a directory", cfr(dir, NULL, out, NULL, 1, 0));
	int p[2];
	if (pipe(p) == 0) {
		kt_res("out is a pipe", cfr(in, NULL, p[1], NULL, 1, 0));
		close(p[0]);
		close(p[1]);
	}
	oi = 0, oo = 2;
	int rw = open(P("src"), O_RDWR);
	kt_res("same file, overlapping", cfr(rw, &oi, rw, &oo, 4, 0));
	oi = 0, oo = 10;
	kt_res("same file, apart", cfr(rw, &oi, rw, &oo, 4, 0));
	printf("  src: %s\n", contents("src"));
	oi = -1;
	kt_res("offset -1: wraps with len 1", cfr(in, &oi, out, NULL, 1, 0));
	oi = -5;
	kt_res("offset -5", cfr(in, &oi, out, NULL, 1, 0));
	kt_res("bad offset pointer", cfr(in, (long long *)8, out, NULL, 1, 0));
	/* /tmp may or may not be another filesystem: Linux copies only within one. */
	struct stat a, b;
	int tmp = open("/tmp/kt-probe_calls-x", O_RDWR | O_CREAT | O_TRUNC, 0644);
	fstat(in, &a);
	fstat(tmp, &b);
	long r = cfr(in, NULL, tmp, NULL, 1, 0);
	kt_check(a.st_dev != b.st_dev ? r == -1 && errno == EXDEV : r == 1,
		 "to /tmp: EXDEV if it is another filesystem, else a copy");
	close(tmp);
	unlink("/tmp/kt-probe_calls-x");
	close(rw); close(dir); close(ro); close(app); close(in); close(out);
}

static long size_of(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? (long)st.st_size : -1;
}

static void fallocate_tests(int on_root)
{
	printf("fallocate\n");
	int fd = open(P("fa"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	kt_res("1 MiB", fallocate(fd, 0, 0, 1 << 20));
	kt_res("  size", size_of(fd));
	char buf[64];
	memset(buf, 'x', sizeof(buf));
	pread(fd, buf, sizeof(buf), 5000);
	kt_check(buf[0] == 0 && !memcmp(buf, buf + 1, sizeof(buf) - 1), "  reads zeroes");
	struct stat st;
	fstat(fd, &st);
	if (on_root)
		kt_check(st.st_blocks >= (1 << 20) / 512, "  st_blocks covers the range");
	pwrite(fd, "hello", 5, 0);
	kt_res("inside, over data", fallocate(fd, 0, 0, 8192));
	pread(fd, buf, 5, 0);
	printf("  data kept: %.5s\n", buf);
	kt_res("KEEP_SIZE past the end", fallocate(fd, FALLOC_FL_KEEP_SIZE, 1 << 20, 1 << 20));
	kt_res("  size", size_of(fd));
	kt_res("past the end: grows", fallocate(fd, 0, (1 << 20) + 100, 50));
	kt_res("  size", size_of(fd));
	if (on_root) {      /* Linux's tmpfs has no ZERO_RANGE */
		kt_res("ZERO_RANGE 0+2", fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 2));
		pread(fd, buf, 5, 0);
		printf("  data: %d %d %.3s\n", buf[0], buf[1], buf + 2);
		kt_res("ZERO_RANGE|KEEP_SIZE past the end", fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
								     2 << 20, 10));
		kt_res("  size", size_of(fd));
	}
	kt_res("PUNCH_HOLE|KEEP_SIZE 2+1", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 2, 1));
	pread(fd, buf, 5, 0);
	printf("  data: %d %.2s\n", buf[2], buf + 3);
	kt_res("PUNCH_HOLE without KEEP_SIZE", fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 1));
	kt_res("PUNCH_HOLE|ZERO_RANGE", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0, 1));
	kt_res("NO_HIDE_STALE", fallocate(fd, 4, 0, 1));
	kt_res("mode 0x100", fallocate(fd, 0x100, 0, 1));
	kt_res("COLLAPSE_RANGE|KEEP_SIZE", fallocate(fd, FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_KEEP_SIZE, 0, 4096));
	kt_res("len 0", fallocate(fd, 0, 0, 0));
	kt_res("len -1", fallocate(fd, 0, 0, -1));
	kt_res("offset -1", fallocate(fd, 0, -1, 1));
	kt_res("offset + len wraps", fallocate(fd, 0, 0x7fffffffffffff00LL, 0x1000));
	int ro = open(P("fa"), O_RDONLY);
	kt_res("O_RDONLY", fallocate(ro, 0, 0, 1));
	int p[2];
	if (pipe(p) == 0) {
		kt_res("a pipe", fallocate(p[1], 0, 0, 1));
		close(p[0]);
		close(p[1]);
	}
	int null = open("/dev/null", O_WRONLY);
	kt_res("/dev/null", fallocate(null, 0, 0, 1));
	kt_res("bad fd", fallocate(99, 0, 0, 1));
	kt_res("bad fd, len 0: EBADF first", fallocate(99, 0, 0, 0));
	close(null); close(ro); close(fd);
	unlink(P("fa"));
}

/* A tmpfs: /tmp in the guest, /dev/shm on a host whose /tmp is a disk. */
static const char *find_tmpfs(void)
{
	struct statfs s;
	if (statfs("/tmp", &s) == 0 && s.f_type == 0x01021994)
		return "/tmp";
	if (statfs("/dev/shm", &s) == 0 && s.f_type == 0x01021994)
		return "/dev/shm";
	return NULL;
}

/* More than the filesystem holds: ENOSPC up front, nothing allocated.
 * Only on a tmpfs: a disk filesystem (ext4) may fill the disk first. */
static void fallocate_enospc(void)
{
	printf("fallocate: ENOSPC on a tmpfs\n");
	const char *dir = find_tmpfs();
	if (!dir) {
		printf("no tmpfs\n");
		return;
	}
	char path[64];
	snprintf(path, sizeof(path), "%s/kt-probe_calls-big", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	kt_res("1.5 TiB", fallocate(fd, 0, 0, 3LL << 39));
	kt_res("  size", size_of(fd));
	kt_res("a write after it", pwrite(fd, "ok", 2, 10));
	kt_res("1 MiB after it", fallocate(fd, 0, 0, 1 << 20));
	close(fd);
	unlink(path);
}

static void show_fds(const char *what, int from, int to)
{
	printf("%s:", what);
	for (int fd = from; fd <= to; fd++) {
		int fl = fcntl(fd, F_GETFD);
		printf(" %d=%s", fd, fl < 0 ? "closed" : fl & FD_CLOEXEC ? "cloexec" : "open");
	}
	printf("\n");
}

static void close_range_tests(void)
{
	printf("close_range\n");
	for (int fd = 20; fd <= 27; fd++)
		dup2(1, fd);
	kt_res("close_range(21, 23, 0)", syscall(SYS_close_range, 21, 23, 0));
	show_fds("  fds", 20, 27);
	kt_res("close_range(25, 26, CLOEXEC)", syscall(SYS_close_range, 25, 26, KT_CLOSE_RANGE_CLOEXEC));
	show_fds("  fds", 20, 27);
	kt_res("close_range(24, 24, UNSHARE)", syscall(SYS_close_range, 24, 24, KT_CLOSE_RANGE_UNSHARE));
	kt_res("bad flags", syscall(SYS_close_range, 20, 30, 1));
	kt_res("first > last", syscall(SYS_close_range, 30, 20, 0));
	kt_res("far past the table", syscall(SYS_close_range, 5000, ~0U, 0));
	kt_res("close_range(20, ~0U, 0)", syscall(SYS_close_range, 20, ~0U, 0));
	show_fds("  fds", 20, 27);
}

static char big[8192];

static void memfd_tests(void)
{
	printf("memfd_create\n");
	int fd = memfd_create("kt-memfd", 0);
	kt_res("memfd_create(name, 0)", fd < 0 ? -1 : 0);
	struct stat st;
	fstat(fd, &st);
	printf("  mode %o, size %ld, regular %d\n", st.st_mode, (long)st.st_size, S_ISREG(st.st_mode));
	printf("  F_GETFL %#x, F_GETFD %d\n", fcntl(fd, F_GETFL), fcntl(fd, F_GETFD));
	kt_res("  write", write(fd, "hello memfd", 11));
	char buf[32] = { 0 };
	kt_res("  pread", pread(fd, buf, sizeof(buf) - 1, 0));
	printf("  read back: %s\n", buf);
	kt_res("  ftruncate(8192)", ftruncate(fd, 8192));
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m != MAP_FAILED) {
		memcpy(m + 4096, "mapped", 6);
		pread(fd, buf, 6, 4096);
		printf("  through a shared mapping: %.6s\n", buf);
		munmap(m, 8192);
	}
	if (kt_fork() == 0) {
		pwrite(fd, "child", 5, 0);
		exit(0);
	}
	wait(NULL);
	pread(fd, buf, 5, 0);
	printf("  the forked child's write: %.5s\n", buf);
	kt_res("  F_GET_SEALS (no MFD_ALLOW_SEALING)", fcntl(fd, F_GET_SEALS));
	kt_res("  F_ADD_SEALS", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	close(fd);

	fd = memfd_create("kt-sealed", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	printf("  MFD_CLOEXEC: F_GETFD %d\n", fcntl(fd, F_GETFD));
	kt_res("  F_GET_SEALS", fcntl(fd, F_GET_SEALS));
	kt_res("  F_ADD_SEALS bad bits", fcntl(fd, F_ADD_SEALS, 0x1000));
	kt_res("  F_ADD_SEALS GROW|SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK));
	kt_res("  F_GET_SEALS", fcntl(fd, F_GET_SEALS));
	kt_res("  F_ADD_SEALS SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
	kt_res("  F_ADD_SEALS WRITE after SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	kt_res("  F_GET_SEALS", fcntl(fd, F_GET_SEALS));
	close(fd);

	/* Each seal, enforced. */
	fd = memfd_create("kt-enforced", MFD_ALLOW_SEALING);
	kt_res("  write 8192 bytes", write(fd, memset(big, 'b', sizeof(big)), sizeof(big)));
	kt_res("  F_ADD_SEALS SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	kt_res("  ftruncate(4096): shrinks", ftruncate(fd, 4096));
	kt_res("  ftruncate(16384): grows", ftruncate(fd, 16384));
	kt_res("  F_ADD_SEALS GROW", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	kt_res("  ftruncate(20000)", ftruncate(fd, 20000));
	kt_res("  ftruncate(16384), the same size", ftruncate(fd, 16384));
	kt_res("  pwrite inside", pwrite(fd, "in", 2, 100));
	kt_res("  pwrite across the end", pwrite(fd, "out", 3, 16383));
	kt_res("  fallocate past the end", fallocate(fd, 0, 0, 20000));
	kt_res("  fallocate inside", fallocate(fd, 0, 0, 8192));
	char *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	kt_res("  mmap shared writable, before F_SEAL_WRITE", w == MAP_FAILED ? -1 : 0);
	if (w != MAP_FAILED)
		munmap(w, 4096);
	kt_res("  F_ADD_SEALS WRITE", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	kt_res("  write", write(fd, "x", 1));
	kt_res("  pwrite inside", pwrite(fd, "in", 2, 100));
	w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	kt_res("  mmap shared writable", w == MAP_FAILED ? -1 : 0);
	w = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	kt_res("  mmap shared read-only", w == MAP_FAILED ? -1 : 0);
	if (w != MAP_FAILED)
		printf("  reads %.2s\n", w + 100);
	w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	kt_res("  mmap private writable", w == MAP_FAILED ? -1 : 0);
	kt_res("  pread", pread(fd, buf, 4, 100));
	close(fd);

	fd = memfd_create("kt-noexec", KT_MFD_NOEXEC_SEAL);
	fstat(fd, &st);
	printf("  MFD_NOEXEC_SEAL: mode %o\n", st.st_mode);
	kt_res("  F_GET_SEALS", fcntl(fd, F_GET_SEALS));
	close(fd);

	kt_put(P("plain"), "x");
	int plain = open(P("plain"), O_RDWR);
	kt_res("F_GET_SEALS on a plain file", fcntl(plain, F_GET_SEALS));
	kt_res("F_ADD_SEALS on a plain file", fcntl(plain, F_ADD_SEALS, F_SEAL_SEAL));
	close(plain);
	kt_res("memfd_create, bad flags", memfd_create("x", 0x100));
	kt_res("memfd_create, EXEC|NOEXEC_SEAL", memfd_create("x", KT_MFD_EXEC | KT_MFD_NOEXEC_SEAL));
	kt_res("memfd_create, NULL name", memfd_create(NULL, 0));
	char name[300];
	memset(name, 'n', sizeof(name));
	name[250] = 0;
	kt_res("memfd_create, a 250-byte name", memfd_create(name, 0));
	name[249] = 0;
	fd = memfd_create(name, 0);
	kt_res("memfd_create, a 249-byte name", fd < 0 ? -1 : 0);
	close(fd);
}

static void mlock_tests(void)
{
	printf("mlock\n");
	char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	kt_res("mlock(3 pages)", mlock(m, 3 * 4096));
	kt_res("mlock(unaligned)", mlock(m + 1, 10));
	kt_res("munlock(3 pages)", munlock(m, 3 * 4096));
	kt_res("mlock(len 0)", mlock(m, 0));
	kt_res("mlock2(0)", syscall(SYS_mlock2, m, 4096, 0));
	kt_res("mlock2(MLOCK_ONFAULT)", syscall(SYS_mlock2, m, 4096, MLOCK_ONFAULT));
	kt_res("mlock2(bad flags)", syscall(SYS_mlock2, m, 4096, 2));
	kt_res("mlock, a wrapping length", mlock(m, -8192UL));
	munmap(m + 4096, 4096);
	kt_res("mlock over a hole", mlock(m, 3 * 4096));
	kt_res("munlock over a hole", munlock(m, 3 * 4096));
	kt_res("mlock(first page)", mlock(m, 4096));
	kt_res("mlock, nothing mapped", mlock((void *)0x10000, 4096));
	kt_res("mlockall(0)", mlockall(0));
	kt_res("mlockall(MCL_ONFAULT)", mlockall(MCL_ONFAULT));
	kt_res("mlockall(8)", mlockall(8));
	kt_res("mlockall(MCL_CURRENT)", mlockall(MCL_CURRENT));
	kt_res("munlockall", munlockall());
	kt_res("mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT)", mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT));
	kt_res("munlockall", munlockall());
	munmap(m, 3 * 4096);
}

static void rwv2_tests(void)
{
	printf("preadv2, pwritev2\n");
	int fd = open(P("v2"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	struct iovec iov = { .iov_base = "abcdef", .iov_len = 6 };
	kt_res("pwritev2 at -1 (the file's offset)", syscall(SYS_pwritev2, fd, &iov, 1, -1L, 0L, 0));
	kt_res("  offset", lseek(fd, 0, SEEK_CUR));
	iov.iov_base = "XY";
	iov.iov_len = 2;
	kt_res("pwritev2 at 1, RWF_DSYNC", syscall(SYS_pwritev2, fd, &iov, 1, 1L, 0L, RWF_DSYNC));
	kt_res("pwritev2 RWF_APPEND at 0", syscall(SYS_pwritev2, fd, &iov, 1, 0L, 0L, RWF_APPEND));
	kt_res("  offset", lseek(fd, 0, SEEK_CUR));
	char buf[16] = { 0 };
	struct iovec rd = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
	kt_res("preadv2 at 0, RWF_HIPRI", syscall(SYS_preadv2, fd, &rd, 1, 0L, 0L, RWF_HIPRI));
	printf("  %s\n", buf);
	kt_res("preadv2, flags 0x10000", syscall(SYS_preadv2, fd, &rd, 1, 0L, 0L, 0x10000));
	kt_res("preadv2, bad fd", syscall(SYS_preadv2, 99, &rd, 1, 0L, 0L, 0));
	close(fd);
}

static void sync_tests(void)
{
	printf("syncfs, sync_file_range, readahead\n");
	int fd = open(P("s"), O_RDWR | O_CREAT | O_TRUNC, 0644), p[2];
	write(fd, "data", 4);
	int dir = open(base, O_RDONLY | O_DIRECTORY), wo = open(P("s"), O_WRONLY);
	if (pipe(p) < 0)
		return;
	kt_res("syncfs", syscall(SYS_syncfs, fd));
	kt_res("syncfs, bad fd", syscall(SYS_syncfs, 99));
	kt_res("sync_file_range WRITE", sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
	kt_res("sync_file_range all three", sync_file_range(fd, 0, 4, 7));
	kt_res("sync_file_range bad flags", sync_file_range(fd, 0, 0, 8));
	kt_res("sync_file_range offset -1", sync_file_range(fd, -1, 0, 0));
	kt_res("sync_file_range wraps", sync_file_range(fd, 0x7fffffffffffff00LL, 0x1000, 0));
	kt_res("sync_file_range on a pipe", sync_file_range(p[0], 0, 0, 0));
	kt_res("sync_file_range on a directory", sync_file_range(dir, 0, 0, 0));
	kt_res("sync_file_range bad fd", sync_file_range(99, 0, 0, 8));
	kt_res("readahead", readahead(fd, 0, 4096));
	kt_res("readahead O_WRONLY", readahead(wo, 0, 4096));
	kt_res("readahead on a pipe", readahead(p[0], 0, 4096));
	kt_res("readahead on a directory", readahead(dir, 0, 4096));
	kt_res("readahead bad fd", readahead(99, 0, 4096));
	close(p[0]); close(p[1]); close(dir); close(wo); close(fd);
}

static void run(const char *dir)
{
	base = dir;
	printf("in %s\n", dir[0] == '/' ? "/tmp" : "the root fs");
	if (kt_fresh_dir(base) < 0)
		return;
	copy_file_range_tests();
	fallocate_tests(dir[0] != '/');
	rwv2_tests();
	sync_tests();
	if (dir[0] != '/') {
		fallocate_enospc();
		close_range_tests();
		memfd_tests();
		mlock_tests();
	}
	kt_rmtree(base);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	run("kt-probe_calls");
	run("/tmp/kt-probe_calls");
	return kt_status();
}
