/* ep_basic: epoll on pipes, one process, against Linux: the errors of
 * epoll_create1, epoll_ctl and epoll_wait; level- against edge-triggered
 * reports, EPOLLONESHOT re-armed by EPOLL_CTL_MOD, HUP and ERR when the
 * other end of a pipe closes (and RDHUP, which pipes never report);
 * what closing does (an item belongs to the open file, not to the fd: a
 * dup keeps it, the last close removes it); an epoll watching an epoll
 * (and poll() of an epoll), loops refused; timeouts; and 1,000 fds in
 * one epoll, 1,500 ready ones reported by one call; lseek of an epoll (0, as Linux's noop_llseek). */
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <kt_epoll.h>

/* musl may lack the wrapper (Linux 5.11). */
static int pwait2(int ep, struct epoll_event *ev, int max, const struct timespec *ts, const sigset_t *mask)
{
	return syscall(SYS_epoll_pwait2, ep, ev, max, ts, mask, 8);
}

static void create_errors(void)
{
	/* musl's epoll_create does not look at the size: the system call does. */
	kt_expect_err("epoll_create(0)", syscall(SYS_epoll_create, 0), EINVAL);
	kt_expect_err("epoll_create(-1)", syscall(SYS_epoll_create, -1), EINVAL);
	kt_expect_err("epoll_create1(bad flag)", epoll_create1(1), EINVAL);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	ep_ok("epoll_create1(EPOLL_CLOEXEC)", ep);
	kt_check(fcntl(ep, F_GETFD) == FD_CLOEXEC, "EPOLL_CLOEXEC sets FD_CLOEXEC");
	char link[64] = { 0 }, path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", ep);
	readlink(path, link, sizeof(link) - 1);
	printf("/proc/self/fd link: %s\n", link);
	close(ep);
	ep = epoll_create(1);
	ep_ok("epoll_create(1)", ep);
	kt_check(fcntl(ep, F_GETFD) == 0, "epoll_create: no FD_CLOEXEC");
	kt_check_eq("lseek of an epoll fd (succeeds, moves nothing)", lseek(ep, 5, SEEK_SET), 0);
	char c;
	kt_expect_err("pread of an epoll fd", pread(ep, &c, 1, 0), ESPIPE);
	close(ep);
}

static void ctl_errors(void)
{
	int ep = epoll_create1(0), p[2], q[2];
	pipe(p);
	int reg = open("/proc/self/exe", O_RDONLY);
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	int opath = open("/", O_PATH);
	struct epoll_event e = { .events = EPOLLIN };
	kt_expect_err("ADD regular file", epoll_ctl(ep, EPOLL_CTL_ADD, reg, &e), EPERM);
	kt_expect_err("ADD directory", epoll_ctl(ep, EPOLL_CTL_ADD, dir, &e), EPERM);
	kt_expect_err("ADD O_PATH fd", epoll_ctl(ep, EPOLL_CTL_ADD, opath, &e), EBADF);
	kt_expect_err("ADD epoll to itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e), EINVAL);
	kt_expect_err("ctl on a pipe, not an epoll", epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &e), EINVAL);
	kt_expect_err("ctl on a bad epfd", epoll_ctl(99, EPOLL_CTL_ADD, p[0], &e), EBADF);
	kt_expect_err("ADD a bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 99, &e), EBADF);
	kt_expect_err("ADD with a NULL event", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL), EFAULT);
	kt_expect_err("bad op", epoll_ctl(ep, 42, p[0], &e), EINVAL);
	kt_expect_err("MOD before ADD", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e), ENOENT);
	kt_expect_err("DEL before ADD", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	ep_ok("ADD", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
	kt_expect_err("ADD twice", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e), EEXIST);
	ep_ok("MOD", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	ep_ok("DEL (NULL event)", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	kt_expect_err("DEL twice", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	/* EPOLLEXCLUSIVE: ADD only, with IN/OUT/ERR/HUP/ET, not on an epoll. */
	pipe(q);
	kt_expect_err("EXCLUSIVE with ONESHOT", ep_add(ep, q[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 1), EINVAL);
	kt_expect_err("EXCLUSIVE with RDHUP", ep_add(ep, q[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP, 1), EINVAL);
	int inner = epoll_create1(0);
	kt_expect_err("EXCLUSIVE on an epoll", ep_add(ep, inner, EPOLLIN | EPOLLEXCLUSIVE, 1), EINVAL);
	ep_ok("ADD EXCLUSIVE|ET", ep_add(ep, q[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLET, 1));
	kt_expect_err("MOD of an EXCLUSIVE item", ep_mod(ep, q[0], EPOLLIN, 1), EINVAL);
	kt_expect_err("MOD to EXCLUSIVE", ep_mod(ep, q[0], EPOLLIN | EPOLLEXCLUSIVE, 1), EINVAL);
	ep_ok("DEL of an EXCLUSIVE item", epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL));
	/* epoll_wait's arguments. */
	struct epoll_event out[4];
	kt_expect_err("wait maxevents 0", epoll_wait(ep, out, 0, 0), EINVAL);
	kt_expect_err("wait maxevents -1", epoll_wait(ep, out, -1, 0), EINVAL);
	kt_expect_err("wait on a pipe", epoll_wait(p[0], out, 4, 0), EINVAL);
	kt_expect_err("wait on a bad fd", epoll_wait(99, out, 4, 0), EBADF);
	kt_expect_err("wait into kernel memory", epoll_wait(ep, (void *)0xffff800000000000ull, 4, 0), EFAULT);
	ep_add(ep, q[1], EPOLLOUT, 2);
	kt_expect_err("wait into NULL with an event", epoll_wait(ep, NULL, 4, 0), EFAULT);
	close(reg), close(dir), close(opath), close(inner);
	close(p[0]), close(p[1]), close(q[0]), close(q[1]), close(ep);
}

static void level_and_edge(void)
{
	int p[2], ep = epoll_create1(0);
	pipe(p);
	ep_add(ep, p[0], EPOLLIN, 10);
	ep_show("LT empty", ep, 0);
	write(p[1], "0123456789", 10);
	ep_show("LT after write", ep, 0);
	ep_show("LT again, nothing read", ep, 0);
	char buf[16];
	read(p[0], buf, 5);
	ep_show("LT half read", ep, 0);
	read(p[0], buf, 5);
	ep_show("LT all read", ep, 0);

	ep_mod(ep, p[0], EPOLLIN | EPOLLET, 11);
	ep_show("ET empty", ep, 0);
	write(p[1], "0123456789", 10);
	ep_show("ET after write", ep, 0);
	ep_show("ET again, nothing read", ep, 0);
	read(p[0], buf, 5);
	ep_show("ET half read", ep, 0);
	write(p[1], "x", 1);
	ep_show("ET after a second write", ep, 0);
	ep_mod(ep, p[0], EPOLLIN | EPOLLET, 12);
	ep_show("ET after MOD (data still there)", ep, 0);
	read(p[0], buf, 16);

	/* The write end: writable until full. */
	ep_add(ep, p[1], EPOLLOUT, 20);
	ep_show("LT write end", ep, 0);
	ep_show("LT write end again", ep, 0);
	ep_mod(ep, p[1], EPOLLOUT | EPOLLET, 21);
	ep_show("ET write end", ep, 0);
	ep_show("ET write end again", ep, 0);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	static char big[65536];
	while (write(p[1], big, sizeof(big)) > 0)
		;
	ep_show("ET write end, pipe full", ep, 0);
	read(p[0], big, 8192);
	ep_show("ET write end, room again", ep, 0);
	/* Both directions on one item of an O_RDWR pipe end. */
	ep_mod(ep, p[1], EPOLLOUT | EPOLLIN, 22);
	ep_show("write end asks IN too", ep, 0);
	close(p[0]), close(p[1]), close(ep);
}

static void oneshot(void)
{
	int p[2], ep = epoll_create1(0);
	pipe(p);
	ep_add(ep, p[0], EPOLLIN | EPOLLONESHOT, 30);
	write(p[1], "a", 1);
	ep_show("ONESHOT first", ep, 0);
	ep_show("ONESHOT disarmed", ep, 0);
	write(p[1], "b", 1);
	ep_show("ONESHOT disarmed, more data", ep, 0);
	close(p[1]);
	ep_show("ONESHOT disarmed, writer gone", ep, 0);
	ep_mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 31);
	ep_show("ONESHOT re-armed by MOD", ep, 0);
	ep_show("ONESHOT disarmed again", ep, 0);
	kt_expect_err("ADD of a disarmed item", ep_add(ep, p[0], EPOLLIN, 32), EEXIST);
	close(p[0]), close(ep);
}

static void hangups(void)
{
	int p[2], ep = epoll_create1(0);
	pipe(p);
	ep_add(ep, p[0], EPOLLIN | EPOLLRDHUP, 40);
	ep_add(ep, p[1], EPOLLOUT, 41);
	write(p[1], "z", 1);
	ep_show("both ends open", ep, 0);
	close(p[1]);
	ep_show("write end closed, data left", ep, 0);
	char c;
	read(p[0], &c, 1);
	ep_show("write end closed, drained", ep, 0);
	close(p[0]);
	ep_show("both closed", ep, 0);

	pipe(p);
	ep_add(ep, p[1], 0, 42);        /* no events asked: ERR and HUP all the same */
	ep_add(ep, p[0], EPOLLIN | EPOLLET, 43);
	ep_show("events 0, read end open", ep, 0);
	close(p[0]);
	ep_show("events 0, read end closed", ep, 0);
	ep_show("events 0, read end closed, again", ep, 0);
	close(p[1]), close(ep);
}

static void closing(void)
{
	int p[2], ep = epoll_create1(0);
	pipe(p);
	int dup_fd = dup(p[0]);
	ep_add(ep, p[0], EPOLLIN, 50);
	close(p[0]);
	write(p[1], "a", 1);
	ep_show("closed fd, dup alive: item stays", ep, 0);
	kt_expect_err("DEL of the closed fd", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), EBADF);
	kt_expect_err("DEL through the dup", epoll_ctl(ep, EPOLL_CTL_DEL, dup_fd, NULL), ENOENT);
	ep_ok("ADD the dup: an item of its own", ep_add(ep, dup_fd, EPOLLIN, 51));
	ep_show("two items, one file", ep, 0);
	/* A new file in the old fd's slot is a new item. */
	int q[2];
	pipe(q);
	printf("new pipe reuses the closed fd: %s\n", q[0] == p[0] ? "yes" : "no");
	ep_ok("ADD of the reused fd number", ep_add(ep, q[0], EPOLLIN, 52));
	write(q[1], "b", 1);
	ep_show("old item, dup's item, new item", ep, 0);
	close(dup_fd);                  /* the last reference: both items of the file go */
	ep_show("after the last close", ep, 0);
	ep_ok("DEL of the new file's item", epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL));
	/* fork shares the file: the child's close is not the last. */
	pipe(p);
	ep_add(ep, p[0], EPOLLIN, 53);
	pid_t pid = kt_fork();
	if (pid == 0) {
		close(p[0]);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	write(p[1], "c", 1);
	ep_show("child closed its copy", ep, 0);
	close(p[0]), close(p[1]), close(q[0]), close(q[1]);
	ep_show("all closed", ep, 0);
	close(ep);
}

static void nested(void)
{
	int p[2], inner = epoll_create1(0), outer = epoll_create1(0), top = epoll_create1(0);
	pipe(p);
	ep_add(inner, p[0], EPOLLIN, 60);
	ep_ok("ADD inner epoll to outer", ep_add(outer, inner, EPOLLIN, 61));
	ep_ok("ADD outer epoll to top", ep_add(top, outer, EPOLLIN | EPOLLET, 62));
	kt_expect_err("ADD outer to inner (loop)", ep_add(inner, outer, EPOLLIN, 63), ELOOP);
	kt_expect_err("ADD top to inner (loop)", ep_add(inner, top, EPOLLIN, 64), ELOOP);
	ep_show("outer, pipe empty", outer, 0);
	struct pollfd pfd = { .fd = inner, .events = POLLIN };
	printf("poll(inner), pipe empty: %d\n", poll(&pfd, 1, 0));
	write(p[1], "a", 1);
	ep_show("outer, pipe has data", outer, 0);
	int n = poll(&pfd, 1, 0);
	printf("poll(inner): %d revents %s\n", n, ep_names(pfd.revents));
	ep_show("top (ET)", top, 0);
	ep_show("top (ET) again", top, 0);
	ep_show("inner", inner, 0);
	char c;
	read(p[0], &c, 1);
	ep_show("outer, pipe drained", outer, 0);
	printf("poll(inner), pipe drained: %d\n", poll(&pfd, 1, 0));
	close(inner);                   /* the outer's item goes with it */
	write(p[1], "b", 1);
	ep_show("outer after inner closed", outer, 0);
	close(p[0]), close(p[1]), close(outer), close(top);
}

static void timeouts(void)
{
	int ep = epoll_create1(0);
	struct epoll_event out[1];
	long long t0 = kt_now_ns();
	int n = epoll_wait(ep, out, 1, 100);
	long long ms = (kt_now_ns() - t0) / 1000000;
	printf("wait 100 ms: %d, took at least 95 ms: %s\n", n, ms >= 95 ? "yes" : "no");
	struct timespec ts = { 0, 50 * 1000000 };
	t0 = kt_now_ns();
	n = pwait2(ep, out, 1, &ts, NULL);
	ms = (kt_now_ns() - t0) / 1000000;
	printf("pwait2 50 ms: %d, took at least 45 ms: %s\n", n, ms >= 45 ? "yes" : "no");
	ts.tv_nsec = 0;
	printf("pwait2 zero timespec: %d\n", pwait2(ep, out, 1, &ts, NULL));
	ts.tv_nsec = 1000000000;
	kt_expect_err("pwait2 tv_nsec 1e9", pwait2(ep, out, 1, &ts, NULL), EINVAL);
	ts.tv_sec = -1, ts.tv_nsec = 0;
	kt_expect_err("pwait2 negative", pwait2(ep, out, 1, &ts, NULL), EINVAL);
	kt_expect_err("pwait2 bad pointer", pwait2(ep, out, 1, (void *)1, NULL), EFAULT);
	sigset_t set;
	sigemptyset(&set);
	kt_expect_err("pwait bad sigsetsize", syscall(SYS_epoll_pwait, ep, out, 1, 0, &set, 4), EINVAL);
	printf("pwait with a mask, timeout 0: %d\n", epoll_pwait(ep, out, 1, 0, &set));
	/* Ended by data from another process (a blank exercise must not hang). */
	int p[2];
	pipe(p);
	ep_add(ep, p[0], EPOLLIN, 70);
	pid_t pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(50);
		write(p[1], "w", 1);
		_exit(0);
	}
	ep_show("wait 5 s, another process writes", ep, 5000);
	waitpid(pid, NULL, 0);
	close(p[0]), close(p[1]), close(ep);
}

/* /proc/PID/fdinfo of an epoll: a "tfd:" line per item (sorted here:
 * Linux lists them in the order of the files' addresses), with the
 * inode number and device left out. */
static void fdinfo(void)
{
	int ep = epoll_create1(0), p[2];
	pipe(p);
	ep_add(ep, p[0], EPOLLIN | EPOLLET, 0x1234);
	ep_add(ep, p[1], EPOLLOUT, 0xabcdef0123ull);
	char path[64], line[256], lines[4][256];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ep);
	FILE *f = fopen(path, "r");
	int n = 0;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "tfd:", 4) && n < 4) {
			/* The fd as a name (fd numbers depend on what the
			 * program inherited), then the rest up to the inode. */
			int fd = atoi(line + 4);
			char *rest = strstr(line, " events:"), *cut = strstr(line, " ino:");
			if (cut)
				strcpy(cut, "\n");
			snprintf(lines[n++], sizeof(lines[0]), "tfd: %s%s",
				 fd == p[0] ? "read end" : fd == p[1] ? "write end" : "?", rest ? rest : "\n");
		}
	if (f)
		fclose(f);
	qsort(lines, n, sizeof(lines[0]), (int (*)(const void *, const void *))strcmp);
	printf("fdinfo: %d item line(s)\n", n);
	for (int i = 0; i < n; i++)
		printf("%s", lines[i]);
	close(p[0]), close(p[1]), close(ep);
}

/* The event files of Part A: an eventfd's counter, a timerfd's expiry, a
 * signalfd's pending signal. */
static void event_files(void)
{
	int ep = epoll_create1(0);
	int efd = eventfd(0, EFD_NONBLOCK);
	ep_add(ep, efd, EPOLLIN | EPOLLOUT, 80);
	ep_show("eventfd 0", ep, 0);
	uint64_t v = 3;
	write(efd, &v, 8);
	ep_show("eventfd 3", ep, 0);
	read(efd, &v, 8);
	ep_mod(ep, efd, EPOLLIN | EPOLLET, 81);
	ep_show("eventfd ET, 0", ep, 0);
	v = 2;
	write(efd, &v, 8);
	ep_show("eventfd ET, write 2", ep, 0);
	ep_show("eventfd ET, again", ep, 0);
	write(efd, &v, 8);
	ep_show("eventfd ET, write 2 more", ep, 0);
	close(efd);
	/* A read says "room to write" (EPOLLOUT) to the queue, not "data":
	 * an edge-triggered reader is not told again about the 2 left. */
	int sem = eventfd(3, EFD_NONBLOCK | EFD_SEMAPHORE);
	ep_add(ep, sem, EPOLLIN | EPOLLET, 82);
	ep_show("semaphore eventfd ET, 3", ep, 0);
	read(sem, &v, 8);
	ep_show("semaphore eventfd ET, took 1", ep, 0);
	close(sem);

	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	ep_add(ep, tfd, EPOLLIN, 83);
	struct itimerspec its = { .it_value = { 0, 50 * 1000000 } };
	timerfd_settime(tfd, 0, &its, NULL);
	ep_show("timerfd armed, not yet", ep, 0);
	ep_show("timerfd fires while we wait", ep, 5000);
	read(tfd, &v, 8);
	ep_show("timerfd read", ep, 0);
	close(tfd);

	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	int sfd = signalfd(-1, &usr2, SFD_NONBLOCK);
	ep_add(ep, sfd, EPOLLIN, 84);
	ep_show("signalfd, nothing pending", ep, 0);
	kill(getpid(), SIGUSR2);
	ep_show("signalfd, SIGUSR2 pending", ep, 0);
	struct signalfd_siginfo si;
	read(sfd, &si, sizeof(si));
	ep_show("signalfd, taken", ep, 0);
	close(sfd), close(ep);
}

/* 1,000 fds: 500 pipes, both ends in one epoll. */
static void many(void)
{
	enum { PIPES = 500 };
	struct rlimit rl = { 2048, 2048 };
	setrlimit(RLIMIT_NOFILE, &rl);
	static int fds[PIPES][2];
	int ep = epoll_create1(0), ok = 1;
	for (int i = 0; i < PIPES; i++) {
		ok &= pipe(fds[i]) == 0;
		ok &= ep_add(ep, fds[i][0], EPOLLIN, 2 * i) == 0;
		ok &= ep_add(ep, fds[i][1], EPOLLOUT | EPOLLET, 2 * i + 1) == 0;
	}
	kt_check(ok, "1000 fds added");
	static struct epoll_event out[1200];
	int n = epoll_wait(ep, out, 1200, 0);
	int outs = 0;
	for (int i = 0; i < n; i++)
		outs += (out[i].data.u64 & 1) && out[i].events == EPOLLOUT;
	printf("1000 fds, nothing written: %d events, %d OUT\n", n, outs);
	for (int i = 0; i < PIPES; i += 2)
		write(fds[i][1], "x", 1);
	n = epoll_wait(ep, out, 1200, 0);
	long sum = 0;
	int ins = 0;
	for (int i = 0; i < n; i++) {
		ins += out[i].events == EPOLLIN;
		sum += out[i].data.u64;
	}
	printf("250 written: %d events, %d IN, tags sum %ld\n", n, ins, sum);
	n = epoll_wait(ep, out, 100, 0);
	printf("again, maxevents 100: %d\n", n);
	for (int i = 0; i < PIPES; i++)
		close(fds[i][0]), close(fds[i][1]);
	printf("all closed: %d\n", epoll_wait(ep, out, 1200, 0));
	close(ep);
}

/* More ready than 1,024 (a kernel's batch): one call still fills
 * maxevents, each item once, and level-triggered ones are there again
 * for the next call. */
static void many_ready(void)
{
	enum { N = 1500 };
	static int efd[N];
	static struct epoll_event out[2000];
	static char seen[N];
	int ep = epoll_create1(0), ok = 1;
	for (int i = 0; i < N; i++) {
		efd[i] = eventfd(1, 0);
		ok &= ep_add(ep, efd[i], EPOLLIN, i) == 0;
	}
	kt_check(ok, "1500 readable eventfds added");
	for (int round = 0; round < 2; round++) {
		int n = epoll_wait(ep, out, 2000, 0), distinct = 0;
		memset(seen, 0, sizeof(seen));
		for (int i = 0; i < n; i++)
			if (out[i].data.u64 < N && !seen[out[i].data.u64]++)
				distinct++;
		printf("1500 ready, maxevents 2000: %d events, %d distinct\n", n, distinct);
	}
	printf("maxevents 1200: %d\n", epoll_wait(ep, out, 1200, 0));
	for (int i = 0; i < N; i++)
		close(efd[i]);
	close(ep);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* As the kernel's first process nothing is mounted yet. */
	if (access("/proc/self", F_OK) != 0 && mount("proc", "/proc", "proc", 0, NULL) != 0)
		perror("mount /proc");
	create_errors();
	ctl_errors();
	level_and_edge();
	oneshot();
	hangups();
	closing();
	nested();
	timeouts();
	fdinfo();
	event_files();
	many();
	many_ready();
	return kt_status();
}
