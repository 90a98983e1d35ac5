/* mnt_syscalls: mount(2) and umount2(2) compared with Linux, all inside a
 * directory of its own under the current one (kt-mnt-XXXXXX; on the host
 * a copy of the image's tree), unmounted again at exit even when a check
 * fails: the host's own mounts are never touched. Run as root.
 *
 *   errors      the errnos of bad calls (ENODEV, ENOENT, EINVAL, ENOTBLK,
 *               ENOTDIR) and of a non-root caller (EPERM)
 *   tmpfs       size=, nr_inodes=, mode=: statfs's figures, ENOSPC past them
 *   busy        umount refuses a mount with an open file, a cwd or a mount
 *               below it (EBUSY); MNT_DETACH takes it anyway, with the
 *               mount below it; MNT_EXPIRE
 *   flags       ro (EROFS, remount rw and back, EBUSY while a file is
 *               open for writing), noexec (execve EACCES,
 *               mmap PROT_EXEC EPERM, mprotect EACCES), nodev (open
 *               EACCES), nosuid (a set-user-ID program runs as its caller)
 *   move        MS_MOVE, the mount below going along
 *   bind        the same directory in a second place, made read-only there
 *               alone; statfs's f_flags follow each mount
 * With an argument it is the program the flag checks run: "euid" prints
 * its effective uid, "hello" says it ran. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <kt.h>

#define TMPFS_MAGIC 0x01021994
#define ST_VALID 0x0020         /* Linux's "f_flags is filled in" (musl has no name for it) */
#define ST_SHOWN (ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_VALID | ST_NOATIME | ST_RELATIME)

static char dir[32];            /* kt-mnt-XXXXXX */
static char m[64], sub[96], a[96], b[64];
static const char *self;        /* this program, relative to the cwd */

static void path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

/* Every mount point we may have used, lazily unmounted (deepest first). */
static void cleanup(void)
{
	const char *points[] = { sub, m, b, m, sub, b };
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		if (points[i][0])
			umount2(points[i], MNT_DETACH);
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (dir[0] && system(cmd) != 0)
		printf("cleanup: rm failed\n");
}

static void err_is(const char *what, int r, int want)
{
	int e = r < 0 ? errno : 0;
	printf("%s: %s\n", what, e == ENOTBLK ? "ENOTBLK" : kt_errname(e));
	if (e != want)
		++*kt_failures();
}

static int tmpfs(const char *where, unsigned long flags, const char *opts)
{
	int r = mount("tmpfs", where, "tmpfs", flags, opts);
	if (r < 0)
		printf("mount tmpfs %s: %s\n", opts ? opts : "", kt_errname(errno));
	return r;
}

/* statfs's figures (sized: a tmpfs with size= and nr_inodes=, the same
 * on both sides; else only the flags and the figures' relations). */
static void show_statfs(const char *what, const char *p, int sized)
{
	struct statfs s;
	if (statfs(p, &s) < 0) {
		printf("statfs %s: %s\n", what, kt_errname(errno));
		return;
	}
	if (!sized) {
		printf("statfs %s: tmpfs=%d bsize=%ld namelen=%ld flags=%#lx\n", what,
		       s.f_type == TMPFS_MAGIC, (long)s.f_bsize, (long)s.f_namelen,
		       (long)s.f_flags & ST_SHOWN);
		kt_check(s.f_bfree <= s.f_blocks && s.f_bavail <= s.f_bfree && s.f_ffree <= s.f_files &&
			 s.f_blocks > 0 && s.f_files > 0, "statfs figures agree with each other");
		return;
	}
	printf("statfs %s: tmpfs=%d bsize=%ld frsize=%ld blocks=%ld bfree=%ld bavail=%ld "
	       "files=%ld ffree=%ld namelen=%ld flags=%#lx\n", what, s.f_type == TMPFS_MAGIC,
	       (long)s.f_bsize, (long)s.f_frsize, (long)s.f_blocks, (long)s.f_bfree, (long)s.f_bavail,
	       (long)s.f_files, (long)s.f_ffree, (long)s.f_namelen, (long)s.f_flags & ST_SHOWN);
}

static void errors(void)
{
	int fd = open("kt-mnt-file", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	close(fd);
	err_is("unknown type", mount("none", m, "kt-nosuchfs", 0, NULL), ENODEV);
	err_is("missing target", mount("none", "kt-mnt-none/x", "tmpfs", 0, NULL), ENOENT);
	err_is("no type", mount("none", m, NULL, 0, NULL), EINVAL);
	err_is("file as a disk", mount("kt-mnt-file", m, "ext2", 0, NULL), ENOTBLK);
	err_is("missing disk", mount("kt-mnt-none", m, "ext2", 0, NULL), ENOENT);
	err_is("tmpfs on a file", mount("tmpfs", "kt-mnt-file", "tmpfs", 0, NULL), ENOTDIR);
	err_is("unknown option", mount("tmpfs", m, "tmpfs", 0, "kt-bogus=1"), EINVAL);
	err_is("bad size", mount("tmpfs", m, "tmpfs", 0, "size=lots"), EINVAL);
	err_is("umount not a mount", umount2(m, 0), EINVAL);
	err_is("umount missing", umount2("kt-mnt-none", 0), ENOENT);
	err_is("umount bad flags", umount2(m, 0x100), EINVAL);
	err_is("remount not a mount", mount(NULL, m, NULL, MS_REMOUNT, NULL), EINVAL);
	err_is("private not a mount", mount(NULL, m, NULL, MS_PRIVATE, NULL), EINVAL);
	err_is("bad source pointer", mount((char *)8, m, "tmpfs", 0, NULL), EFAULT);
	err_is("bad options pointer", mount("tmpfs", m, "tmpfs", 0, (void *)8), EFAULT);
	err_is("bad target pointer", umount2((char *)8, 0), EFAULT);
	unlink("kt-mnt-file");

	if (tmpfs(m, 0, NULL) < 0)
		return;
	err_is("private", mount(NULL, m, NULL, MS_PRIVATE | MS_REC, NULL), 0);
	err_is("expire with detach", umount2(m, MNT_EXPIRE | MNT_DETACH), EINVAL);
	pid_t pid = fork();
	if (pid == 0) {
		if (setuid(65534) < 0)
			_exit(99);
		int r1 = mount("tmpfs", m, "tmpfs", 0, NULL) < 0 ? errno : 0;
		int r2 = umount2(m, 0) < 0 ? errno : 0;
		_exit(r1 == EPERM && r2 == EPERM ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	kt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "non-root mount and umount: EPERM");
	err_is("expire, first", umount2(m, MNT_EXPIRE), EAGAIN);
	err_is("expire, second", umount2(m, MNT_EXPIRE), 0);
}

static void tmpfs_limits(void)
{
	if (tmpfs(m, 0, "size=64k,nr_inodes=8,mode=0750") < 0)
		return;
	struct stat s;
	stat(m, &s);
	printf("root mode %o\n", s.st_mode);
	show_statfs("new", m, 1);
	char f[128];
	snprintf(f, sizeof(f), "%s/big", m);
	int fd = open(f, O_CREAT | O_WRONLY, 0644);
	static char buf[100 * 1024];
	memset(buf, 'x', sizeof(buf));
	ssize_t n = write(fd, buf, sizeof(buf));
	printf("write 100k into 64k: %zd\n", n);
	err_is("write when full", write(fd, buf, 10), ENOSPC);
	close(fd);
	show_statfs("full", m, 1);
	unlink(f);
	show_statfs("emptied", m, 1);
	int made = 0;
	for (int i = 0; i < 10; i++) {
		snprintf(f, sizeof(f), "%s/f%d", m, i);
		int r = mknod(f, S_IFREG | 0644, 0);
		if (r < 0) {
			printf("file %d: %s\n", i, kt_errname(errno));
			break;
		}
		made++;
	}
	printf("files made with nr_inodes=8: %d\n", made);
	err_is("remount size below use", mount(NULL, m, NULL, MS_REMOUNT, "size=4k,nr_inodes=2"), EINVAL);
	err_is("umount", umount2(m, 0), 0);
}

static void busy(void)
{
	if (tmpfs(m, 0, NULL) < 0)
		return;
	char f[128];
	snprintf(f, sizeof(f), "%s/f", m);
	int fd = open(f, O_CREAT | O_RDWR, 0644);
	write(fd, "kept", 4);
	err_is("umount with an open file", umount2(m, 0), EBUSY);
	close(fd);
	int here = open(".", O_RDONLY | O_DIRECTORY);
	chdir(m);
	err_is("umount of the cwd", umount2("../m", 0), EBUSY);
	fchdir(here);
	close(here);
	mkdir(sub, 0755);
	tmpfs(sub, 0, NULL);
	err_is("umount with a mount below", umount2(m, 0), EBUSY);
	err_is("umount the one below", umount2(sub, 0), 0);
	tmpfs(sub, 0, NULL);
	fd = open(f, O_RDONLY);
	struct stat before, after;
	stat(m, &before);
	err_is("lazy umount with an open file", umount2(m, MNT_DETACH), 0);
	char got[8] = { 0 };
	pread(fd, got, 4, 0);
	kt_check(!strcmp(got, "kept"), "the open file still reads after MNT_DETACH");
	close(fd);
	stat(m, &after);
	kt_check(before.st_dev != after.st_dev, "the directory below shows again");
	err_is("the mount below went too", access(sub, F_OK), ENOENT);
	err_is("umount again", umount2(m, 0), EINVAL);
}

/* Runs self with arg in a child, as uid (if not -1): its exit status, or
 * the errno of a failed execve + 100. */
static int run(const char *prog, const char *arg, int uid)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (uid >= 0 && setuid(uid) < 0)
			_exit(99);
		execl(prog, prog, arg, (char *)NULL);
		_exit(100 + errno);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void copy_self(const char *to, mode_t mode)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "cp %s %s", self, to);
	if (system(cmd) != 0)
		printf("copy: failed\n");
	chown(to, 0, 0);
	chmod(to, mode);
}

static void flags(void)
{
	char f[128];
	/* Read-only, and back. */
	if (tmpfs(m, MS_RDONLY, NULL) < 0)
		return;
	snprintf(f, sizeof(f), "%s/f", m);
	err_is("create on ro", open(f, O_CREAT | O_WRONLY, 0644), EROFS);
	err_is("mkdir on ro", mkdir(sub, 0755), EROFS);
	show_statfs("ro", m, 0);
	err_is("remount rw", mount(NULL, m, NULL, MS_REMOUNT, NULL), 0);
	int fd = open(f, O_CREAT | O_WRONLY, 0644);
	err_is("create after remount rw", fd, 0);
	err_is("remount ro with a file open for writing", mount(NULL, m, NULL, MS_REMOUNT | MS_RDONLY, NULL), EBUSY);
	close(fd);
	err_is("remount ro", mount(NULL, m, NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
	err_is("write open on ro", open(f, O_WRONLY), EROFS);
	err_is("unlink on ro", unlink(f), EROFS);
	umount2(m, 0);

	/* noexec: the program does not run, nor map executable. */
	if (tmpfs(m, MS_NOEXEC, "mode=755") < 0)
		return;
	snprintf(f, sizeof(f), "%s/prog", m);
	copy_self(f, 0755);
	int r = run(f, "hello", -1);
	printf("exec on noexec: %s\n", r >= 100 ? kt_errname(r - 100) : "ran");
	fd = open(f, O_RDONLY);
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	err_is("mmap PROT_EXEC on noexec", p == MAP_FAILED ? -1 : 0, EPERM);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	err_is("mmap PROT_READ on noexec", p == MAP_FAILED ? -1 : 0, 0);
	err_is("mprotect PROT_EXEC on noexec", mprotect(p, 4096, PROT_READ | PROT_EXEC), EACCES);
	munmap(p, 4096);
	close(fd);
	show_statfs("noexec", m, 0);
	err_is("remount exec", mount(NULL, m, NULL, MS_REMOUNT, "mode=755"), 0);
	printf("exec after remount: %d\n", run(f, "hello", -1));

	/* nosuid: a set-user-ID root program runs as its caller. */
	snprintf(f, sizeof(f), "%s/suid", m);
	copy_self(f, 04755);
	printf("set-uid exec as nobody: euid %d\n", run(f, "euid", 65534) == 0 ? 0 : 65534);
	err_is("remount nosuid", mount(NULL, m, NULL, MS_REMOUNT | MS_NOSUID, NULL), 0);
	printf("set-uid exec on nosuid: euid %d\n", run(f, "euid", 65534) == 0 ? 0 : 65534);

	/* nodev: a device file there does not open. */
	snprintf(f, sizeof(f), "%s/null", m);
	err_is("mknod", mknod(f, S_IFCHR | 0666, makedev(1, 3)), 0);
	err_is("remount nodev", mount(NULL, m, NULL, MS_REMOUNT | MS_NODEV, NULL), 0);
	err_is("open a device on nodev", open(f, O_RDWR), EACCES);
	err_is("remount dev", mount(NULL, m, NULL, MS_REMOUNT, NULL), 0);
	fd = open(f, O_RDWR);
	err_is("open a device after remount", fd, 0);
	close(fd);
	umount2(m, 0);
}

/* MS_MOVE: a mount and the one below it, to another place. */
static void move(void)
{
	if (tmpfs(m, 0, NULL) < 0)
		return;
	char f[128], g[128];
	mkdir(b, 0755);
	mkdir(sub, 0755);
	tmpfs(sub, 0, NULL);
	snprintf(f, sizeof(f), "%s/f", sub);
	close(open(f, O_CREAT | O_WRONLY, 0644));
	snprintf(g, sizeof(g), "%s/sub", b);
	err_is("move into itself", mount(m, sub, NULL, MS_MOVE, NULL), ELOOP);
	err_is("move not a mount", mount(dir, b, NULL, MS_MOVE, NULL), EINVAL);
	err_is("move", mount(m, b, NULL, MS_MOVE, NULL), 0);
	snprintf(g, sizeof(g), "%s/sub/f", b);
	kt_check(access(g, F_OK) == 0, "the moved mount takes the one below along");
	err_is("the old place is empty", access(f, F_OK), ENOENT);
	snprintf(g, sizeof(g), "%s/sub", b);
	err_is("umount below the moved one", umount2(g, 0), 0);
	err_is("umount the moved one", umount2(b, 0), 0);
}

static void bind(void)
{
	if (tmpfs(m, 0, NULL) < 0)
		return;
	char f[128], g[128];
	snprintf(a, sizeof(a), "%s/a", m);
	mkdir(a, 0755);
	mkdir(b, 0755);
	snprintf(f, sizeof(f), "%s/f", a);
	close(open(f, O_CREAT | O_WRONLY, 0644));
	err_is("bind", mount(a, b, NULL, MS_BIND, NULL), 0);
	struct stat s1, s2;
	snprintf(g, sizeof(g), "%s/f", b);
	kt_check(stat(f, &s1) == 0 && stat(g, &s2) == 0 && s1.st_ino == s2.st_ino && s1.st_dev == s2.st_dev,
		 "the bound directory shows the same file");
	err_is("remount the bind read-only", mount(NULL, b, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0);
	snprintf(g, sizeof(g), "%s/g", b);
	err_is("create through the ro bind", open(g, O_CREAT | O_WRONLY, 0644), EROFS);
	snprintf(g, sizeof(g), "%s/g", a);
	int fd = open(g, O_CREAT | O_WRONLY, 0644);
	err_is("create through the original", fd, 0);
	close(fd);
	show_statfs("bind ro", b, 0);
	show_statfs("bind's original", m, 0);
	err_is("umount the original while bound", umount2(m, 0), 0);
	snprintf(g, sizeof(g), "%s/g", b);
	kt_check(access(g, F_OK) == 0, "the bind still shows the files");
	err_is("umount the bind", umount2(b, 0), 0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "euid"))
		return geteuid() == 0 ? 0 : 1;
	if (argc > 1)
		return 42;              /* "hello": it ran */
	self = argv[0][0] == '/' ? argv[0] + 1 : argv[0];   /* "/" is the cwd in the guest */
	setvbuf(stdout, NULL, _IOLBF, 0);
	strcpy(dir, "kt-mnt-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	chmod(dir, 0755);
	path(m, sizeof(m), "m");
	path(b, sizeof(b), "b");
	snprintf(sub, sizeof(sub), "%s/sub", m);
	mkdir(m, 0755);
	atexit(cleanup);
	printf("-- errors\n");
	errors();
	printf("-- tmpfs limits\n");
	tmpfs_limits();
	printf("-- busy\n");
	busy();
	printf("-- flags\n");
	flags();
	printf("-- move\n");
	move();
	printf("-- bind\n");
	bind();
	return kt_status();
}
