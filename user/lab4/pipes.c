/* pipes: pipe and pipe2 (O_CLOEXEC, O_NONBLOCK, bad flags, bad pointers),
 * what fstat, fstatfs, lseek, pread and fcntl say about a pipe, data
 * through a pipe to and from forked children (up to 200 KiB, so the
 * writer blocks), end of file once the last writer is gone, EPIPE and
 * SIGPIPE once the last reader is gone, O_NONBLOCK both ways, and writes
 * of up to PIPE_BUF bytes never interleaving between two writers.
 *
 * Sizes in the non-blocking part are whole pages: Linux keeps a pipe as
 * 16 page buffers, so only page-sized steps give the same counts on any
 * faithful ring of 64 KiB. fd numbers are never printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>

#define BIG (200 * 1024)
#define KT_PIPEFS_MAGIC 0x50495045    /* <linux/magic.h>, which musl lacks */

static char buf[1 << 20];

static long sys_pipe2(int *fds, long flags) { return syscall(SYS_pipe2, fds, flags); }

/* The byte at offset i of a test stream: not periodic in 4096. */
static unsigned char pattern(size_t i) { return (unsigned char)(i * 7 + i / 251); }

/* The lowest free fd: a leak shows as a change. */
static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);

	close(fd);
	return fd;
}

/* "what: exit N" or "what: killed by signal N". */
static void show_status(const char *what, int status)
{
	if (WIFEXITED(status))
		printf("%s: exit %d\n", what, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", what, WTERMSIG(status));
	else
		printf("%s: status %#x\n", what, status);
}

static void creation(void)
{
	int p[2], before = lowest_free_fd();

	kt_res("pipe", pipe(p));
	kt_check(p[0] != p[1], "two different fds");
	kt_res("F_GETFL read end", fcntl(p[0], F_GETFL));
	kt_res("F_GETFL write end", fcntl(p[1], F_GETFL));
	kt_res("F_GETFD read end", fcntl(p[0], F_GETFD));
	close(p[0]);
	close(p[1]);

	kt_res("pipe2(0)", sys_pipe2(p, 0));
	kt_res("F_GETFD", fcntl(p[0], F_GETFD));
	close(p[0]);
	close(p[1]);
	kt_res("pipe2(O_CLOEXEC)", sys_pipe2(p, O_CLOEXEC));
	kt_res("F_GETFD read end", fcntl(p[0], F_GETFD));
	kt_res("F_GETFD write end", fcntl(p[1], F_GETFD));
	kt_res("F_GETFL read end", fcntl(p[0], F_GETFL));
	close(p[0]);
	close(p[1]);
	kt_res("pipe2(O_NONBLOCK)", sys_pipe2(p, O_NONBLOCK));
	kt_res("F_GETFL read end", fcntl(p[0], F_GETFL));
	kt_res("F_GETFL write end", fcntl(p[1], F_GETFL));
	kt_res("F_GETFD write end", fcntl(p[1], F_GETFD));
	close(p[0]);
	close(p[1]);
	kt_res("pipe2(O_CLOEXEC|O_NONBLOCK)", sys_pipe2(p, O_CLOEXEC | O_NONBLOCK));
	kt_res("F_GETFL write end", fcntl(p[1], F_GETFL));
	kt_res("F_GETFD write end", fcntl(p[1], F_GETFD));
	close(p[0]);
	close(p[1]);

	kt_res("pipe2(O_APPEND)", sys_pipe2(p, O_APPEND));
	kt_res("pipe2(O_RDWR)", sys_pipe2(p, O_RDWR));
	kt_res("pipe2(O_TRUNC)", sys_pipe2(p, O_TRUNC));
	kt_res("pipe2(0x80000000)", sys_pipe2(p, 0x80000000L));
	kt_res("pipe2(NULL, 0)", sys_pipe2(NULL, 0));
	kt_res("pipe2((int *)8, O_CLOEXEC)", sys_pipe2((int *)8, O_CLOEXEC));
	kt_res("pipe2(kernel address, 0)", sys_pipe2((int *)0xffffffff80000000UL, 0));
	kt_res("pipe2(NULL, O_APPEND): flags first", sys_pipe2(NULL, O_APPEND));
	kt_res("pipe(NULL)", syscall(SYS_pipe, NULL));
	kt_check(lowest_free_fd() == before, "no fd left behind by the failed calls");
}

static void attributes(void)
{
	struct stat r, w;
	struct statfs sf;
	int p[2], fd;

	pipe(p);
	kt_res("fstat read end", fstat(p[0], &r));
	kt_res("fstat write end", fstat(p[1], &w));
	kt_check(S_ISFIFO(r.st_mode) && S_ISFIFO(w.st_mode), "both ends are S_ISFIFO");
	printf("permissions: %o\n", r.st_mode & 07777);
	printf("st_nlink %ld, st_size %ld, st_blksize %ld\n", (long)r.st_nlink, (long)r.st_size,
	       (long)r.st_blksize);
	kt_check(r.st_ino == w.st_ino && r.st_dev == w.st_dev, "both ends have one inode");
	write(p[1], "abc", 3);
	fstat(p[0], &r);
	printf("st_size with 3 bytes in it: %ld\n", (long)r.st_size);
	kt_res("fstatfs", fstatfs(p[0], &sf));
	kt_check(sf.f_type == KT_PIPEFS_MAGIC, "f_type is PIPEFS_MAGIC");

	kt_res("lseek(read end, 0, SEEK_CUR)", lseek(p[0], 0, SEEK_CUR));
	kt_res("lseek(write end, 0, SEEK_SET)", lseek(p[1], 0, SEEK_SET));
	kt_res("pread", pread(p[0], buf, 1, 0));
	kt_res("pwrite", pwrite(p[1], "x", 1, 0));
	kt_res("read from the write end", read(p[1], buf, 1));
	kt_res("write to the read end", write(p[0], "x", 1));
	kt_res("the 3 bytes are still there", read(p[0], buf, sizeof(buf)));

	kt_res("F_GETPIPE_SZ read end", fcntl(p[0], F_GETPIPE_SZ));
	kt_res("F_GETPIPE_SZ write end", fcntl(p[1], F_GETPIPE_SZ));
	fd = open("/dev/null", O_RDONLY);
	kt_res("F_GETPIPE_SZ on /dev/null", fcntl(fd, F_GETPIPE_SZ));
	close(fd);
	close(p[0]);
	close(p[1]);
}

static void simple_data(void)
{
	struct iovec iov[3];
	char a[4] = "", b[8] = "";
	int p[2], q;

	pipe(p);
	kt_res("write 0 bytes", write(p[1], "", 0));
	kt_res("read 0 bytes", read(p[0], buf, 0));
	kt_res("write \"hello\"", write(p[1], "hello", 5));
	kt_res("write \" world\"", write(p[1], " world", 6));
	memset(buf, 0, 64);
	kt_res("read(100) takes what is there", read(p[0], buf, 100));
	printf("read gave \"%s\"\n", buf);

	iov[0] = (struct iovec){ "one,", 4 };
	iov[1] = (struct iovec){ "two,", 4 };
	iov[2] = (struct iovec){ "three", 5 };
	kt_res("writev of 3 segments", writev(p[1], iov, 3));
	iov[0] = (struct iovec){ a, 3 };
	iov[1] = (struct iovec){ b, 7 };
	kt_res("readv into 3 + 7 bytes", readv(p[0], iov, 2));
	printf("readv gave \"%s\" \"%s\"\n", a, b);
	kt_res("read the rest", read(p[0], buf, 100));

	/* A dup of the write end is another writer: no EOF until it goes too. */
	q = dup(p[1]);
	close(p[1]);
	write(q, "z", 1);
	kt_res("read through the dup's data", read(p[0], buf, 10));
	close(q);
	kt_res("read once the last writer is closed (EOF)", read(p[0], buf, 10));
	kt_res("and again", read(p[0], buf, 10));
	kt_res("read into a bad buffer at EOF", read(p[0], NULL, 10));
	close(p[0]);

	pipe(p);
	write(p[1], "data", 4);
	kt_res("read into a bad buffer", read(p[0], NULL, 10));
	kt_res("write from a bad buffer", write(p[1], NULL, 10));
	kt_res("the data is still there", read(p[0], buf, 10));
	close(p[0]);
	close(p[1]);
}

/* A child writes size bytes in one write(); the parent reads them all in
 * small pieces until EOF. The child's exit code says whether its write
 * returned size. */
static void transfer(size_t size)
{
	uint64_t want = KT_HASH_INIT, got = KT_HASH_INIT;
	size_t total = 0;
	char what[64];
	int p[2], status;
	long n;
	pid_t pid;

	pipe(p);
	pid = kt_fork();
	if (pid == 0) {
		close(p[0]);
		for (size_t i = 0; i < size; i++)
			buf[i] = pattern(i);
		_exit(write(p[1], buf, size) == (long)size ? 0 : 1);   /* exit closes p[1] */
	}
	close(p[1]);
	while ((n = read(p[0], buf, 3000)) > 0) {
		got = kt_hash(got, buf, n);
		total += n;
	}
	for (size_t i = 0; i < size; i++) {
		unsigned char c = pattern(i);

		want = kt_hash(want, &c, 1);
	}
	snprintf(what, sizeof(what), "%zu bytes through a pipe", size);
	printf("%s: read %zu, last read %ld, contents %s\n", what, total, n, got == want ? "match" : "DIFFER");
	waitpid(pid, &status, 0);
	show_status("the writer", status);
	close(p[0]);
}

static void blocking(void)
{
	int p[2], status;
	pid_t pid;

	/* A reader asleep on an empty pipe wakes with EOF when the writer goes. */
	pipe(p);
	pid = kt_fork();
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], buf, 10) == 0 ? 0 : 1);
	}
	close(p[0]);
	kt_sleep_ms(50);
	close(p[1]);
	waitpid(pid, &status, 0);
	show_status("a blocked reader sees EOF when the writer closes", status);

	/* A writer asleep on a full pipe wakes when the reader goes: it gets
	 * the count written so far (SIGPIPE is ignored here), then EPIPE. */
	pipe(p);
	pid = kt_fork();
	if (pid == 0) {
		long r1, r2;

		close(p[0]);
		r1 = write(p[1], buf, 2 * 65536);
		r2 = write(p[1], buf, 1);
		_exit((r1 == 65536 || r1 == 65536 + 4096) | (r2 == -1 && errno == EPIPE) << 1);
	}
	close(p[1]);
	kt_res("the parent reads one page", read(p[0], buf, 4096));
	kt_sleep_ms(100);
	close(p[0]);
	waitpid(pid, &status, 0);
	show_status("a blocked writer (3 = partial count, then EPIPE)", status);
}

static void nonblocking(void)
{
	int p[2];

	sys_pipe2(p, O_NONBLOCK);
	kt_res("read an empty pipe", read(p[0], buf, 10));
	memset(buf, 'n', 65536);
	kt_res("write 65536 into the empty pipe", write(p[1], buf, 65536));
	kt_res("write 1 more", write(p[1], buf, 1));
	kt_res("write 4096 more", write(p[1], buf, 4096));
	kt_res("read 4096", read(p[0], buf, 4096));
	kt_res("write 4097 into 4096 of room: partial", write(p[1], buf, 4097));
	kt_res("write 1 into the full pipe", write(p[1], buf, 1));
	kt_res("read 8192", read(p[0], buf, 8192));
	kt_res("write 8192 into 8192 of room", write(p[1], buf, 8192));
	kt_res("read everything", read(p[0], buf, BIG));
	kt_res("read it empty", read(p[0], buf, BIG));
	close(p[1]);
	kt_res("read with no writer left (EOF, not EAGAIN)", read(p[0], buf, 10));
	close(p[0]);

	/* F_SETFL turns O_NONBLOCK on and off on a pipe end. */
	pipe(p);
	kt_res("F_SETFL(O_NONBLOCK) on the read end", fcntl(p[0], F_SETFL, O_NONBLOCK));
	kt_res("F_GETFL", fcntl(p[0], F_GETFL));
	kt_res("read an empty pipe", read(p[0], buf, 10));
	kt_res("F_SETFL(0)", fcntl(p[0], F_SETFL, 0));
	kt_res("F_GETFL", fcntl(p[0], F_GETFL));
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	kt_res("O_NONBLOCK write of 65536", write(p[1], buf, 65536));
	kt_res("O_NONBLOCK write to the full pipe", write(p[1], buf, 1));
	close(p[0]);
	kt_res("O_NONBLOCK write with no reader", write(p[1], buf, 1));
	close(p[1]);
}

/* Writes of up to PIPE_BUF bytes are atomic: two children write 100
 * messages of size bytes each ('a's and 'b's), and every size-byte piece
 * the parent reads back is all one letter. */
static void atomic_writes(size_t size)
{
	size_t total = 0, pieces = 0, a = 0, b = 0, mixed = 0;
	char what[80];
	int p[2], status[2];
	long n;
	pid_t pid[2];

	pipe(p);
	for (int k = 0; k < 2; k++) {
		pid[k] = kt_fork();
		if (pid[k] == 0) {
			int bad = 0;

			close(p[0]);
			memset(buf, k ? 'b' : 'a', size);
			for (int i = 0; i < 100; i++)
				bad |= write(p[1], buf, size) != (long)size;
			_exit(bad);
		}
	}
	close(p[1]);
	while ((n = read(p[0], buf + total, sizeof(buf) - total)) > 0)
		total += n;
	for (size_t off = 0; off + size <= total; off += size) {
		size_t i = 0;

		while (i < size && buf[off + i] == buf[off])
			i++;
		pieces++;
		mixed += i < size;
		a += i == size && buf[off] == 'a';
		b += i == size && buf[off] == 'b';
	}
	snprintf(what, sizeof(what), "two writers of %zu-byte messages", size);
	printf("%s: %zu bytes, %zu pieces, %zu all 'a', %zu all 'b', %zu mixed\n", what, total, pieces,
	       a, b, mixed);
	for (int k = 0; k < 2; k++) {
		waitpid(pid[k], &status[k], 0);
		show_status("a writer", status[k]);
	}
	close(p[0]);
}

/* Writing to a pipe nobody reads: EPIPE, and SIGPIPE, which by default
 * kills the writer. Blocked or ignored, the writer just gets EPIPE. */
static void epipe(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, ign = { .sa_handler = SIG_IGN }, old;
	sigset_t set;
	int p[2], status;
	pid_t pid;

	sigaction(SIGPIPE, &dfl, NULL);
	pipe(p);
	close(p[0]);
	pid = kt_fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(100);
	}
	waitpid(pid, &status, 0);
	show_status("a child writing with SIGPIPE at its default", status);

	pid = kt_fork();
	if (pid == 0) {
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigprocmask(SIG_BLOCK, &set, NULL);
		_exit(write(p[1], "x", 1) == -1 && errno == EPIPE ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	show_status("a child writing with SIGPIPE blocked (0 = EPIPE)", status);

	kt_res("sigaction(SIGPIPE, SIG_IGN)", sigaction(SIGPIPE, &ign, &old));
	kt_check(old.sa_handler == SIG_DFL, "the old action was SIG_DFL");
	sigaction(SIGPIPE, NULL, &old);
	kt_check(old.sa_handler == SIG_IGN, "the action now is SIG_IGN");
	kt_res("write with no reader", write(p[1], "x", 1));
	kt_res("write 0 bytes with no reader", write(p[1], "x", 0));
	close(p[1]);

	pid = kt_fork();
	if (pid == 0) {
		pipe(p);
		close(p[0]);
		_exit(write(p[1], "x", 1) == -1 && errno == EPIPE ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	show_status("a child inherits SIG_IGN (0 = EPIPE)", status);

	/* rt_sigaction's own errors (raw: musl checks the number first). */
	kt_res("rt_sigaction(SIGKILL, SIG_IGN)", syscall(SYS_rt_sigaction, SIGKILL, &ign, NULL, 8));
	kt_res("rt_sigaction(0)", syscall(SYS_rt_sigaction, 0, NULL, NULL, 8));
	kt_res("rt_sigaction(65)", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8));
	kt_res("rt_sigaction(sigsetsize 4)", syscall(SYS_rt_sigaction, SIGPIPE, NULL, NULL, 4));
	kt_res("rt_sigaction(bad act)", syscall(SYS_rt_sigaction, SIGPIPE, (void *)8, NULL, 8));
	kt_res("rt_sigaction(bad oldact)", syscall(SYS_rt_sigaction, SIGPIPE, NULL, (void *)8, 8));
}

int main(void)
{
	sigset_t none;

	/* Start from the defaults, whatever the grader's shell left us. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	creation();
	attributes();
	simple_data();
	epipe();                /* leaves SIGPIPE ignored for what follows */
	transfer(1);
	transfer(4096);
	transfer(65536);
	transfer(65537);
	transfer(BIG);
	blocking();
	nonblocking();
	atomic_writes(PIPE_BUF);
	atomic_writes(1000);
	return kt_status();
}
