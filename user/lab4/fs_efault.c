/* fs_efault: every file system call given a bad pointer fails with
 * EFAULT, changes nothing, and leaves the process running.
 *
 * Bad pointers are (void *)1 (the unmapped first page) and a kernel
 * address. All calls go through syscall() so that musl passes the pointer
 * on untouched. A count of 0 means no access at all, so no EFAULT; and a
 * bad fd is found before a bad buffer, while a path is copied in before
 * its dirfd is looked at. A readv that faults in its second buffer
 * returns what the first one got. No bad write starts past the end of a
 * file (Linux 6.18 then grows the file to the write's offset, too fine a
 * point to test), and utimensat gets real times (with both UTIME_OMIT it
 * returns before reading the path). Runs in ./kt-fs_efault and /tmp/kt-fs_efault. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <kt.h>
#include <kt_fs.h>

#define BAD	((void *)1)
#define KADDR	((void *)0xffffffff80000000UL)

static const char *base;

#define P(name) kt_path(base, name)     /* in the test directory */

static long size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void io(void)
{
	struct iovec iov[2];
	char buf[16];
	int fd, dfd;

	kt_put(P("f"), "0123456789");
	fd = open(P("f"), O_RDWR);
	kt_res("read(f, (void *)1, 5)", syscall(SYS_read, fd, BAD, 5));
	kt_res("read(f, kernel address, 5)", syscall(SYS_read, fd, KADDR, 5));
	kt_res("offset unchanged", lseek(fd, 0, SEEK_CUR));
	kt_res("read(f, (void *)1, 0)", syscall(SYS_read, fd, BAD, 0));
	kt_res("read(1000, (void *)1, 5)", syscall(SYS_read, 1000, BAD, 5));
	kt_res("write(f, (void *)1, 5)", syscall(SYS_write, fd, BAD, 5));
	kt_res("write(f, kernel address, 5)", syscall(SYS_write, fd, KADDR, 5));
	kt_res("write(f, (void *)1, 0)", syscall(SYS_write, fd, BAD, 0));
	kt_res("pread64(f, (void *)1, 5, 0)", syscall(SYS_pread64, fd, BAD, 5, 0));
	kt_res("pwrite64(f, (void *)1, 5, 0)", syscall(SYS_pwrite64, fd, BAD, 5, 0));
	kt_res("readv(f, (void *)1, 1)", syscall(SYS_readv, fd, BAD, 1));
	kt_res("writev(f, (void *)1, 1)", syscall(SYS_writev, fd, BAD, 1));
	iov[0] = (struct iovec){ buf, 2 };
	iov[1] = (struct iovec){ BAD, 5 };
	kt_res("readv(f, [buf, (void *)1])", syscall(SYS_readv, fd, iov, 2));
	lseek(fd, 0, SEEK_SET);
	iov[0] = (struct iovec){ BAD, 5 };
	kt_res("writev(f, [(void *)1])", syscall(SYS_writev, fd, iov, 1));
	kt_res("size unchanged", size_of(P("f")));
	printf("contents: %s\n", kt_get(P("f"), buf, sizeof(buf)));
	close(fd);
	dfd = open(base, O_RDONLY | O_DIRECTORY);
	kt_res("read(directory, (void *)1, 5)", syscall(SYS_read, dfd, BAD, 5));
	kt_res("getdents64(directory, (void *)1, 4096)", syscall(SYS_getdents64, dfd, BAD, 4096));
	kt_res("getdents64(directory, kernel address, 4096)",
	       syscall(SYS_getdents64, dfd, KADDR, 4096));
	{
		char dbuf[512];
		long n = syscall(SYS_getdents64, dfd, dbuf, sizeof(dbuf)), k = 0;

		for (long off = 0; off < n; k++)
			off += ((struct kt_dirent64 *)(dbuf + off))->d_reclen;
		kt_res("then getdents64 lists (entries)", n < 0 ? n : k);
	}
	close(dfd);
}

static void names(void)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct kt_statx sx;
	struct stat st;
	char buf[64];
	int fd;

	kt_res("open((void *)1)", syscall(SYS_open, BAD, O_RDONLY));
	kt_res("open(kernel address)", syscall(SYS_open, KADDR, O_RDONLY));
	kt_res("openat(AT_FDCWD, (void *)1, O_CREAT)",
	       syscall(SYS_openat, AT_FDCWD, BAD, O_WRONLY | O_CREAT, 0644));
	kt_res("openat(1000, (void *)1)", syscall(SYS_openat, 1000, BAD, O_RDONLY));
	kt_res("stat((void *)1, &st)", syscall(SYS_stat, BAD, &st));
	kt_res("stat(f, (void *)1)", syscall(SYS_stat, P("f"), BAD));
	kt_res("lstat(f, kernel address)", syscall(SYS_lstat, P("f"), KADDR));
	fd = open(P("f"), O_RDONLY);
	kt_res("fstat(f, (void *)1)", syscall(SYS_fstat, fd, BAD));
	kt_res("fstat(1000, (void *)1)", syscall(SYS_fstat, 1000, BAD));
	kt_res("newfstatat(fd, (void *)1, &st, AT_EMPTY_PATH)",
	       syscall(SYS_newfstatat, fd, BAD, &st, AT_EMPTY_PATH));
	kt_res("newfstatat(fd, \"\", (void *)1, AT_EMPTY_PATH)",
	       syscall(SYS_newfstatat, fd, "", BAD, AT_EMPTY_PATH));
	kt_res("statx(AT_FDCWD, (void *)1, ...)",
	       syscall(SYS_statx, AT_FDCWD, BAD, 0, KT_STATX_BASIC_STATS, &sx));
	kt_res("statx(AT_FDCWD, f, ..., (void *)1)",
	       syscall(SYS_statx, AT_FDCWD, P("f"), 0, KT_STATX_BASIC_STATS, BAD));
	close(fd);

	kt_res("mkdirat(AT_FDCWD, (void *)1)", syscall(SYS_mkdirat, AT_FDCWD, BAD, 0755));
	kt_res("unlinkat(AT_FDCWD, (void *)1, 0)", syscall(SYS_unlinkat, AT_FDCWD, BAD, 0));
	kt_res("unlinkat(AT_FDCWD, (void *)1, AT_REMOVEDIR)",
	       syscall(SYS_unlinkat, AT_FDCWD, BAD, AT_REMOVEDIR));
	kt_res("renameat((void *)1, x)", syscall(SYS_renameat, AT_FDCWD, BAD, AT_FDCWD, P("x")));
	kt_res("renameat(f, (void *)1)", syscall(SYS_renameat, AT_FDCWD, P("f"), AT_FDCWD, BAD));
	kt_res("renameat2(f, (void *)1, RENAME_NOREPLACE)",
	       syscall(SYS_renameat2, AT_FDCWD, P("f"), AT_FDCWD, BAD, KT_RENAME_NOREPLACE));
	kt_res("linkat((void *)1, x)", syscall(SYS_linkat, AT_FDCWD, BAD, AT_FDCWD, P("x"), 0));
	kt_res("linkat(f, (void *)1)", syscall(SYS_linkat, AT_FDCWD, P("f"), AT_FDCWD, BAD, 0));
	kt_res("symlinkat((void *)1, x)", syscall(SYS_symlinkat, BAD, AT_FDCWD, P("x")));
	kt_res("symlinkat(\"f\", (void *)1)", syscall(SYS_symlinkat, "f", AT_FDCWD, BAD));
	symlinkat("f", AT_FDCWD, P("sl"));
	kt_res("readlinkat((void *)1)", syscall(SYS_readlinkat, AT_FDCWD, BAD, buf, sizeof(buf)));
	kt_res("readlinkat(sl, (void *)1, 64)",
	       syscall(SYS_readlinkat, AT_FDCWD, P("sl"), BAD, sizeof(buf)));
	kt_res("readlink(sl, kernel address, 64)", syscall(SYS_readlink, P("sl"), KADDR, sizeof(buf)));
	kt_res("access((void *)1)", syscall(SYS_access, BAD, F_OK));
	kt_res("faccessat(AT_FDCWD, (void *)1)", syscall(SYS_faccessat, AT_FDCWD, BAD, F_OK));
	kt_res("faccessat2(AT_FDCWD, (void *)1)", syscall(SYS_faccessat2, AT_FDCWD, BAD, F_OK, 0));
	kt_res("chdir((void *)1)", syscall(SYS_chdir, BAD));
	kt_res("getcwd((void *)1, 4096)", syscall(SYS_getcwd, BAD, 4096));
	kt_res("getcwd(kernel address, 4096)", syscall(SYS_getcwd, KADDR, 4096));
	kt_res("truncate((void *)1, 0)", syscall(SYS_truncate, BAD, 0));
	kt_res("fchmodat(AT_FDCWD, (void *)1, 0644)", syscall(SYS_fchmodat, AT_FDCWD, BAD, 0644));
	kt_res("utimensat(AT_FDCWD, (void *)1, times)",
	       syscall(SYS_utimensat, AT_FDCWD, BAD, ts, 0));
	kt_res("utimensat(AT_FDCWD, f, (void *)1)", syscall(SYS_utimensat, AT_FDCWD, P("f"), BAD, 0));

	/* Nothing moved, nothing appeared. */
	kt_res("f still there", access(P("f"), F_OK));
	kt_res("no x", access(P("x"), F_OK));
	unlinkat(AT_FDCWD, P("sl"), 0);
}

static void run(const char *b)
{
	base = b;
	printf("== %s\n", b[0] == '/' ? "/tmp" : "cwd");
	if (kt_fresh_dir(b))
		return;
	io();
	names();
	unlinkat(AT_FDCWD, P("f"), 0);
	kt_res("remove the test directory", unlinkat(AT_FDCWD, b, AT_REMOVEDIR));
	kt_rmtree(b);
}

int main(void)
{
	/* The bad calls must not print anything: start clean. */
	fflush(stdout);
	run("kt-fs_efault");
	run("/tmp/kt-fs_efault");
	return 0;
}
