/* bad_input: system calls given arguments no sane program passes, and
 * memory touched where there is nothing behind it; each answer (errno,
 * short count, signal) must be Linux's.
 *
 * - NULL and bad pointers to getrlimit, setrlimit and prlimit64;
 * - buffers that run off the end of their mapping: a pipe write keeps
 *   nothing of the page it faulted in, getrandom returns what it got;
 * - counts and offsets that cannot be right: read/write with a count no
 *   buffer can have (EFAULT: Linux checks the range first), iovecs with
 *   a negative or impossible length, pread and sendfile where offset plus
 *   count overflows (EINVAL);
 * - mremap growing where it cannot, without MREMAP_MAYMOVE (ENOMEM);
 * - a file mapping touched past the end of its file, also after the file
 *   was truncated under it: SIGBUS, not SIGSEGV;
 * - sgdt and sidt in user mode must not show where the kernel's tables
 *   are: with UMIP they fault (Kestrel) or give Linux's dummy values (on
 *   a CPU without UMIP this line says the same on both sides).
 * Works in ./kt-bad_input. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>

#define BAD	((void *)1)
#define PAGE	4096L
#define DIR	"kt-bad_input"
#define FILE_F	DIR "/f"

static void rlimits(void)
{
	struct rlimit rl;

	kt_res("getrlimit(NOFILE, NULL)", syscall(SYS_getrlimit, RLIMIT_NOFILE, NULL));
	kt_res("getrlimit(NOFILE, (void *)1)", syscall(SYS_getrlimit, RLIMIT_NOFILE, BAD));
	kt_res("getrlimit(99, NULL)", syscall(SYS_getrlimit, 99, NULL));
	kt_res("setrlimit(NOFILE, NULL)", syscall(SYS_setrlimit, RLIMIT_NOFILE, NULL));
	kt_res("setrlimit(99, NULL)", syscall(SYS_setrlimit, 99, NULL));
	kt_res("prlimit64(0, NOFILE, NULL, NULL)", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, NULL));
	kt_res("prlimit64(0, NOFILE, (void *)1, NULL)", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, BAD, NULL));
	kt_res("prlimit64(0, NOFILE, NULL, (void *)1)", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, BAD));
	kt_res("getrlimit(NOFILE, &rl)", syscall(SYS_getrlimit, RLIMIT_NOFILE, &rl));
}

/* Three pages, the last unmapped: returns the end of the second. */
static char *mapping_end(void)
{
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	memset(m, 'x', 2 * PAGE);
	munmap(m + 2 * PAGE, PAGE);
	return m + 2 * PAGE;
}

/* What a non-blocking read finds in the pipe. */
static long drain(int fd)
{
	static char buf[4 * PAGE];
	long n, total = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	return total;
}

static void short_buffers(char *end)
{
	int p[2];

	if (pipe2(p, O_NONBLOCK)) {
		printf("pipe2: -1 %s\n", kt_errname(errno));
		return;
	}
	kt_res("write(pipe, 100 bytes then unmapped, 200)", write(p[1], end - 100, 200));
	kt_res("then the pipe holds", drain(p[0]));
	kt_res("write(pipe, 5000 bytes then unmapped, 6000)", write(p[1], end - 5000, 6000));
	kt_res("then the pipe holds", drain(p[0]));
	kt_res("write(pipe, 10 bytes, 10)", write(p[1], end - 10, 10));
	kt_res("write(pipe, 100 bytes then unmapped, 200) after 10", write(p[1], end - 100, 200));
	kt_res("write(pipe, 5000 bytes then unmapped, 6000) after 10", write(p[1], end - 5000, 6000));
	kt_res("then the pipe holds", drain(p[0]));
	kt_res("write(pipe, 4000 bytes, 4000)", write(p[1], end - 4000, 4000));
	kt_res("write(pipe, 5000 bytes then unmapped, 6000) after 4000", write(p[1], end - 5000, 6000));
	kt_res("then the pipe holds", drain(p[0]));
	close(p[0]);
	close(p[1]);
	kt_res("getrandom(100 bytes then unmapped, 200)", syscall(SYS_getrandom, end - 100, 200, 0));
	kt_res("getrandom(5000 bytes then unmapped, 6000)", syscall(SYS_getrandom, end - 5000, 6000, 0));
	kt_res("getrandom(unmapped, 10)", syscall(SYS_getrandom, end, 10, 0));
}

static void huge_counts(void)
{
	struct iovec iov[2];
	char buf[16];
	int fd = open(FILE_F, O_RDWR), p[2];
	int64_t off;

	kt_res("read(f, buf, SIZE_MAX)", syscall(SYS_read, fd, buf, SIZE_MAX));
	kt_res("read(f, buf, SSIZE_MAX + 1)", syscall(SYS_read, fd, buf, (size_t)INT64_MAX + 1));
	kt_res("write(f, buf, SIZE_MAX)", syscall(SYS_write, fd, buf, SIZE_MAX));
	kt_res("pread64(f, buf, SIZE_MAX, 0)", syscall(SYS_pread64, fd, buf, SIZE_MAX, 0));
	kt_res("pread64(f, buf, 16, INT64_MAX - 8)", syscall(SYS_pread64, fd, buf, 16, INT64_MAX - 8));
	kt_res("pwrite64(f, buf, 16, INT64_MAX - 8)", syscall(SYS_pwrite64, fd, buf, 16, INT64_MAX - 8));
	kt_res("offset unchanged", lseek(fd, 0, SEEK_CUR));
	iov[0] = (struct iovec){ buf, 1L << 62 };
	iov[1] = (struct iovec){ buf, 1L << 62 };
	kt_res("writev(f, two of 2^62 bytes)", syscall(SYS_writev, fd, iov, 2));
	kt_res("readv(f, two of 2^62 bytes)", syscall(SYS_readv, fd, iov, 2));
	iov[0] = (struct iovec){ buf, 1 };
	iov[1] = (struct iovec){ buf, SIZE_MAX };
	kt_res("writev(f, 1 and SIZE_MAX bytes)", syscall(SYS_writev, fd, iov, 2));
	iov[0] = (struct iovec){ buf, 1L << 62 };
	kt_res("writev(f, 2^62 and SIZE_MAX bytes)", syscall(SYS_writev, fd, iov, 2));
	iov[0] = (struct iovec){ buf, (size_t)INT64_MAX };
	iov[1] = (struct iovec){ buf, 2 };
	kt_res("writev(f, SSIZE_MAX and 2 bytes)", syscall(SYS_writev, fd, iov, 2));
	kt_res("size unchanged", lseek(fd, 0, SEEK_END));

	lseek(fd, 0, SEEK_SET);
	if (pipe2(p, O_NONBLOCK) == 0) {
		kt_res("read(pipe, buf, SIZE_MAX)", syscall(SYS_read, p[0], buf, SIZE_MAX));
		kt_res("pread64(pipe, buf, 16, INT64_MAX - 8)", syscall(SYS_pread64, p[0], buf, 16, INT64_MAX - 8));
		off = INT64_MAX - 8;
		kt_res("sendfile(pipe, f, INT64_MAX - 8, 16)", syscall(SYS_sendfile, p[1], fd, &off, 16));
		kt_res("offset still", off == INT64_MAX - 8);
		off = 0;
		kt_res("sendfile(pipe, f, 0, SIZE_MAX)", syscall(SYS_sendfile, p[1], fd, &off, SIZE_MAX));
		kt_res("sendfile(pipe, f, NULL, SIZE_MAX)", syscall(SYS_sendfile, p[1], fd, NULL, SIZE_MAX));
		off = -1;
		kt_res("sendfile(pipe, f, -1, 16)", syscall(SYS_sendfile, p[1], fd, &off, 16));
		off = 0;
		kt_res("sendfile(pipe, f, 0, 16)", syscall(SYS_sendfile, p[1], fd, &off, 16));
		kt_res("then the pipe holds", drain(p[0]));
		close(p[0]);
		close(p[1]);
	}
	close(fd);
}

/* High in the address space, where neither side puts anything. */
#define HIGH ((char *)0x7e0000000000UL)

static void mremaps(void)
{
	char *a = mmap(HIGH, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	char *b = mmap(HIGH + 2 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (a != HIGH || b != HIGH + 2 * PAGE) {
		printf("mmap at 0x7e0000000000: failed\n");
		return;
	}
	kt_res("mremap(a, 2 pages, 3 pages, 0) into the next mapping",
	       syscall(SYS_mremap, a, 2 * PAGE, 3 * PAGE, 0) == -1 ? -1 : 0);
	kt_res("mremap(a, 1 page, 2 pages, 0) inside its mapping",
	       syscall(SYS_mremap, a, PAGE, 2 * PAGE, 0) == -1 ? -1 : 0);
	munmap(b, PAGE);
	kt_res("mremap(a, 2 pages, 4 TiB, 0) past the top",
	       syscall(SYS_mremap, a, 2 * PAGE, 1L << 42, 0) == -1 ? -1 : 0);
	kt_res("mremap(a, 2 pages, 64 TiB, 0) past the top",
	       syscall(SYS_mremap, a, 2 * PAGE, 1L << 46, 0) == -1 ? -1 : 0);
	kt_res("mremap(a, 2 pages, 2^50, 0) more than the address space",
	       syscall(SYS_mremap, a, 2 * PAGE, 1L << 50, 0) == -1 ? -1 : 0);
	kt_res("mremap(a, 2 pages, 2^50, MREMAP_MAYMOVE)",
	       syscall(SYS_mremap, a, 2 * PAGE, 1L << 50, MREMAP_MAYMOVE) == -1 ? -1 : 0);
	kt_res("mremap(a, 2 pages, 3 pages, 0) into free space",
	       syscall(SYS_mremap, a, 2 * PAGE, 3 * PAGE, 0) == (long)a ? 0 : -1);
	munmap(a, 3 * PAGE);
}

/* Reads *p in a child: prints the byte, or the signal that ended it. */
static void touch(const char *what, volatile char *p)
{
	int status;
	pid_t pid = kt_fork();

	if (pid == 0)
		_exit(*p);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		printf("%s: killed by %s\n", what, WTERMSIG(status) == SIGBUS ? "SIGBUS" :
		       WTERMSIG(status) == SIGSEGV ? "SIGSEGV" : "another signal");
	else
		printf("%s: reads %d\n", what, WEXITSTATUS(status));
}

static void past_eof(void)
{
	int fd = open(FILE_F, O_RDWR);
	char *s, *p;

	ftruncate(fd, 100);
	s = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (s == MAP_FAILED || p == MAP_FAILED) {
		printf("mmap f: failed\n");
		return;
	}
	touch("shared, byte 0", s);
	touch("shared, byte 200 (past EOF, same page)", s + 200);
	touch("shared, byte 4096 (a page past EOF)", s + PAGE);
	touch("private, byte 4096 (a page past EOF)", p + PAGE);
	touch("private, byte 8191 (a page past EOF)", p + 2 * PAGE - 1);

	/* Three pages of file, all touched, then cut to 100 bytes. */
	ftruncate(fd, 3 * PAGE);
	s[PAGE] = 1;
	s[2 * PAGE] = 2;
	p[2 * PAGE] = 3;        /* a private copy: truncate takes it too */
	touch("shared, byte 4096 with the file at 3 pages", s + PAGE);
	ftruncate(fd, 100);
	touch("after truncate to 100: shared, byte 4096", s + PAGE);
	touch("after truncate to 100: shared, byte 8192", s + 2 * PAGE);
	touch("after truncate to 100: private (copied), byte 8192", p + 2 * PAGE);
	touch("after truncate to 100: shared, byte 200", s + 200);
	ftruncate(fd, 3 * PAGE);
	touch("grown again: shared, byte 4096", s + PAGE);
	munmap(s, 3 * PAGE);
	munmap(p, 3 * PAGE);
	close(fd);
}

/* CPUID.(EAX=7,ECX=0):ECX bit 2. */
static int cpu_has_umip(void)
{
	unsigned a = 0, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
	if (a < 7)
		return 0;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
	return (c >> 2) & 1;
}

/* The base sgdt or sidt stores, or faults at: a kernel address is a leak,
 * unless it is one of the dummies Linux's UMIP emulation gives. Without
 * UMIP in the CPU neither kernel can hide it: the same line then. */
static void descriptor_table(const char *what, int idt)
{
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } t = { 0, 0 };
	int status;
	pid_t pid = kt_fork();

	if (pid == 0) {
		if (idt)
			__asm__ volatile("sidt %0" : "=m"(t));
		else
			__asm__ volatile("sgdt %0" : "=m"(t));
		_exit(t.base < (1UL << 63) || t.base == 0xfffffffffffe0000UL ||
		      t.base == 0xffffffffffff0000UL ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	printf("%s in user mode: %s\n", what,
	       !cpu_has_umip() ? "hidden (or no UMIP in this CPU)" :
	       WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV ? "hidden (or no UMIP in this CPU)" :
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "hidden (or no UMIP in this CPU)" :
	       WIFEXITED(status) ? "shows a kernel address" : "killed by another signal");
}

int main(void)
{
	char *end;

	fflush(stdout);
	if (kt_fresh_dir(DIR))
		return 1;
	kt_put(FILE_F, "0123456789");
	rlimits();
	end = mapping_end();
	if (end)
		short_buffers(end);
	huge_counts();
	mremaps();
	past_eof();
	descriptor_table("sgdt", 0);
	descriptor_table("sidt", 1);
	unlinkat(AT_FDCWD, FILE_F, 0);
	kt_res("remove the test directory", unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR));
	return 0;
}
