/* fd_dup_fcntl: the fd table. dup, dup2, dup3, fcntl (F_DUPFD,
 * F_DUPFD_CLOEXEC, F_GETFD/F_SETFD, F_GETFL/F_SETFL with O_APPEND and
 * O_NONBLOCK), O_CLOEXEC, fds across fork, and umask.
 *
 * An fd is a slot pointing at an open file: dup'ed fds share the offset
 * and the status flags (F_GETFL) but each slot has its own FD_CLOEXEC.
 * fd numbers are only printed as relations or at 100 and up, where no fd
 * the program inherited can be. Works in ./kt-fd_dup_fcntl. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>

#define D	"kt-fd_dup_fcntl"

/* The status flags by name, leaving out O_LARGEFILE (x86_64 Linux sets it
 * on every open file; see the line printed for it in flags()). */
static void show_fl(const char *what, int fd)
{
	int fl = fcntl(fd, F_GETFL);
	char s[128] = "";

	if (fl < 0) {
		kt_res(what, fl);
		return;
	}
	strcat(s, (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY" :
		  (fl & O_ACCMODE) == O_WRONLY ? "O_WRONLY" :
		  (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_ACCMODE");
	if (fl & O_APPEND)
		strcat(s, "|O_APPEND");
	if (fl & O_NONBLOCK)
		strcat(s, "|O_NONBLOCK");
	if (fl & O_CREAT)
		strcat(s, "|O_CREAT");
	if (fl & O_EXCL)
		strcat(s, "|O_EXCL");
	if (fl & O_TRUNC)
		strcat(s, "|O_TRUNC");
	if (fl & O_DIRECTORY)
		strcat(s, "|O_DIRECTORY");
	if (fl & O_NOFOLLOW)
		strcat(s, "|O_NOFOLLOW");
	if (fl & O_CLOEXEC)
		strcat(s, "|O_CLOEXEC");
	fl &= ~(O_ACCMODE | O_APPEND | O_NONBLOCK | O_CREAT | O_EXCL | O_TRUNC |
		O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_LARGEFILE);
	if (fl)
		sprintf(s + strlen(s), "|0%o", fl);
	printf("%s: %s\n", what, s);
}

static void dups(void)
{
	char buf[16];
	int fd, a, b, c;

	kt_put(D "/f", "0123456789");
	fd = open(D "/f", O_RDONLY);
	a = kt_res_fd("dup(fd)", dup(fd));
	kt_check(a > fd, "dup returns a new fd");
	read(fd, buf, 3);
	kt_res("the dup shares the offset", lseek(a, 0, SEEK_CUR));
	kt_res("close(fd)", close(fd));
	memset(buf, 0, sizeof(buf));
	kt_res("read(dup) after closing the original", read(a, buf, 2));
	printf("read gave \"%s\"\n", buf);
	b = dup(a);
	kt_check(b == fd, "dup takes the lowest free fd");
	kt_res_fd("dup(1000)", dup(1000));
	kt_res_fd("dup(-1)", dup(-1));

	/* dup2 onto an open fd closes it first, quietly. */
	c = open(D "/f", O_RDONLY);
	kt_check(dup2(a, c) == c, "dup2(a, c) returns c");
	kt_res("c now shares a's offset", lseek(c, 0, SEEK_CUR));
	kt_check(dup2(a, a) == a, "dup2(a, a) returns a");
	kt_res("dup2(1000, 100)", dup2(1000, 100));
	kt_res("dup2(a, -1)", dup2(a, -1));
	kt_res("dup2(1000, 1000)", dup2(1000, 1000));
	kt_res("dup2(a, 100)", dup2(a, 100));
	kt_res("lseek(100, 0, SEEK_CUR)", lseek(100, 0, SEEK_CUR));
	kt_res("close(100)", close(100));

	/* dup3 is dup2 with flags, and refuses oldfd == newfd. */
	kt_res("dup3(a, a, 0)", syscall(SYS_dup3, a, a, 0));
	kt_res("dup3(a, 100, 0)", syscall(SYS_dup3, a, 100, 0));
	kt_res("F_GETFD(100)", fcntl(100, F_GETFD));
	kt_res("dup3(a, 101, O_CLOEXEC)", syscall(SYS_dup3, a, 101, O_CLOEXEC));
	kt_res("F_GETFD(101)", fcntl(101, F_GETFD));
	kt_res("dup3(a, 102, O_APPEND)", syscall(SYS_dup3, a, 102, O_APPEND));
	kt_res("dup3(1000, 102, 0)", syscall(SYS_dup3, 1000, 102, 0));
	kt_res("dup2(a, 101) clears FD_CLOEXEC", dup2(a, 101));
	kt_res("F_GETFD(101)", fcntl(101, F_GETFD));
	kt_res("F_SETFD(101, FD_CLOEXEC)", fcntl(101, F_SETFD, FD_CLOEXEC));
	c = dup(101);
	kt_res("dup of a FD_CLOEXEC fd: F_GETFD", fcntl(c, F_GETFD));
	close(c);
	close(100);
	close(101);
	close(a);
	close(b);
}

static void fcntls(void)
{
	char buf[16];
	int fd, a;

	fd = open(D "/f", O_RDWR);
	kt_res("F_DUPFD(fd, 100)", fcntl(fd, F_DUPFD, 100));
	kt_res("F_DUPFD(fd, 100) again", fcntl(fd, F_DUPFD, 100));
	kt_res("F_GETFD(100)", fcntl(100, F_GETFD));
	kt_res("F_DUPFD_CLOEXEC(fd, 100)", fcntl(fd, F_DUPFD_CLOEXEC, 100));
	kt_res("F_GETFD(102)", fcntl(102, F_GETFD));
	close(101);
	kt_res("F_DUPFD(fd, 100) after close(101)", fcntl(fd, F_DUPFD, 100));
	kt_res("F_DUPFD(fd, -1)", fcntl(fd, F_DUPFD, -1));
	kt_res("F_DUPFD(1000, 0)", fcntl(1000, F_DUPFD, 0));
	for (int i = 100; i <= 102; i++)
		close(i);

	kt_res("F_GETFD", fcntl(fd, F_GETFD));
	kt_res("F_SETFD(FD_CLOEXEC)", fcntl(fd, F_SETFD, FD_CLOEXEC));
	kt_res("F_GETFD", fcntl(fd, F_GETFD));
	kt_res("F_SETFD(0xff)", fcntl(fd, F_SETFD, 0xff));
	kt_res("F_GETFD keeps FD_CLOEXEC only", fcntl(fd, F_GETFD));
	kt_res("F_SETFD(0)", fcntl(fd, F_SETFD, 0));
	kt_res("F_GETFD", fcntl(fd, F_GETFD));
	kt_res("F_GETFD(1000)", fcntl(1000, F_GETFD));
	kt_res("F_SETFD(1000)", fcntl(1000, F_SETFD, 0));
	kt_res("F_GETFL(1000)", fcntl(1000, F_GETFL));
	kt_res("fcntl(fd, 9999)", fcntl(fd, 9999, 0));

	/* Status flags belong to the open file, so a dup sees them change. */
	a = dup(fd);
	show_fl("F_GETFL(O_RDWR fd)", fd);
	kt_res("F_SETFL(O_APPEND)", fcntl(fd, F_SETFL, O_APPEND));
	show_fl("F_GETFL", fd);
	show_fl("F_GETFL of its dup", a);
	lseek(a, 0, SEEK_SET);
	kt_res("write through the dup appends", write(a, "X", 1));
	kt_res("offset", lseek(a, 0, SEEK_CUR));
	kt_res("F_SETFL(O_NONBLOCK)", fcntl(fd, F_SETFL, O_NONBLOCK));
	show_fl("F_GETFL", fd);
	lseek(fd, 0, SEEK_SET);
	kt_res("write without O_APPEND goes to the offset", write(fd, "Y", 1));
	kt_res("F_SETFL(O_APPEND|O_NONBLOCK)", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
	show_fl("F_GETFL", fd);
	kt_res("F_SETFL(0)", fcntl(fd, F_SETFL, 0));
	show_fl("F_GETFL", fd);
	close(a);
	close(fd);
	printf("contents: %s\n", kt_get(D "/f", buf, sizeof(buf)));

	/* F_SETFL cannot change the access mode. */
	fd = open(D "/f", O_RDONLY);
	kt_res("F_SETFL(O_RDWR) on an O_RDONLY fd", fcntl(fd, F_SETFL, O_RDWR));
	show_fl("F_GETFL", fd);
	kt_res("write still refused", write(fd, "z", 1));
	close(fd);

	/* open's creation flags are not kept; O_DIRECTORY and friends are. */
	fd = open(D "/g", O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0644);
	show_fl("F_GETFL after O_WRONLY|O_CREAT|O_EXCL|O_TRUNC", fd);
	kt_res("F_GETFL shows O_LARGEFILE", !!(fcntl(fd, F_GETFL) & O_LARGEFILE));
	close(fd);
	fd = open(D "/g", O_RDWR | O_APPEND | O_NONBLOCK);
	show_fl("F_GETFL after O_RDWR|O_APPEND|O_NONBLOCK", fd);
	close(fd);
	fd = open(D, O_RDONLY | O_DIRECTORY);
	show_fl("F_GETFL after O_RDONLY|O_DIRECTORY", fd);
	close(fd);
	unlinkat(AT_FDCWD, D "/g", 0);
}

static void cloexec(void)
{
	int fd, fd2, status;
	pid_t pid;

	/* Raw openat: musl's open() would add an F_SETFD of its own. */
	fd = syscall(SYS_openat, AT_FDCWD, D "/f", O_RDONLY | O_CLOEXEC);
	kt_res("openat(O_CLOEXEC): F_GETFD", fcntl(fd, F_GETFD));
	fd2 = syscall(SYS_openat, AT_FDCWD, D "/f", O_RDONLY);
	kt_res("openat without O_CLOEXEC: F_GETFD", fcntl(fd2, F_GETFD));
	show_fl("F_GETFL after O_RDONLY|O_CLOEXEC", fd);

	/* A forked child gets the same fds, flags and offsets. */
	lseek(fd2, 4, SEEK_SET);
	pid = kt_fork();
	if (pid == 0)
		_exit((fcntl(fd, F_GETFD) == FD_CLOEXEC) | (fcntl(fd2, F_GETFD) == 0) << 1 |
		      (lseek(fd2, 0, SEEK_CUR) == 4) << 2 | (close(fd) == 0) << 3);
	waitpid(pid, &status, 0);
	printf("the child's fds: %d (15 = FD_CLOEXEC, no FD_CLOEXEC, offset, close)\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	kt_res("the parent's fd survives the child's close", lseek(fd, 0, SEEK_CUR));
	close(fd);
	close(fd2);
}

static void umasks(void)
{
	struct stat st;
	int fd;

	printf("umask(077) returns the old mask: %o\n", umask(077));
	printf("umask(022): %o\n", umask(022));
	printf("umask(07777): %o\n", umask(07777));
	printf("umask(022), only 0777 was kept: %o\n", umask(022));
	umask(077);
	mkdirat(AT_FDCWD, D "/d1", 0777);
	fstatat(AT_FDCWD, D "/d1", &st, 0);
	printf("mkdirat 0777 under umask 077: %o\n", st.st_mode & 07777);
	umask(0);
	mkdirat(AT_FDCWD, D "/d2", 01777);
	fstatat(AT_FDCWD, D "/d2", &st, 0);
	printf("mkdirat 01777 under umask 0: %o\n", st.st_mode & 07777);
	umask(022);
	fd = open(D "/h", O_RDWR | O_CREAT, 0666);
	fstat(fd, &st);
	printf("open 0666 under umask 022: %o\n", st.st_mode & 07777);
	close(fd);
	symlinkat("h", AT_FDCWD, D "/l");
	fstatat(AT_FDCWD, D "/l", &st, AT_SYMLINK_NOFOLLOW);
	printf("symlinks ignore the umask: %o\n", st.st_mode & 07777);
	unlinkat(AT_FDCWD, D "/d1", AT_REMOVEDIR);
	unlinkat(AT_FDCWD, D "/d2", AT_REMOVEDIR);
	unlinkat(AT_FDCWD, D "/h", 0);
	unlinkat(AT_FDCWD, D "/l", 0);
}

int main(void)
{
	umask(022);
	if (kt_fresh_dir(D))
		return 0;
	dups();
	fcntls();
	cloexec();
	umasks();
	unlinkat(AT_FDCWD, D "/f", 0);
	kt_res("remove the test directory", unlinkat(AT_FDCWD, D, AT_REMOVEDIR));
	kt_rmtree(D);
	return 0;
}
