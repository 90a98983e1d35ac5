/* lock_posix: fcntl record locks between processes.
 *
 * The parent sets locks; a forked "probe" child asks F_GETLK about a
 * range and prints what it sees (type, range, whether l_pid is the
 * parent), or tries F_SETLK. Covered: conflicts and their absence, every
 * l_whence, l_len 0 (to EOF) and negative, unlock splitting a range,
 * merging, type conversion, F_SETLKW sleeping until the release, release
 * on the close of ANY descriptor of the file (also a dup, not a forked
 * child's), at exit, at execve for close-on-exec descriptors only;
 * EDEADLK for a two-process cycle; a sleeper stopped and continued, or
 * killed; OFD locks; the errors. Runs in ./kt-lock_posix and
 * /tmp/kt-lock_posix. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>

static const char *base;
static pid_t parent;

#define P(name) kt_path(base, name)

static const char *type_name(int t)
{
	return t == F_RDLCK ? "R" : t == F_WRLCK ? "W" : t == F_UNLCK ? "U" : "?";
}

static struct flock range(int type, int whence, long start, long len)
{
	struct flock fl = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = len };
	return fl;
}

/* The result of F_GETLK as a line: the conflicting lock, or "none". */
static void show_getlk(const char *what, int fd, int cmd, struct flock fl)
{
	if (fcntl(fd, cmd, &fl) < 0) {
		printf("%s: -1 %s\n", what, kt_errname(errno));
		return;
	}
	if (fl.l_type == F_UNLCK) {
		printf("%s: none\n", what);
		return;
	}
	const char *who = fl.l_pid == parent ? "parent" : fl.l_pid == -1 ? "-1 (OFD)" :
			  fl.l_pid == getpid() ? "me" : "another";
	printf("%s: %s start=%ld len=%ld whence=%d pid=%s\n", what, type_name(fl.l_type),
	       (long)fl.l_start, (long)fl.l_len, fl.l_whence, who);
}

static long set(const char *what, int fd, int cmd, struct flock fl)
{
	return kt_res(what, fcntl(fd, cmd, &fl));
}

/* In a child (another process, so another lock owner): F_GETLK for type
 * over [start, start + len). */
static void probe(const char *file, int type, long start, long len)
{
	char what[96];
	snprintf(what, sizeof(what), "  probe %s: %s %ld+%ld", file, type_name(type), start, len);
	if (kt_fork() == 0) {
		int fd = open(P(file), O_RDWR);
		show_getlk(what, fd, F_GETLK, range(type, SEEK_SET, start, len));
		exit(0);
	}
	wait(NULL);
}

/* In a child: F_SETLK, which must not block. */
static void probe_set(const char *file, int type, long start, long len)
{
	char what[96];
	snprintf(what, sizeof(what), "  child F_SETLK %s %ld+%ld", type_name(type), start, len);
	if (kt_fork() == 0) {
		int fd = open(P(file), O_RDWR);
		set(what, fd, F_SETLK, range(type, SEEK_SET, start, len));
		exit(0);
	}
	wait(NULL);
}

static int make_file(const char *name, long size)
{
	int fd = open(P(name), O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (ftruncate(fd, size) < 0)
		printf("ftruncate: %s\n", kt_errname(errno));
	return fd;
}

static void errors(void)
{
	printf("errors\n");
	int fd = make_file("e", 100);
	int ro = open(P("e"), O_RDONLY), wo = open(P("e"), O_WRONLY);
	int path = open(P("e"), O_PATH);
	set("bad l_whence", fd, F_SETLK, range(F_RDLCK, 7, 0, 1));
	set("bad l_type", fd, F_SETLK, range(9, SEEK_SET, 0, 1));
	set("F_RDLCK on O_WRONLY", wo, F_SETLK, range(F_RDLCK, SEEK_SET, 0, 1));
	set("F_WRLCK on O_RDONLY", ro, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 1));
	set("F_UNLCK on O_RDONLY", ro, F_SETLK, range(F_UNLCK, SEEK_SET, 0, 1));
	set("start before 0", fd, F_SETLK, range(F_WRLCK, SEEK_SET, -1, 1));
	set("negative len past 0", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 5, -6));
	set("SEEK_END start before 0", fd, F_SETLK, range(F_WRLCK, SEEK_END, -101, 1));
	set("start + len overflows", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 0x7fffffffffffffffL, 2));
	set("SEEK_END + start overflows", fd, F_SETLK, range(F_WRLCK, SEEK_END, 0x7fffffffffffffffL, 1));
	set("last byte: start INT64_MAX len 1", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 0x7fffffffffffffffL, 1));
	show_getlk("F_GETLK F_UNLCK", fd, F_GETLK, range(F_UNLCK, SEEK_SET, 0, 1));
	show_getlk("F_GETLK bad type", fd, F_GETLK, range(7, SEEK_SET, 0, 1));
	set("O_PATH fd", path, F_SETLK, range(F_RDLCK, SEEK_SET, 0, 1));
	set("bad fd", 999, F_SETLK, range(F_RDLCK, SEEK_SET, 0, 1));
	kt_res("NULL struct flock", fcntl(fd, F_SETLK, NULL));
	kt_res("F_GETLK NULL", fcntl(fd, F_GETLK, NULL));
	struct flock ofd = range(F_RDLCK, SEEK_SET, 0, 1);
	ofd.l_pid = 1;
	set("F_OFD_SETLK with l_pid 1", fd, F_OFD_SETLK, ofd);
	show_getlk("F_OFD_GETLK with l_pid 1", fd, F_OFD_GETLK, ofd);
	close(fd);
	close(ro);
	close(wo);
	close(path);
}

static void conflicts(void)
{
	printf("conflicts: parent holds W 10+10 and R 30..EOF\n");
	int fd = make_file("c", 1000);
	set("W 10+10", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 10, 10));
	set("R 30+0 (to EOF)", fd, F_SETLK, range(F_RDLCK, SEEK_SET, 30, 0));
	show_getlk("own F_GETLK sees nothing", fd, F_GETLK, range(F_WRLCK, SEEK_SET, 0, 0));
	probe("c", F_WRLCK, 0, 100);
	probe("c", F_RDLCK, 0, 100);
	probe("c", F_RDLCK, 30, 1000000);
	probe("c", F_WRLCK, 20, 10);
	probe("c", F_WRLCK, 25, 6);
	probe("c", F_WRLCK, 5000000, 1);
	probe("c", F_RDLCK, 19, 1);
	probe("c", F_RDLCK, 20, 1);
	probe("c", F_WRLCK, 9, 1);
	probe_set("c", F_WRLCK, 15, 2);
	probe_set("c", F_RDLCK, 0, 10);
	probe_set("c", F_RDLCK, 20, 10);
	probe_set("c", F_RDLCK, 40, 5);
	probe_set("c", F_WRLCK, 40, 5);

	/* Every l_whence, in a child looking at a lock set the three ways. */
	set("unlock all", fd, F_SETLK, range(F_UNLCK, SEEK_SET, 0, 0));
	lseek(fd, 500, SEEK_SET);
	set("SEEK_CUR(500) +5 len 5", fd, F_SETLK, range(F_WRLCK, SEEK_CUR, 5, 5));
	set("SEEK_END(1000) -10 len 0", fd, F_SETLK, range(F_RDLCK, SEEK_END, -10, 0));
	set("SEEK_SET 100 len -10", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 100, -10));
	probe("c", F_WRLCK, 0, 0);
	probe("c", F_WRLCK, 100, 0);
	probe("c", F_WRLCK, 600, 0);
	if (kt_fork() == 0) {
		int cfd = open(P("c"), O_RDWR);
		lseek(cfd, 995, SEEK_SET);
		show_getlk("  child F_GETLK SEEK_CUR(995) -5 len 0", cfd, F_GETLK,
			   range(F_WRLCK, SEEK_CUR, -5, 0));
		show_getlk("  child F_GETLK SEEK_END -1 len 1", cfd, F_GETLK,
			   range(F_WRLCK, SEEK_END, -1, 1));
		show_getlk("  child F_GETLK SEEK_END 0 len -1", cfd, F_GETLK,
			   range(F_WRLCK, SEEK_END, 0, -1));
		exit(0);
	}
	wait(NULL);
	close(fd);
}

static void split_merge(void)
{
	printf("split and merge\n");
	int fd = make_file("s", 1000);
	set("W 0+100", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 100));
	set("unlock 40+20", fd, F_SETLK, range(F_UNLCK, SEEK_SET, 40, 20));
	probe("s", F_WRLCK, 0, 0);
	probe("s", F_WRLCK, 40, 0);
	probe("s", F_WRLCK, 40, 20);
	set("R 50+5 in the hole", fd, F_SETLK, range(F_RDLCK, SEEK_SET, 50, 5));
	probe("s", F_WRLCK, 40, 0);
	probe("s", F_RDLCK, 40, 0);
	set("W 40+10 fills up to R", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 40, 10));
	probe("s", F_WRLCK, 0, 0);
	set("W 55+5 joins R to the right W", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 55, 5));
	probe("s", F_WRLCK, 51, 0);
	set("R 0+100 converts all", fd, F_SETLK, range(F_RDLCK, SEEK_SET, 0, 100));
	probe("s", F_WRLCK, 0, 0);
	probe_set("s", F_RDLCK, 0, 100);
	set("W 20+10 inside R", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 20, 10));
	probe("s", F_RDLCK, 0, 0);
	probe("s", F_WRLCK, 0, 0);
	probe("s", F_WRLCK, 25, 0);
	probe("s", F_WRLCK, 30, 0);
	set("unlock 10..EOF", fd, F_SETLK, range(F_UNLCK, SEEK_SET, 10, 0));
	probe("s", F_WRLCK, 0, 0);
	probe("s", F_WRLCK, 10, 0);
	close(fd);
}

/* F_SETLKW sleeps until the holder lets go. The child tells the parent
 * it is about to sleep; the parent checks it has not got through, then
 * unlocks, and the child reports. */
static void setlkw(void)
{
	printf("F_SETLKW\n");
	int fd = make_file("w", 100);
	int ready[2], done[2];
	if (pipe(ready) < 0 || pipe(done) < 0)
		return;
	set("parent W 0+10", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 10));
	if (kt_fork() == 0) {
		int cfd = open(P("w"), O_RDWR);
		struct flock fl = range(F_WRLCK, SEEK_SET, 5, 1);
		write(ready[1], "r", 1);
		long r = fcntl(cfd, F_SETLKW, &fl);
		write(done[1], r == 0 ? "0" : "E", 1);
		exit(0);
	}
	char c;
	close(ready[1]);    /* a child that ends early gives EOF, not a hang */
	close(done[1]);
	read(ready[0], &c, 1);
	kt_sleep_ms(300);
	fcntl(done[0], F_SETFL, O_NONBLOCK);
	kt_check(read(done[0], &c, 1) < 0 && errno == EAGAIN, "the child sleeps in F_SETLKW");
	set("parent unlocks 0+5 (not the child's byte)", fd, F_SETLK, range(F_UNLCK, SEEK_SET, 0, 5));
	kt_sleep_ms(100);
	kt_check(read(done[0], &c, 1) < 0 && errno == EAGAIN, "the child still sleeps");
	set("parent unlocks 5+1", fd, F_SETLK, range(F_UNLCK, SEEK_SET, 5, 1));
	fcntl(done[0], F_SETFL, 0);
	kt_check(read(done[0], &c, 1) == 1 && c == '0', "the child got its lock");
	wait(NULL);
	probe("w", F_WRLCK, 0, 0);      /* it ended: its lock went at exit */
	close(ready[0]); close(done[0]);
	close(fd);
}

static void release_on_close(void)
{
	printf("released on any close\n");
	int fd = make_file("r", 100);
	int other = open(P("r"), O_RDONLY);
	set("W 0+10 through fd", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 10));
	probe("r", F_RDLCK, 0, 0);
	kt_res("close(another fd of the file)", close(other));
	probe("r", F_RDLCK, 0, 0);

	set("W 0+10 again", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 10));
	int d = dup(fd);
	kt_res("close(dup)", close(d));
	probe("r", F_RDLCK, 0, 0);

	set("W 0+10 again", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 10));
	if (kt_fork() == 0) {
		close(fd);      /* the child's table, not the parent's: no effect */
		exit(0);
	}
	wait(NULL);
	probe("r", F_RDLCK, 0, 0);

	int fd2 = open(P("r"), O_RDWR);
	set("W 20+10 through fd2", fd2, F_SETLK, range(F_WRLCK, SEEK_SET, 20, 10));
	kt_res("close(fd2)", close(fd2));
	probe("r", F_RDLCK, 0, 0);      /* both went */

	if (kt_fork() == 0) {
		int cfd = open(P("r"), O_RDWR);
		set("  child W 50+1, then exits", cfd, F_SETLK, range(F_WRLCK, SEEK_SET, 50, 1));
		exit(0);
	}
	wait(NULL);
	probe("r", F_RDLCK, 0, 0);
	close(fd);
}

/* execve keeps the process's locks, except those of close-on-exec
 * descriptors: closing them is a close like any other. The child locks
 * two files, one through an O_CLOEXEC descriptor, and becomes busybox
 * waiting on a pipe; the parent probes both. */
static void exec_closes(void)
{
	printf("execve\n");
	int keep = make_file("x1", 10), gone = make_file("x2", 10), in[2], ready[2];
	if (pipe(in) < 0 || pipe(ready) < 0)
		return;
	close(keep);
	close(gone);
	pid_t pid = kt_fork();
	if (pid == 0) {
		int k = open(P("x1"), O_RDWR), g = open(P("x2"), O_RDWR | O_CLOEXEC);
		set("  child W 0+1 on x1", k, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 1));
		set("  child W 0+1 on x2 (O_CLOEXEC)", g, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 1));
		dup2(in[0], 0);
		dup2(ready[1], 1);      /* busybox says when it runs */
		execl("/bin/busybox", "sh", "-c", "echo r; read x", (char *)NULL);
		exit(127);
	}
	close(in[0]);
	close(ready[1]);
	char c;
	read(ready[0], &c, 1);
	probe("x1", F_RDLCK, 0, 0);
	probe("x2", F_RDLCK, 0, 0);
	write(in[1], "\n", 1);
	waitpid(pid, NULL, 0);
	probe("x1", F_RDLCK, 0, 0);
	close(in[1]);
	close(ready[0]);
}

/* A holds 0, B holds 1; B sleeps for 0; A asking for 1 would close the
 * cycle: EDEADLK. */
static void deadlock(void)
{
	printf("deadlock\n");
	int fd = make_file("d", 10);
	int ready[2], done[2];
	if (pipe(ready) < 0 || pipe(done) < 0)
		return;
	set("parent W 0+1", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 1));
	if (kt_fork() == 0) {
		int cfd = open(P("d"), O_RDWR);
		struct flock one = range(F_WRLCK, SEEK_SET, 1, 1), zero = range(F_WRLCK, SEEK_SET, 0, 1);
		fcntl(cfd, F_SETLK, &one);
		write(ready[1], "r", 1);
		long r = fcntl(cfd, F_SETLKW, &zero);
		write(done[1], r == 0 ? "0" : "E", 1);
		exit(0);
	}
	char c;
	close(ready[1]);    /* a child that ends early gives EOF, not a hang */
	close(done[1]);
	read(ready[0], &c, 1);
	kt_sleep_ms(300);
	set("parent F_SETLKW W 1+1", fd, F_SETLKW, range(F_WRLCK, SEEK_SET, 1, 1));
	set("parent F_SETLK W 1+1", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 1, 1));
	set("parent F_OFD_SETLK is not POSIX: still EAGAIN", fd, F_OFD_SETLK, range(F_WRLCK, SEEK_SET, 1, 1));
	set("parent unlocks 0", fd, F_SETLK, range(F_UNLCK, SEEK_SET, 0, 1));
	kt_check(read(done[0], &c, 1) == 1 && c == '0', "the child got byte 0");
	wait(NULL);
	close(ready[0]); close(done[0]);
	close(fd);
}

/* A sleeper in F_SETLKW stopped and continued goes on sleeping (the
 * call is made again) and gets its lock; SIGKILL ends one. */
static void signals(void)
{
	printf("signals to a sleeper\n");
	int fd = make_file("k", 10);
	int ready[2], done[2], st;
	if (pipe(ready) < 0 || pipe(done) < 0)
		return;
	set("parent W 0+1", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 1));
	pid_t pid = kt_fork();
	if (pid == 0) {
		int cfd = open(P("k"), O_RDWR);
		struct flock fl = range(F_WRLCK, SEEK_SET, 0, 1);
		write(ready[1], "r", 1);
		long r = fcntl(cfd, F_SETLKW, &fl);
		write(done[1], r == 0 ? "0" : "E", 1);
		char c;
		if (r == 0)     /* holds the lock until SIGKILL: its own end keeps the pipe open */
			read(ready[0], &c, 1);
		exit(0);
	}
	char c;
	close(ready[1]);
	close(done[1]);
	read(ready[0], &c, 1);
	kt_sleep_ms(300);
	kill(pid, SIGSTOP);
	kt_check(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st), "the sleeper stopped");
	kill(pid, SIGCONT);
	kt_sleep_ms(200);
	fcntl(done[0], F_SETFL, O_NONBLOCK);
	kt_check(read(done[0], &c, 1) < 0 && errno == EAGAIN, "continued, it sleeps again");
	set("parent unlocks", fd, F_SETLK, range(F_UNLCK, SEEK_SET, 0, 1));
	fcntl(done[0], F_SETFL, 0);
	kt_check(read(done[0], &c, 1) == 1 && c == '0', "the sleeper got its lock");
	probe("k", F_RDLCK, 0, 0);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	probe("k", F_RDLCK, 0, 0);      /* gone with it */
	close(ready[0]);
	close(done[0]);

	set("parent W 0+1", fd, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 1));
	pid = kt_fork();
	if (pid == 0) {
		int cfd = open(P("k"), O_RDWR);
		struct flock fl = range(F_WRLCK, SEEK_SET, 0, 1);
		fcntl(cfd, F_SETLKW, &fl);
		exit(0);
	}
	kt_sleep_ms(300);
	kill(pid, SIGKILL);
	kt_check(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		 "SIGKILL ends a sleeper in F_SETLKW");
	probe("k", F_RDLCK, 0, 0);
	close(fd);
}

static void ofd(void)
{
	printf("OFD locks\n");
	int a = make_file("o", 100);
	int b = open(P("o"), O_RDWR);
	set("OFD W 0+10 on a", a, F_OFD_SETLK, range(F_WRLCK, SEEK_SET, 0, 10));
	set("POSIX W 0+10 on b, same process", b, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 10));
	show_getlk("POSIX F_GETLK on b", b, F_GETLK, range(F_WRLCK, SEEK_SET, 0, 0));
	set("OFD W 5+1 on b (another open file)", b, F_OFD_SETLK, range(F_WRLCK, SEEK_SET, 5, 1));
	show_getlk("F_OFD_GETLK on b", b, F_OFD_GETLK, range(F_RDLCK, SEEK_SET, 0, 0));
	show_getlk("F_OFD_GETLK on a: own", a, F_OFD_GETLK, range(F_WRLCK, SEEK_SET, 0, 0));
	show_getlk("F_OFD_GETLK F_UNLCK on a: own lock", a, F_OFD_GETLK, range(F_UNLCK, SEEK_SET, 0, 0));
	int d = dup(a);
	set("OFD R 0+10 on a dup converts it", d, F_OFD_SETLK, range(F_RDLCK, SEEK_SET, 0, 10));
	set("OFD R 0+10 on b now", b, F_OFD_SETLK, range(F_RDLCK, SEEK_SET, 0, 10));
	set("OFD unlock on b", b, F_OFD_SETLK, range(F_UNLCK, SEEK_SET, 0, 0));
	kt_res("close(b): OFD locks stay", close(b));
	probe("o", F_WRLCK, 0, 0);
	kt_res("close(a)", close(a));
	probe("o", F_WRLCK, 0, 0);
	kt_res("close(the dup, last)", close(d));
	probe("o", F_WRLCK, 0, 0);

	/* A forked child shares the open file, so it shares the lock. */
	a = open(P("o"), O_RDWR);
	set("OFD W 0+10", a, F_OFD_SETLK, range(F_WRLCK, SEEK_SET, 0, 10));
	if (kt_fork() == 0) {
		set("  child OFD W 0+10 on the shared file", a, F_OFD_SETLK, range(F_WRLCK, SEEK_SET, 0, 10));
		set("  child POSIX W 0+10 on it", a, F_SETLK, range(F_WRLCK, SEEK_SET, 0, 10));
		set("  child unlocks OFD 0+5", a, F_OFD_SETLK, range(F_UNLCK, SEEK_SET, 0, 5));
		exit(0);
	}
	wait(NULL);
	probe("o", F_WRLCK, 0, 0);
	close(a);
	probe("o", F_WRLCK, 0, 0);
}

static void run(const char *dir)
{
	base = dir;
	printf("in %s\n", dir[0] == '/' ? "/tmp" : "the root fs");
	if (kt_fresh_dir(base) < 0) {
		printf("mkdir %s: %s\n", base, kt_errname(errno));
		return;
	}
	errors();
	conflicts();
	split_merge();
	setlkw();
	release_on_close();
	exec_closes();
	deadlock();
	signals();
	ofd();
	kt_rmtree(base);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	parent = getpid();
	run("kt-lock_posix");
	run("/tmp/kt-lock_posix");
	return kt_status();
}
