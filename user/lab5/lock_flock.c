/* lock_flock: flock(2), owned by the open file.
 *
 * Two opens of one file conflict, a dup or a forked child's copy of the
 * descriptor shares the lock (LOCK_UN in the child frees the parent's),
 * conversions (not atomic: a LOCK_NB conversion that fails has dropped
 * the old lock, as on Linux), a blocking LOCK_EX that sleeps until the
 * holder lets go, release at the last close, independence from fcntl
 * locks, the errors. Runs in ./kt-lock_flock and /tmp/kt-lock_flock. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>

static const char *base;

#define P(name) kt_path(base, name)

/* In a child with an open file of its own: can it take op | LOCK_NB? */
static void probe(const char *name, int op)
{
	if (kt_fork() == 0) {
		int fd = open(P(name), O_RDONLY);
		kt_res(op == LOCK_EX ? "  other open file: LOCK_EX|LOCK_NB" : "  other open file: LOCK_SH|LOCK_NB",
		     flock(fd, op | LOCK_NB));
		exit(0);
	}
	wait(NULL);
}

static void errors(void)
{
	printf("errors\n");
	int fd = open(P("e"), O_RDWR | O_CREAT, 0644);
	int path = open(P("e"), O_PATH);
	kt_res("flock(fd, 0)", flock(fd, 0));
	kt_res("LOCK_SH|LOCK_EX", flock(fd, LOCK_SH | LOCK_EX));
	kt_res("LOCK_NB alone", flock(fd, LOCK_NB));
	kt_res("LOCK_UN|LOCK_EX", flock(fd, LOCK_UN | LOCK_EX));
	kt_res("bad fd", flock(999, LOCK_EX));
	kt_res("bad fd, bad op: EINVAL first", flock(999, 77));
	kt_res("O_PATH fd", flock(path, LOCK_SH));
	kt_res("LOCK_UN without a lock", flock(fd, LOCK_UN));
	int dir = open(base, O_RDONLY | O_DIRECTORY);
	kt_res("LOCK_EX on a directory", flock(dir, LOCK_EX));
	close(dir);
	close(path);
	close(fd);
}

static void sharing(void)
{
	printf("sharing\n");
	int a = open(P("f"), O_RDWR | O_CREAT, 0644);
	int b = open(P("f"), O_RDONLY);
	kt_res("a: LOCK_EX", flock(a, LOCK_EX));
	kt_res("a: LOCK_EX again", flock(a, LOCK_EX));
	kt_res("b: LOCK_EX|LOCK_NB", flock(b, LOCK_EX | LOCK_NB));
	kt_res("b: LOCK_SH|LOCK_NB", flock(b, LOCK_SH | LOCK_NB));
	int d = dup(a);
	kt_res("dup of a: LOCK_EX|LOCK_NB (the same lock)", flock(d, LOCK_EX | LOCK_NB));
	kt_res("close(dup): the lock stays", close(d));
	probe("f", LOCK_SH);
	kt_res("b: fcntl F_RDLCK is independent of flock", fcntl(b, F_SETLK, &(struct flock){ .l_type = F_RDLCK }));
	if (kt_fork() == 0) {
		kt_res("  child: LOCK_SH on the shared a converts it", flock(a, LOCK_SH | LOCK_NB));
		kt_res("  child: LOCK_UN on the shared a", flock(a, LOCK_UN));
		exit(0);
	}
	wait(NULL);
	kt_res("b: LOCK_EX|LOCK_NB after the child's LOCK_UN", flock(b, LOCK_EX | LOCK_NB));
	kt_res("a: LOCK_SH|LOCK_NB", flock(a, LOCK_SH | LOCK_NB));
	kt_res("close(b): its lock goes", close(b));
	kt_res("a: LOCK_SH|LOCK_NB", flock(a, LOCK_SH | LOCK_NB));
	probe("f", LOCK_SH);
	probe("f", LOCK_EX);
	close(a);
	probe("f", LOCK_EX);
}

/* Two holders of LOCK_SH; a conversion to LOCK_EX|LOCK_NB by one fails
 * and leaves it with no lock at all, so the other converts. */
static void conversions(void)
{
	printf("conversions\n");
	int a = open(P("c"), O_RDWR | O_CREAT, 0644);
	int b = open(P("c"), O_RDWR);
	kt_res("a: LOCK_SH", flock(a, LOCK_SH));
	kt_res("b: LOCK_SH", flock(b, LOCK_SH));
	kt_res("a: LOCK_EX|LOCK_NB", flock(a, LOCK_EX | LOCK_NB));
	kt_res("b: LOCK_EX|LOCK_NB (a lost its lock)", flock(b, LOCK_EX | LOCK_NB));
	kt_res("a: LOCK_SH|LOCK_NB", flock(a, LOCK_SH | LOCK_NB));
	kt_res("b: LOCK_SH (downgrade)", flock(b, LOCK_SH));
	kt_res("a: LOCK_SH|LOCK_NB", flock(a, LOCK_SH | LOCK_NB));
	close(a);
	close(b);
}

/* A child sleeps in LOCK_EX until the parent's LOCK_UN. */
static void blocking(void)
{
	printf("blocking\n");
	int a = open(P("b"), O_RDWR | O_CREAT, 0644);
	int ready[2], done[2];
	if (pipe(ready) < 0 || pipe(done) < 0)
		return;
	kt_res("parent: LOCK_SH", flock(a, LOCK_SH));
	if (kt_fork() == 0) {
		int fd = open(P("b"), O_RDWR);
		write(ready[1], "r", 1);
		long r = flock(fd, LOCK_EX);
		write(done[1], r == 0 ? "0" : "E", 1);
		exit(0);
	}
	char c;
	close(ready[1]);    /* a child that ends early gives EOF, not a hang */
	close(done[1]);
	read(ready[0], &c, 1);
	kt_sleep_ms(300);
	fcntl(done[0], F_SETFL, O_NONBLOCK);
	kt_check(read(done[0], &c, 1) < 0 && errno == EAGAIN, "the child sleeps in LOCK_EX");
	kt_res("parent: LOCK_UN", flock(a, LOCK_UN));
	fcntl(done[0], F_SETFL, 0);
	kt_check(read(done[0], &c, 1) == 1 && c == '0', "the child got LOCK_EX");
	wait(NULL);
	kt_res("parent: LOCK_EX|LOCK_NB once the child ended", flock(a, LOCK_EX | LOCK_NB));
	close(a);
	close(ready[0]); close(done[0]);
}

/* SIGKILL ends a sleeper in flock. */
static void killed(void)
{
	printf("SIGKILL\n");
	int a = open(P("k"), O_RDWR | O_CREAT, 0644);
	kt_res("parent: LOCK_EX", flock(a, LOCK_EX));
	pid_t pid = kt_fork();
	if (pid == 0) {
		int fd = open(P("k"), O_RDWR);
		flock(fd, LOCK_EX);
		exit(0);
	}
	kt_sleep_ms(300);
	kill(pid, SIGKILL);
	int st;
	kt_check(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		 "SIGKILL ends a sleeper in flock");
	probe("k", LOCK_SH);
	close(a);
}

static void run(const char *dir)
{
	base = dir;
	printf("in %s\n", dir[0] == '/' ? "/tmp" : "the root fs");
	if (kt_fresh_dir(base) < 0) {
		printf("mkdir: %s\n", kt_errname(errno));
		return;
	}
	errors();
	sharing();
	conversions();
	blocking();
	killed();
	kt_rmtree(base);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	run("kt-lock_flock");
	run("/tmp/kt-lock_flock");
	return kt_status();
}
