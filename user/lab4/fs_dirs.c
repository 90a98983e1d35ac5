/* fs_dirs: reading directories and moving around in them. getdents64
 * (small buffers, rewinding, errors), 300 files in one directory listed
 * and removed, chdir/fchdir/getcwd, and a working directory that is
 * removed while in use.
 *
 * Directory order depends on the file system, so listings are sorted
 * before they are printed or compared. getcwd is printed relative to the
 * starting directory (which is the grader's), or in full under /tmp.
 * Runs in ./kt-fs_dirs and in /tmp/kt-fs_dirs. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>

#define NMANY	300
#define MAXENT	(NMANY + 8)

static const char *base;
static char start[4096];

#define P(name) kt_path(base, name)     /* in the test directory */

static char names[MAXENT][64];
static int nnames;

static int cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Reads the whole directory with getdents64 and bufsize-byte buffers into
 * names[] as "name type", sorted. Returns the number of entries, or -1. */
static int list(int fd, size_t bufsize)
{
	char buf[32768];
	long n;

	nnames = 0;
	while ((n = kt_getdents64(fd, buf, bufsize)) > 0) {
		for (long off = 0; off < n;) {
			struct kt_dirent64 *d = (void *)(buf + off);
			char t = d->d_type == DT_DIR ? 'd' : d->d_type == DT_REG ? 'r' :
				 d->d_type == DT_LNK ? 'l' : '?';

			off += d->d_reclen;
			if (nnames < MAXENT)
				snprintf(names[nnames], sizeof(names[0]), "%s %c", d->d_name, t);
			nnames++;
		}
	}
	if (n < 0)
		return -1;
	qsort(names, nnames < MAXENT ? nnames : MAXENT, sizeof(names[0]), cmp);
	return nnames;
}

static void print_list(const char *what)
{
	printf("%s:", what);
	for (int i = 0; i < nnames && i < MAXENT; i++)
		printf(" [%s]", names[i]);
	printf("\n");
}

/* getcwd relative to where the program started, or in full outside it. */
static void show_cwd(const char *what)
{
	char buf[4096];
	long r = syscall(SYS_getcwd, buf, sizeof(buf));
	size_t n = strlen(start);

	if (r < 0) {
		kt_res(what, r);
		return;
	}
	kt_check(r == (long)strlen(buf) + 1, "getcwd returns the length with the NUL");
	/* In the guest the program starts in "/", which is a prefix of /tmp. */
	int in_tmp = !strncmp(buf, "/tmp/kt-", 8);      /* the program's own /tmp directory */
	if (!in_tmp && !strcmp(start, "/"))
		printf("%s: <start>%s\n", what, strcmp(buf, "/") ? buf : "");
	else if (!in_tmp && !strncmp(buf, start, n) && (buf[n] == '/' || buf[n] == 0))
		printf("%s: <start>%s\n", what, buf + n);
	else
		printf("%s: %s\n", what, buf);
}

static void dents(void)
{
	char buf[256];
	int fd, f;

	fd = open(base, O_RDONLY | O_DIRECTORY);
	kt_res("getdents64 of a new directory", list(fd, 4096));
	print_list("entries");
	kt_res("getdents64 at the end", kt_getdents64(fd, buf, sizeof(buf)));
	kt_put(P("f"), "f");
	mkdirat(AT_FDCWD, P("d"), 0755);
	symlinkat("f", AT_FDCWD, P("sl"));
	kt_res("lseek(dir, 0, SEEK_SET)", lseek(fd, 0, SEEK_SET));
	kt_res("getdents64 after rewinding", list(fd, 4096));
	print_list("entries");
	lseek(fd, 0, SEEK_SET);
	kt_res("getdents64 with a 24-byte buffer, one entry at a time", list(fd, 24));
	lseek(fd, 0, SEEK_SET);
	kt_res("getdents64 with a 8-byte buffer", kt_getdents64(fd, buf, 8));
	kt_res("getdents64 with a 0-byte buffer", kt_getdents64(fd, buf, 0));
	f = open(P("f"), O_RDONLY);
	kt_res("getdents64(fd of a file)", kt_getdents64(f, buf, sizeof(buf)));
	close(f);
	kt_res("getdents64(1000)", kt_getdents64(1000, buf, sizeof(buf)));
	close(fd);
	fd = open(P("d"), O_RDONLY | O_DIRECTORY);
	kt_res("getdents64 of d", list(fd, sizeof(buf)));
	print_list("entries");
	close(fd);
}

static void many_name(char *name, size_t size, int i)
{
	int n = snprintf(name, size, "file-%03d-", i);

	memset(name + n, 'a' + i % 26, i % 37);
	name[n + i % 37] = 0;
}

/* names[] without "." and "..", against want[0..n) every step apart. */
static int listed_as(char want[][64], int n, int step)
{
	int k = 0;

	for (int i = 0; i < nnames && i < MAXENT; i++) {
		if (!strcmp(names[i], ". d") || !strcmp(names[i], ".. d"))
			continue;
		while (k < n && want[k][0] == 0)
			k++;
		if (k >= n || strcmp(names[i], want[k]))
			return 0;
		k += step;
	}
	return k >= n;
}

/* 300 files with names of different lengths: listed in small and big
 * buffers, thinned out, then removed. */
static void many(void)
{
	static char want[NMANY][64];
	char name[48], got[64];
	struct stat st;
	int fd, ok = 1;

	mkdirat(AT_FDCWD, P("many"), 0755);
	for (int i = 0; i < NMANY; i++) {
		many_name(name, sizeof(name), i);
		snprintf(got, sizeof(got), "many/%s", name);
		fd = open(P(got), O_WRONLY | O_CREAT | O_EXCL, 0644);
		ok &= fd >= 0 && write(fd, name, strlen(name)) == (long)strlen(name);
		close(fd);
	}
	kt_check(ok, "created 300 files");
	fstatat(AT_FDCWD, P("many"), &st, 0);
	printf("nlink of the directory: %ld\n", (long)st.st_nlink);

	/* Sorted, the names are file-000-... to file-299-...: in order. */
	for (int i = 0; i < NMANY; i++) {
		many_name(name, sizeof(name), i);
		snprintf(want[i], sizeof(want[0]), "%s r", name);
	}
	fd = open(P("many"), O_RDONLY | O_DIRECTORY);
	kt_res("getdents64 with 80-byte buffers (one entry or two)", list(fd, 80));
	kt_check(listed_as(want, NMANY, 1), "each name listed once, as created");
	lseek(fd, 0, SEEK_SET);
	kt_res("getdents64 with a 32 KiB buffer", list(fd, 32768));
	kt_check(listed_as(want, NMANY, 1), "each name listed once, as created");
	close(fd);

	ok = 1;
	for (int i = 0; i < NMANY; i += 2) {
		many_name(name, sizeof(name), i);
		snprintf(got, sizeof(got), "many/%s", name);
		ok &= unlinkat(AT_FDCWD, P(got), 0) == 0;
	}
	kt_check(ok, "removed the even ones");
	fd = open(P("many"), O_RDONLY | O_DIRECTORY);
	kt_res("getdents64 with 100-byte buffers", list(fd, 100));
	for (int i = 0; i < NMANY; i += 2)
		want[i][0] = 0;
	kt_check(listed_as(want, NMANY, 1), "the odd ones are left");
	close(fd);

	ok = 1;
	for (int i = 1; i < NMANY; i += 2) {
		many_name(name, sizeof(name), i);
		snprintf(got, sizeof(got), "many/%s", name);
		memset(want[0], 0, sizeof(want[0]));
		kt_get(P(got), want[0], sizeof(want[0]));
		ok &= !strcmp(want[0], name);
		ok &= unlinkat(AT_FDCWD, P(got), 0) == 0;
	}
	kt_check(ok, "each odd file held its own name; removed them");
	fd = open(P("many"), O_RDONLY | O_DIRECTORY);
	kt_res("getdents64 of the emptied directory", list(fd, 64));
	print_list("entries");
	close(fd);
	kt_res("rmdir(many)", unlinkat(AT_FDCWD, P("many"), AT_REMOVEDIR));
}

static void chdirs(void)
{
	char buf[16];
	int fd, f, status;
	pid_t pid;

	symlinkat("d", AT_FDCWD, P("ld"));
	mkdirat(AT_FDCWD, P("d/e"), 0755);
	show_cwd("getcwd at the start");
	kt_res("chdir(test directory)", chdir(base));
	show_cwd("getcwd");
	kt_res("chdir(d)", chdir("d"));
	show_cwd("getcwd");
	kt_res("chdir(\"e/\")", chdir("e/"));
	show_cwd("getcwd");
	kt_res("chdir(\"../..\")", chdir("../.."));
	show_cwd("getcwd");
	kt_res("chdir(ld), a symlink", chdir("ld"));
	show_cwd("getcwd shows where it leads");
	kt_res("chdir(\"..\")", chdir(".."));
	kt_res("chdir(f)", chdir("f"));
	kt_res("chdir(missing)", chdir("missing"));
	kt_res("chdir(\"\")", chdir(""));
	kt_res("chdir(\"f/\")", chdir("f/"));
	show_cwd("getcwd unchanged by the failures");
	kt_res("relative names start there: access(\"d/e\")", access("d/e", F_OK));

	fd = open("d/e", O_RDONLY | O_DIRECTORY);
	kt_res("fchdir(fd of d/e)", fchdir(fd));
	show_cwd("getcwd");
	close(fd);
	f = open("../../f", O_RDONLY);
	kt_res("fchdir(fd of a file)", fchdir(f));
	close(f);
	kt_res("fchdir(1000)", fchdir(1000));
	kt_res("getcwd(buf, 1)", syscall(SYS_getcwd, buf, 1));
	kt_res("getcwd(buf, 0)", syscall(SYS_getcwd, buf, 0));
	chdir(start);

	/* The working directory belongs to the process: a child's chdir
	 * does not move its parent. */
	pid = kt_fork();
	if (pid == 0)
		_exit(chdir(base) == 0 && chdir("d") == 0 ? 0 : 1);
	waitpid(pid, &status, 0);
	printf("child's chdir: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	show_cwd("the parent's getcwd");

	unlinkat(AT_FDCWD, P("ld"), 0);
	unlinkat(AT_FDCWD, P("d/e"), AT_REMOVEDIR);
}

/* A working directory removed while in use: it can be stat'ed but holds
 * nothing, and getcwd fails. */
static void removed_cwd(void)
{
	char buf[256];
	struct stat st;
	int fd;

	mkdirat(AT_FDCWD, P("gone"), 0755);
	chdir(P("gone"));
	fd = open(".", O_RDONLY | O_DIRECTORY);
	kt_res("rmdir(\"../gone\"), the working directory", unlinkat(AT_FDCWD, "../gone", AT_REMOVEDIR));
	show_cwd("getcwd");
	kt_res("stat(\".\")", stat(".", &st));
	printf("its nlink: %ld\n", (long)st.st_nlink);
	kt_res("getdents64(\".\")", kt_getdents64(fd, buf, sizeof(buf)));
	kt_res_fd("open(\"x\", O_CREAT)", open("x", O_WRONLY | O_CREAT, 0644));
	kt_res("mkdirat(\"x\")", mkdirat(AT_FDCWD, "x", 0755));
	kt_res("chdir(\"..\")", chdir(".."));
	show_cwd("getcwd");
	close(fd);
	chdir(start);
}

static void run(const char *b)
{
	base = b;
	printf("== %s\n", b[0] == '/' ? "/tmp" : "cwd");
	if (kt_fresh_dir(b))
		return;
	dents();
	many();
	chdirs();
	removed_cwd();
	unlinkat(AT_FDCWD, P("f"), 0);
	unlinkat(AT_FDCWD, P("sl"), 0);
	unlinkat(AT_FDCWD, P("d"), AT_REMOVEDIR);
	kt_res("remove the test directory", unlinkat(AT_FDCWD, b, AT_REMOVEDIR));
	kt_rmtree(b);
}

int main(void)
{
	umask(022);
	getcwd(start, sizeof(start));
	run("kt-fs_dirs");
	run("/tmp/kt-fs_dirs");
	return 0;
}
