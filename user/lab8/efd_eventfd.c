/* efd_eventfd: eventfd's counter as Linux keeps it (Lab 8, Part A,
 * exercise 1).
 *
 * The counter: writes add, a read takes all and resets it, or just 1
 * with EFD_SEMAPHORE; 8-byte reads and writes only (EINVAL otherwise, a
 * write of 0xffffffffffffffff too); a read of 0 and a write past
 * 0xfffffffffffffffe fail with EAGAIN when non-blocking; readv of one
 * 8-byte piece in two; poll's POLLIN and POLLOUT; a blocking read woken
 * by a write from another process, and a blocking write woken by a read;
 * flags (EINVAL for unknown ones, O_NONBLOCK in F_GETFL, FD_CLOEXEC);
 the /proc/self/fd link's text; /proc/self/fdinfo's eventfd-count and
 * eventfd-semaphore; lseek (0, moving nothing) and pread (ESPIPE). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <kt.h>
#include "efd_util.h"

/* As the first process of the kernel, /proc is not mounted yet. */
static void mount_proc(void)
{
	if (access("/proc/self/fd", F_OK) != 0)
		mount("proc", "/proc", "proc", 0, NULL);
}

static void put(int fd, uint64_t v) { (void)!write(fd, &v, sizeof(v)); }

static uint64_t take(int fd)
{
	uint64_t v = 0;
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		printf("read: errno %s\n", kt_errname(errno));
	return v;
}

static short revents(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static void counter(void)
{
	int fd = eventfd(5, EFD_NONBLOCK);
	kt_check(fd >= 0, "eventfd(5, EFD_NONBLOCK)");
	put(fd, 3);
	put(fd, 4);
	kt_check_eq("read takes the sum", (long)take(fd), 12);
	uint64_t v;
	kt_expect_err("read of 0 non-blocking", read(fd, &v, sizeof(v)), EAGAIN);
	kt_check_eq("poll empty: POLLOUT only", revents(fd), POLLOUT);
	put(fd, 1);
	kt_check_eq("poll after write: POLLIN|POLLOUT", revents(fd), POLLIN | POLLOUT);
	char big[16] = { 0 };
	kt_check_eq("read of 16 bytes reads 8", read(fd, big, sizeof(big)), 8);
	kt_expect_err("read of 7 bytes", read(fd, &v, 7), EINVAL);
	kt_expect_err("write of 4 bytes", write(fd, &v, 4), EINVAL);
	v = UINT64_MAX;
	kt_expect_err("write of 0xffffffffffffffff", write(fd, &v, 8), EINVAL);
	put(fd, 0);
	kt_check_eq("write of 0 leaves it empty", revents(fd), POLLOUT);
	/* Up to the top: 0xfffffffffffffffe fits, then nothing more. */
	put(fd, UINT64_MAX - 1);
	kt_check_eq("full: POLLIN only", revents(fd), POLLIN);
	v = 1;
	kt_expect_err("write past the maximum", write(fd, &v, 8), EAGAIN);
	put(fd, 0);
	kt_check(take(fd) == UINT64_MAX - 1, "read of the maximum");
	/* readv: 8 bytes in two pieces. */
	put(fd, 0x0102030405060708ULL);
	unsigned char a[3], b[5];
	struct iovec iov[2] = { { a, 3 }, { b, 5 } };
	kt_check_eq("readv 3+5 bytes", readv(fd, iov, 2), 8);
	kt_check(a[0] == 8 && a[2] == 6 && b[0] == 5 && b[4] == 1, "readv's bytes in order");
	close(fd);
}

static void semaphore(void)
{
	int fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	kt_check(fd >= 0, "eventfd(2, EFD_SEMAPHORE)");
	put(fd, 1);
	int ones = 0;
	uint64_t v;
	while (read(fd, &v, 8) == 8)
		ones += v == 1;
	kt_check_eq("semaphore: three reads of 1", ones, 3);
	kt_check_eq("then EAGAIN", errno, EAGAIN);
	close(fd);
}

static void flags(void)
{
	kt_expect_err("eventfd2 unknown flag", syscall(SYS_eventfd2, 0, 0x40), EINVAL);
	int fd = eventfd(0, EFD_CLOEXEC);
	kt_check_eq("EFD_CLOEXEC sets FD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
	kt_check_eq("F_GETFL without EFD_NONBLOCK", fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	uint64_t v;
	kt_expect_err("F_SETFL O_NONBLOCK then read", read(fd, &v, 8), EAGAIN);
	close(fd);
	fd = syscall(SYS_eventfd, 7);
	kt_check(fd >= 0 && take(fd) == 7, "eventfd (the old call)");
	char path[64], link[64] = "";
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0)
		link[n] = 0;
	printf("fd link: %s\n", link);
	close(fd);
}

/* A reader sleeps on an empty counter; a child writes. Then a writer
 * sleeps on a full counter; a child reads. */
static void blocking(void)
{
	int fd = eventfd(0, 0);
	int go = eventfd(0, 0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		take(go);           /* the parent is about to read */
		usleep(50000);
		put(fd, 42);
		_exit(0);
	}
	put(go, 1);
	kt_check_eq("blocking read woken by another process's write", (long)take(fd), 42);
	waitpid(pid, NULL, 0);

	put(fd, UINT64_MAX - 1);
	pid = fork();
	if (pid == 0) {
		take(go);
		usleep(50000);
		_exit(take(fd) == UINT64_MAX - 1 ? 0 : 1);
	}
	put(go, 1);
	put(fd, 5);                 /* waits for the child's read */
	int status;
	waitpid(pid, &status, 0);
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child read the full counter");
	kt_check_eq("blocked write went in after the read", (long)take(fd), 5);

	/* poll sleeping until another process writes. */
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		put(fd, 9);
		_exit(0);
	}
	struct pollfd p = { .fd = fd, .events = POLLIN };
	kt_check_eq("poll woken by a write", poll(&p, 1, 10000), 1);
	kt_check_eq("poll says POLLIN", p.revents, POLLIN);
	waitpid(pid, NULL, 0);
	close(fd);
	close(go);
}

static void fdinfo(void)
{
	int fd = eventfd(7, EFD_SEMAPHORE | EFD_NONBLOCK);
	efd_show_fdinfo("eventfd(7, SEMAPHORE)", fd);
	put(fd, 0x1234);
	take(fd);
	efd_show_fdinfo("after a write of 0x1234 and a read", fd);
	efd_show_lseek("eventfd", fd);
	close(fd);
	fd = eventfd(0, 0);
	efd_show_fdinfo("eventfd(0, 0)", fd);
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	mount_proc();
	counter();
	semaphore();
	flags();
	blocking();
	fdinfo();
	return kt_status();
}
