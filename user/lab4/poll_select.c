/* poll_select: poll, ppoll, select and pselect6.
 *
 * What a pipe's ends report (empty, with data, full, after either end
 * closes), that files without a poll operation (a regular file, a
 * directory, /dev/null) are always ready, POLLNVAL and negative fds,
 * sleepers woken by a child that writes, reads or closes later, timeouts
 * that really wait, the time left written back, the signal masks of ppoll
 * and pselect6, and every error (EINVAL, EBADF, EFAULT).
 *
 * Pipe sizes are whole pages: Linux keeps a pipe as 16 page buffers and
 * is writable while one is free, so only page steps give the same answers
 * on any faithful 64 KiB ring. ppoll, select and pselect6 are raw system
 * calls: musl copies the timeout, which hides the time written back.
 * Times, pids and fd numbers are never printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>

#define FILE_NAME "kt-poll_select"
#define MS 1000000LL                    /* ns */
#define BAD_PTR ((void *)8)

static char buf[65536];
static unsigned long big[100000 / 64 + 1];     /* an fd_set of 100000 bits */

/* The kernel's struct timeval and pselect6's sixth argument. */
struct kt_timeval { long tv_sec, tv_usec; };
struct kt_sigset_arg { const sigset_t *mask; size_t size; };

static long sys_ppoll(struct pollfd *fds, unsigned long n, struct timespec *ts,
		      const sigset_t *mask, size_t size)
{
	return syscall(SYS_ppoll, fds, n, ts, mask, size);
}

static long sys_select(long n, fd_set *r, fd_set *w, fd_set *e, struct kt_timeval *tv)
{
	return syscall(SYS_select, n, r, w, e, tv);
}

static long sys_pselect6(long n, fd_set *r, fd_set *w, fd_set *e, struct timespec *ts,
			 struct kt_sigset_arg *arg)
{
	return syscall(SYS_pselect6, n, r, w, e, ts, arg);
}

/* "POLLIN|POLLRDNORM", "0" for none; up to four live at once. */
static const char *names(int mask)
{
	static const struct { int bit; const char *name; } all[] = {
		{ POLLIN, "POLLIN" }, { POLLPRI, "POLLPRI" }, { POLLOUT, "POLLOUT" },
		{ POLLERR, "POLLERR" }, { POLLHUP, "POLLHUP" }, { POLLNVAL, "POLLNVAL" },
		{ POLLRDNORM, "POLLRDNORM" }, { POLLRDBAND, "POLLRDBAND" },
		{ POLLWRNORM, "POLLWRNORM" }, { POLLWRBAND, "POLLWRBAND" },
	};
	static char ring[4][160];
	static int next;
	char *s = ring[next++ % 4];

	s[0] = '\0';
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (mask & all[i].bit) {
			if (s[0])
				strcat(s, "|");
			strcat(s, all[i].name);
			mask &= ~all[i].bit;
		}
	}
	if (mask)
		snprintf(s + strlen(s), sizeof(ring[0]) - strlen(s), "%s%#x", s[0] ? "|" : "", mask);
	return s[0] ? s : "0";
}

/* Polls one fd for events with timeout ms; prints the result and revents. */
static int poll1(const char *what, int fd, short events, int timeout)
{
	struct pollfd p = { .fd = fd, .events = events, .revents = 0x7fff };
	int r = poll(&p, 1, timeout);

	if (r < 0)
		printf("%s: -1 %s\n", what, kt_errname(errno));
	else
		printf("%s: %d, revents %s\n", what, r, names(p.revents));
	return p.revents;
}

static long long elapsed_ms_since(long long start)
{
	return (kt_now_ns() - start) / MS;
}

/* A pipe whose write end is non-blocking, filled with whole pages until full. */
static void fill(int wfd)
{
	int fl = fcntl(wfd, F_GETFL);

	fcntl(wfd, F_SETFL, fl | O_NONBLOCK);
	memset(buf, 'f', 4096);
	while (write(wfd, buf, 4096) == 4096)
		;
	fcntl(wfd, F_SETFL, fl);
}

static void pipe_states(void)
{
	int p[2];

	puts("-- pipe states");
	pipe(p);
	poll1("empty pipe, read end, POLLIN, timeout 0", p[0], POLLIN, 0);
	poll1("empty pipe, write end, POLLOUT", p[1], POLLOUT, 0);
	poll1("write end, every event asked", p[1], POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM | POLLPRI, 0);
	poll1("read end, asked for POLLOUT", p[0], POLLOUT, 0);
	write(p[1], "abc", 3);
	poll1("after a write, read end, POLLIN", p[0], POLLIN, 0);
	poll1("read end, POLLIN|POLLRDNORM|POLLPRI", p[0], POLLIN | POLLRDNORM | POLLPRI, 0);
	poll1("read end, no events asked", p[0], 0, 0);
	{
		struct pollfd two[2] = { { p[0], POLLIN | POLLOUT, 0 }, { p[1], POLLIN | POLLOUT, 0 } };

		kt_res("both ends in one call", poll(two, 2, 0));
		printf("  read end %s, write end %s\n", names(two[0].revents), names(two[1].revents));
	}
	read(p[0], buf, sizeof(buf));
	poll1("read empty again", p[0], POLLIN, 0);

	write(p[1], "xy", 2);
	close(p[1]);
	poll1("writer closed, data left", p[0], POLLIN, 0);
	poll1("writer closed, no events asked (POLLHUP anyway)", p[0], 0, 0);
	read(p[0], buf, sizeof(buf));
	poll1("writer closed, drained", p[0], POLLIN, 0);
	poll1("writer closed, drained, timeout -1 returns", p[0], POLLIN, -1);
	close(p[0]);

	pipe(p);
	close(p[0]);
	poll1("reader closed, write end", p[1], POLLOUT, 0);
	poll1("reader closed, no events asked (POLLERR anyway)", p[1], 0, 0);
	close(p[1]);

	pipe(p);
	fill(p[1]);
	poll1("full pipe, write end", p[1], POLLOUT, 0);
	poll1("full pipe, read end", p[0], POLLIN, 0);
	read(p[0], buf, 1);
	poll1("1 byte read: still no page free", p[1], POLLOUT, 0);
	read(p[0], buf, 4095);
	poll1("a page read", p[1], POLLOUT, 0);
	close(p[0]);
	close(p[1]);
}

static void other_files(void)
{
	int fd, p[2];

	puts("-- other files");
	pipe(p);
	close(p[1]);
	poll1("a closed fd", p[1], POLLIN, 0);
	poll1("a closed fd, no events asked", p[1], 0, 0);
	poll1("a closed fd, timeout -1 returns", p[1], POLLIN, -1);
	poll1("a negative fd", -1, POLLIN, 0);
	{
		struct pollfd three[3] = { { -5, POLLIN, 0x7f }, { p[0], POLLIN, 0x7f }, { p[1], POLLOUT, 0 } };

		kt_res("negative, hung-up and closed fds together", poll(three, 3, 0));
		printf("  %s, %s, %s\n", names(three[0].revents), names(three[1].revents),
		       names(three[2].revents));
	}
	close(p[0]);

	fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	poll1("a regular file", fd, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM, 0);
	poll1("a regular file, POLLPRI only", fd, POLLPRI, 0);
	poll1("a regular file, timeout -1", fd, POLLIN, -1);
	close(fd);
	fd = open(FILE_NAME, O_RDONLY);
	poll1("a regular file opened O_RDONLY, POLLOUT", fd, POLLOUT, 0);
	close(fd);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	poll1("a directory", fd, POLLIN | POLLOUT, 0);
	close(fd);
	fd = open("/dev/null", O_WRONLY);
	poll1("/dev/null", fd, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM, -1);
	close(fd);
	unlink(FILE_NAME);

	kt_res("no fds, timeout 0", poll(NULL, 0, 0));
}

/* A child sleeps ms, then does what (write a byte, read a page, close);
 * the parent polls fd for events with timeout and reports. */
enum action { WRITE_BYTE, READ_PAGE, CLOSE_WRITER };

static void wake_by_child(const char *what, enum action act, int timeout)
{
	int p[2], status, fds[2];
	long long start;
	short events;
	pid_t pid;

	pipe(p);
	if (act == READ_PAGE)
		fill(p[1]);
	pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(100);
		if (act == WRITE_BYTE)
			write(p[1], "!", 1);
		else if (act == READ_PAGE)
			read(p[0], buf, 4096);
		_exit(0);
	}
	if (act == CLOSE_WRITER)
		close(p[1]);
	events = act == READ_PAGE ? POLLOUT : POLLIN;
	fds[0] = act == READ_PAGE ? p[1] : p[0];
	fds[1] = -1;
	start = kt_now_ns();
	poll1(what, fds[0], events, timeout);
	if (timeout > 0)
		kt_check(elapsed_ms_since(start) < timeout, "  returned before the timeout");
	waitpid(pid, &status, 0);
	close(p[0]);
	if (act != CLOSE_WRITER)
		close(p[1]);
}

/* Two pipes, and the same pipe through a dup: only the fds that became
 * ready are reported, and both of two fds on one pipe are. */
static void wake_many(void)
{
	int a[2], b[2], status;
	struct pollfd fds[3];
	pid_t pid;

	pipe(a);
	pipe(b);
	pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(100);
		write(b[1], "!", 1);
		_exit(0);
	}
	fds[0] = (struct pollfd){ a[0], POLLIN, 0 };
	fds[1] = (struct pollfd){ b[0], POLLIN, 0 };
	fds[2] = (struct pollfd){ dup(b[0]), POLLIN, 0 };
	kt_res("three fds on two pipes, the child writes to the second", poll(fds, 3, -1));
	printf("  %s, %s, %s\n", names(fds[0].revents), names(fds[1].revents), names(fds[2].revents));
	waitpid(pid, &status, 0);
	close(fds[2].fd);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void sleeping(void)
{
	struct kt_timeval tv;
	struct timespec ts;
	long long start;
	int p[2];

	puts("-- sleeping and waking");
	wake_by_child("a child writes: poll(-1) wakes", WRITE_BYTE, -1);
	wake_by_child("a child writes: poll(2000) wakes early", WRITE_BYTE, 2000);
	wake_by_child("the writer exits: poll(-1) wakes", CLOSE_WRITER, -1);
	wake_by_child("a child reads a page of a full pipe: poll(-1) wakes", READ_PAGE, -1);
	wake_many();

	pipe(p);
	start = kt_now_ns();
	poll1("empty pipe, timeout 50", p[0], POLLIN, 50);
	kt_check(elapsed_ms_since(start) >= 50, "waited at least 50 ms");
	start = kt_now_ns();
	kt_res("no fds, timeout 50", poll(NULL, 0, 50));
	kt_check(elapsed_ms_since(start) >= 50, "waited at least 50 ms");
	start = kt_now_ns();
	ts = (struct timespec){ 0, 50 * MS };
	kt_res("ppoll, empty pipe, 50 ms", sys_ppoll(&(struct pollfd){ p[0], POLLIN, 0 }, 1, &ts, NULL, 8));
	kt_check(elapsed_ms_since(start) >= 50, "waited at least 50 ms");
	kt_check(ts.tv_sec == 0 && ts.tv_nsec == 0, "no time left");
	start = kt_now_ns();
	tv = (struct kt_timeval){ 0, 50000 };
	kt_res("select, no fds, 50 ms", sys_select(0, NULL, NULL, NULL, &tv));
	kt_check(elapsed_ms_since(start) >= 50, "waited at least 50 ms");
	kt_check(tv.tv_sec == 0 && tv.tv_usec == 0, "no time left");
	close(p[0]);
	close(p[1]);
}

static void ppoll_calls(void)
{
	sigset_t usr1, none, now;
	struct timespec ts;
	struct pollfd pfd;
	int p[2];

	puts("-- ppoll");
	sigemptyset(&none);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pipe(p);
	write(p[1], "x", 1);
	pfd = (struct pollfd){ p[0], POLLIN, 0 };
	kt_res("ppoll, no timeout, no mask", sys_ppoll(&pfd, 1, NULL, NULL, 0));
	printf("  revents %s\n", names(pfd.revents));
	ts = (struct timespec){ 5, 0 };
	kt_res("ppoll, 5 s, mask {SIGUSR1}", sys_ppoll(&pfd, 1, &ts, &usr1, 8));
	kt_check(ts.tv_sec == 4, "the time left is written back");
	sigprocmask(SIG_SETMASK, NULL, &now);
	kt_check(!sigismember(&now, SIGUSR1), "the mask is restored afterwards");
	ts = (struct timespec){ 0, 0 };
	kt_res("ppoll, timeout 0", sys_ppoll(&pfd, 1, &ts, &none, 8));
	ts = (struct timespec){ 0, 0 };
	kt_res("ppoll, timeout 0, nothing ready", sys_ppoll(&(struct pollfd){ p[1], POLLIN, 0 }, 1, &ts, NULL, 8));

	ts = (struct timespec){ 0, 1000000000 };
	kt_res("ppoll, tv_nsec 1e9", sys_ppoll(&pfd, 1, &ts, NULL, 8));
	ts = (struct timespec){ 0, -1 };
	kt_res("ppoll, tv_nsec -1", sys_ppoll(&pfd, 1, &ts, NULL, 8));
	ts = (struct timespec){ -1, 0 };
	kt_res("ppoll, tv_sec -1", sys_ppoll(&pfd, 1, &ts, NULL, 8));
	kt_res("ppoll, sigsetsize 4", sys_ppoll(&pfd, 1, NULL, &none, 4));
	kt_res("ppoll, no mask, sigsetsize 4 (not looked at)", sys_ppoll(&pfd, 1, NULL, NULL, 4));
	kt_res("ppoll, bad timespec", sys_ppoll(&pfd, 1, BAD_PTR, NULL, 8));
	kt_res("ppoll, bad mask", sys_ppoll(&pfd, 1, NULL, BAD_PTR, 8));
	kt_res("ppoll, bad fds", sys_ppoll(BAD_PTR, 1, NULL, NULL, 8));
	close(p[0]);
	close(p[1]);
}

static void poll_errors(void)
{
	struct pollfd *ro, pfd = { -1, POLLIN, 0 };
	struct rlimit lim;
	int p[2];

	puts("-- poll errors");
	getrlimit(RLIMIT_NOFILE, &lim);
	kt_res("nfds = RLIMIT_NOFILE + 1", poll(&pfd, lim.rlim_cur + 1, 0));
	kt_res("bad fds", poll(BAD_PTR, 1, 0));
	kt_res("bad fds, nfds 0", poll(BAD_PTR, 0, 0));
	kt_res("kernel address", poll((void *)0xffffffff80000000UL, 1, 0));
	pipe(p);
	/* A read-only page with an unmapped one after it. */
	ro = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap((char *)ro + 4096, 4096);
	ro[0] = (struct pollfd){ p[1], POLLOUT, 0 };
	ro[4096 / sizeof(*ro) - 1] = (struct pollfd){ p[1], POLLOUT, 0 };
	mprotect(ro, 4096, PROT_READ);
	kt_res("fds in read-only memory (revents cannot be written)", poll(ro, 1, 0));
	kt_res("fds running into unmapped memory", poll(ro + 4096 / sizeof(*ro) - 1, 2, 0));
	munmap(ro, 4096);
	close(p[0]);
	close(p[1]);
}

static void show_set(const char *what, fd_set *s, int a, int b)
{
	printf("  %s: %s%s\n", what, FD_ISSET(a, s) ? "R" : "-", FD_ISSET(b, s) ? "W" : "-");
}

static void select_calls(void)
{
	fd_set r, w, e, *ro;
	struct kt_timeval tv, *rotv;
	struct kt_sigset_arg arg;
	struct timespec ts;
	sigset_t none, usr1, now;
	int p[2], fd, status, closed;
	pid_t pid;

	puts("-- select");
	sigemptyset(&none);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pipe(p);
	/* r holds the read end, w the write end; the letters say which are set. */
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	FD_SET(p[0], &e);
	tv = (struct kt_timeval){ 0, 0 };
	kt_res("empty pipe: read end, write end, except", sys_select(p[1] + 1, &r, &w, &e, &tv));
	show_set("read set", &r, p[0], p[1]);
	show_set("write set", &w, p[0], p[1]);
	show_set("except set", &e, p[0], p[1]);

	write(p[1], "x", 1);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	FD_SET(p[0], &r);
	FD_SET(p[1], &r);
	FD_SET(p[0], &w);
	FD_SET(p[1], &w);
	FD_SET(p[0], &e);
	FD_SET(p[1], &e);
	tv = (struct kt_timeval){ 0, 0 };
	kt_res("with data, both ends in every set", sys_select(p[1] + 1, &r, &w, &e, &tv));
	show_set("read set", &r, p[0], p[1]);
	show_set("write set", &w, p[0], p[1]);
	show_set("except set", &e, p[0], p[1]);

	fd = open("/dev/null", O_RDWR);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	kt_res("/dev/null in the read and write sets (counts 2)", sys_select(fd + 1, &r, &w, NULL, NULL));
	kt_check(FD_ISSET(fd, &r) && FD_ISSET(fd, &w), "  both bits stay set");
	close(fd);

	/* The time left comes back in the timeval; a read-only one is left
	 * alone without an error. */
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct kt_timeval){ 1, 0 };
	kt_res("select, 1 s, data there", sys_select(p[0] + 1, &r, NULL, NULL, &tv));
	kt_check(tv.tv_sec == 0 && tv.tv_usec > 0, "the time left is written back");
	rotv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*rotv = (struct kt_timeval){ 1, 0 };
	mprotect(rotv, 4096, PROT_READ);
	kt_res("select, read-only timeval", sys_select(p[0] + 1, &r, NULL, NULL, rotv));
	tv = (struct kt_timeval){ 0, 1500000 };
	kt_res("select, tv_usec 1500000 (carried into seconds)", sys_select(p[0] + 1, &r, NULL, NULL, &tv));
	kt_check(tv.tv_sec == 1, "  about 1.5 s left");
	tv = (struct kt_timeval){ 0, -1 };
	kt_res("select, tv_usec -1", sys_select(p[0] + 1, &r, NULL, NULL, &tv));
	tv = (struct kt_timeval){ -1, 0 };
	kt_res("select, tv_sec -1", sys_select(p[0] + 1, &r, NULL, NULL, &tv));

	/* EBADF for a closed fd in any set, not for one past nfds. */
	closed = dup(p[0]);
	close(closed);
	FD_ZERO(&r);
	FD_SET(closed, &r);
	kt_res("a closed fd in the read set", sys_select(closed + 1, &r, NULL, NULL, NULL));
	FD_ZERO(&e);
	FD_SET(closed, &e);
	kt_res("a closed fd in the except set", sys_select(closed + 1, NULL, NULL, &e, NULL));
	FD_ZERO(&r);
	FD_SET(closed, &r);
	FD_SET(p[0], &r);
	tv = (struct kt_timeval){ 0, 0 };
	kt_res("a closed fd at nfds is not looked at", sys_select(closed, &r, NULL, NULL, &tv));
	kt_check(FD_ISSET(p[0], &r) && !FD_ISSET(closed, &r), "  the word comes back with only the ready fd");
	kt_res("nfds -1", sys_select(-1, NULL, NULL, NULL, NULL));
	/* Linux reads no more of the sets than its table has fds: a big
	 * zeroed bitmap keeps that within bounds whatever the table's size. */
	memset(big, 0, sizeof(big));
	FD_SET(p[0], (fd_set *)big);
	kt_res("nfds 100000 (clamped to the table)", sys_select(100000, (fd_set *)big, NULL, NULL, NULL));

	kt_res("bad read set", sys_select(p[0] + 1, BAD_PTR, NULL, NULL, NULL));
	kt_res("bad except set", sys_select(p[0] + 1, NULL, NULL, BAD_PTR, NULL));
	kt_res("bad timeval", sys_select(p[0] + 1, &r, NULL, NULL, BAD_PTR));
	kt_res("bad sets, nfds 0", sys_select(0, BAD_PTR, BAD_PTR, BAD_PTR, &(struct kt_timeval){ 0, 0 }));
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	FD_ZERO(ro);
	FD_SET(p[0], ro);
	mprotect(ro, 4096, PROT_READ);
	kt_res("a read-only read set (cannot be written back)", sys_select(p[0] + 1, ro, NULL, NULL, NULL));
	munmap(ro, 4096);
	munmap(rotv, 4096);

	/* select woken by a child's write. */
	read(p[0], buf, sizeof(buf));
	pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(100);
		write(p[1], "!", 1);
		_exit(0);
	}
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	kt_res("select with no timeout, a child writes later", sys_select(p[0] + 1, &r, NULL, NULL, NULL));
	show_set("read set", &r, p[0], p[1]);
	waitpid(pid, &status, 0);

	puts("-- pselect6");
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	arg = (struct kt_sigset_arg){ &usr1, 8 };
	ts = (struct timespec){ 5, 0 };
	kt_res("pselect6, 5 s, mask {SIGUSR1}", sys_pselect6(p[1] + 1, &r, &w, NULL, &ts, &arg));
	show_set("read set", &r, p[0], p[1]);
	show_set("write set", &w, p[0], p[1]);
	kt_check(ts.tv_sec == 4, "the time left is written back");
	sigprocmask(SIG_SETMASK, NULL, &now);
	kt_check(!sigismember(&now, SIGUSR1), "the mask is restored afterwards");
	read(p[0], buf, sizeof(buf));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	ts = (struct timespec){ 0, 20 * MS };
	kt_res("pselect6, empty pipe, 20 ms", sys_pselect6(p[0] + 1, &r, NULL, NULL, &ts, NULL));
	show_set("read set", &r, p[0], p[1]);
	FD_ZERO(&w);
	FD_SET(p[1], &w);
	arg = (struct kt_sigset_arg){ NULL, 4 };
	kt_res("pselect6, no mask, size 4 (not looked at)", sys_pselect6(p[1] + 1, NULL, &w, NULL, NULL, &arg));
	arg = (struct kt_sigset_arg){ &none, 4 };
	kt_res("pselect6, mask size 4", sys_pselect6(p[1] + 1, NULL, &w, NULL, NULL, &arg));
	arg = (struct kt_sigset_arg){ BAD_PTR, 8 };
	kt_res("pselect6, bad mask", sys_pselect6(p[1] + 1, NULL, &w, NULL, NULL, &arg));
	kt_res("pselect6, bad argument pack", sys_pselect6(p[1] + 1, NULL, &w, NULL, NULL, BAD_PTR));
	kt_res("pselect6, bad timespec", sys_pselect6(p[1] + 1, NULL, &w, NULL, BAD_PTR, NULL));
	ts = (struct timespec){ 0, 1000000000 };
	kt_res("pselect6, tv_nsec 1e9", sys_pselect6(p[1] + 1, NULL, &w, NULL, &ts, NULL));
	kt_res("pselect6, nfds -1", sys_pselect6(-1, NULL, NULL, NULL, NULL, NULL));
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);

	pipe_states();
	other_files();
	sleeping();
	ppoll_calls();
	poll_errors();
	select_calls();
	return kt_status();
}
