/* efd_timerfd: timerfd as Linux keeps it (Lab 8, Part A).
 *
 * Expirations are counted, never timed: a one-shot timer reads 1 once;
 * an interval timer keeps expiring and a slow reader gets the missed
 * periods at once; an absolute time on CLOCK_MONOTONIC and on
 * CLOCK_REALTIME is not read before the clock has passed it, and one in
 * the past expires at once (with its missed periods); gettime's interval
 * and time left; settime's old value; a value of 0 disarms; poll and a
 * blocking read wait for the expiry; the errors (EINVAL for clocks,
 * flags, short reads, a timespec out of range, an fd that is not a
 * timerfd; EBADF; EAGAIN); the /proc/self/fd link's text; the lines
 * /proc/self/fdinfo adds (clockid, ticks, settime flags, it_value,
 * it_interval); lseek (0, moving nothing) and pread (ESPIPE). Setting
 * CLOCK_REALTIME (as root): TFD_TIMER_CANCEL_ON_SET's ECANCELED, and an
 * absolute CLOCK_REALTIME timer moved with the clock (in the kernel only:
 * see clock_set). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <kt.h>
#include "efd_util.h"

#define MS 1000000L

static void mount_proc(void)
{
	if (access("/proc/self/fd", F_OK) != 0)
		mount("proc", "/proc", "proc", 0, NULL);
}

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static struct itimerspec spec(long value_ns, long interval_ns)
{
	struct itimerspec s = {
		.it_value = { value_ns / 1000000000L, value_ns % 1000000000L },
		.it_interval = { interval_ns / 1000000000L, interval_ns % 1000000000L },
	};
	return s;
}

static struct itimerspec at(uint64_t ns, long interval_ns)
{
	struct itimerspec s = spec(0, interval_ns);
	s.it_value.tv_sec = ns / 1000000000ULL;
	s.it_value.tv_nsec = ns % 1000000000ULL;
	return s;
}

static long ns_of(struct timespec t) { return t.tv_sec * 1000000000L + t.tv_nsec; }

/* A blocking read's count, or -errno. */
static long expirations(int fd)
{
	uint64_t n;
	return read(fd, &n, sizeof(n)) == sizeof(n) ? (long)n : -errno;
}

static void one_shot(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	kt_check(fd >= 0, "timerfd_create(MONOTONIC, NONBLOCK)");
	uint64_t n;
	kt_expect_err("read disarmed", read(fd, &n, 8), EAGAIN);
	struct itimerspec cur;
	timerfd_gettime(fd, &cur);
	kt_check(ns_of(cur.it_value) == 0 && ns_of(cur.it_interval) == 0, "gettime disarmed: 0, 0");
	struct itimerspec s = spec(20 * MS, 0);
	kt_check_eq("settime 20 ms", timerfd_settime(fd, 0, &s, NULL), 0);
	timerfd_gettime(fd, &cur);
	kt_check(ns_of(cur.it_value) > 0 && ns_of(cur.it_value) <= 20 * MS, "gettime: time left in (0, 20 ms]");
	struct pollfd p = { .fd = fd, .events = POLLIN };
	kt_check_eq("poll waits for the expiry", poll(&p, 1, 5000), 1);
	kt_check_eq("POLLIN", p.revents, POLLIN);
	kt_check_eq("one expiration", expirations(fd), 1);
	kt_check_eq("then none", expirations(fd), -EAGAIN);
	timerfd_gettime(fd, &cur);
	kt_check(ns_of(cur.it_value) == 0, "gettime after a one-shot expiry: 0");
	kt_expect_err("read of 4 bytes", read(fd, &n, 4), EINVAL);
	char path[64], link[64] = "";
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t len = readlink(path, link, sizeof(link) - 1);
	if (len >= 0)
		link[len] = 0;
	printf("fd link: %s\n", link);
	close(fd);
}

static void interval(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec s = spec(10 * MS, 10 * MS), old;
	timerfd_settime(fd, 0, &s, NULL);
	long total = 0;
	while (total < 3) {
		long got = expirations(fd);     /* blocks until the next */
		if (got <= 0)
			break;
		total += got;
	}
	kt_check(total >= 3, "interval: blocking reads count 3 expirations");
	usleep(100000);
	kt_check(expirations(fd) >= 2, "a slow reader gets the missed periods at once");
	struct itimerspec cur;
	timerfd_gettime(fd, &cur);
	kt_check_eq("gettime: the interval", ns_of(cur.it_interval), 10 * MS);
	kt_check(ns_of(cur.it_value) > 0 && ns_of(cur.it_value) <= 10 * MS, "gettime: next expiry within it");
	s = spec(0, 0);
	kt_check_eq("settime 0 disarms", timerfd_settime(fd, 0, &s, &old), 0);
	kt_check_eq("old value's interval", ns_of(old.it_interval), 10 * MS);
	timerfd_gettime(fd, &cur);
	kt_check(ns_of(cur.it_value) == 0 && ns_of(cur.it_interval) == 0, "gettime after disarm: 0, 0");
	usleep(30000);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	kt_check_eq("disarmed: nothing to read", expirations(fd), -EAGAIN);
	close(fd);
}

static void absolute(clockid_t clock, const char *name)
{
	int fd = timerfd_create(clock, 0);
	uint64_t target = now_ns(clock) + 30 * MS;
	struct itimerspec s = at(target, 0);
	kt_check_eq("settime ABSTIME", timerfd_settime(fd, TFD_TIMER_ABSTIME, &s, NULL), 0);
	long got = expirations(fd);
	printf("%s absolute: %ld expiration, clock past the time: %s\n", name, got,
	       now_ns(clock) >= target ? "yes" : "no");
	/* In the past, with an interval: due at once, missed periods counted. */
	s = at(now_ns(clock) - 95 * MS, 10 * MS);
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &s, NULL);
	got = expirations(fd);
	printf("%s absolute in the past: at least 9 periods at once: %s\n", name, got >= 9 ? "yes" : "no");
	close(fd);
}

static void errors(void)
{
	kt_expect_err("timerfd_create(PROCESS_CPUTIME_ID)", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
	kt_expect_err("timerfd_create bad flags", timerfd_create(CLOCK_MONOTONIC, 0x4), EINVAL);
	int fd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC);
	kt_check(fd >= 0, "timerfd_create(BOOTTIME)");
	kt_check_eq("TFD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
	struct itimerspec s = spec(MS, 0);
	kt_expect_err("settime bad flags", timerfd_settime(fd, 0x10, &s, NULL), EINVAL);
	s.it_value.tv_nsec = 1000000000L;
	kt_expect_err("settime tv_nsec 1e9", timerfd_settime(fd, 0, &s, NULL), EINVAL);
	s = spec(MS, 0);
	int efd = eventfd(0, 0);
	kt_expect_err("settime on an eventfd", timerfd_settime(efd, 0, &s, NULL), EINVAL);
	struct itimerspec cur;
	kt_expect_err("gettime on an eventfd", timerfd_gettime(efd, &cur), EINVAL);
	kt_expect_err("settime on a closed fd", timerfd_settime(99, 0, &s, NULL), EBADF);
	close(efd);
	close(fd);
}

static void fdinfo(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	efd_show_fdinfo("new MONOTONIC timerfd", fd);
	struct itimerspec s = spec(100000 * MS, 1500 * MS);
	timerfd_settime(fd, 0, &s, NULL);
	efd_show_fdinfo("armed for 100 s, every 1.5 s", fd);
	s = spec(MS, 0);
	timerfd_settime(fd, 0, &s, NULL);
	usleep(20000);
	efd_show_fdinfo("expired once, not read", fd);
	efd_show_lseek("timerfd", fd);
	close(fd);
	fd = timerfd_create(CLOCK_REALTIME, 0);
	s = at(now_ns(CLOCK_REALTIME) + 100000 * MS, 0);
	timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &s, NULL);
	efd_show_fdinfo("REALTIME, ABSTIME | CANCEL_ON_SET", fd);
	close(fd);
}

static long read_ticks(int fd)
{
	uint64_t n;
	return read(fd, &n, sizeof(n)) == sizeof(n) ? (long)n : -1;
}

static void set_clock_by(long long ns)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	long long at = t.tv_sec * 1000000000LL + t.tv_nsec + ns;
	t.tv_sec = at / 1000000000LL;
	t.tv_nsec = at % 1000000000LL;
	if (clock_settime(CLOCK_REALTIME, &t))
		printf("clock_settime: %s\n", kt_errname(errno));
}

/* Setting CLOCK_REALTIME. The host's clock is only set to its own time
 * (moved by the microseconds the call takes: harmless), which is a change
 * for Linux: a TFD_TIMER_CANCEL_ON_SET timer's read says ECANCELED once
 * (poll says POLLIN), the timer stays armed; other timers are left
 * alone. Moving the clock for real (200 s on, then back) is done in the
 * kernel only: on the host the program prints the lines Linux's
 * semantics give (timerfd_create(2): an absolute CLOCK_REALTIME timer
 * follows the clock, its missed periods counted) instead of changing
 * the host's clock. */
static void clock_set(void)
{
	int cancel = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK), plain = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	int relative = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK), mono = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	struct itimerspec s = at(now_ns(CLOCK_REALTIME) + 100000 * MS, 30000 * MS);
	timerfd_settime(cancel, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &s, NULL);
	timerfd_settime(plain, TFD_TIMER_ABSTIME, &s, NULL);
	struct itimerspec r = spec(100000 * MS, 0);
	timerfd_settime(relative, TFD_TIMER_CANCEL_ON_SET, &r, NULL);
	timerfd_settime(mono, 0, &r, NULL);
	efd_result("CANCEL_ON_SET", "read before", read_ticks(cancel));
	set_clock_by(0);
	printf("clock set to its own time\n");
	struct pollfd p = { .fd = cancel, .events = POLLIN };
	efd_result("CANCEL_ON_SET", "poll", poll(&p, 1, 0));
	efd_result("CANCEL_ON_SET", "read", read_ticks(cancel));
	efd_result("CANCEL_ON_SET", "read again", read_ticks(cancel));
	struct itimerspec cur;
	timerfd_gettime(cancel, &cur);
	printf("CANCEL_ON_SET: still armed, 99 to 100 s left: %d\n", cur.it_value.tv_sec == 99 || cur.it_value.tv_sec == 100);
	efd_result("ABSTIME without CANCEL_ON_SET", "read", read_ticks(plain));
	efd_result("relative with CANCEL_ON_SET", "read", read_ticks(relative));
	close(cancel);
	if (kt_on_host()) {
		printf("clock moved 200 s on\n");
		printf("ABSTIME, 100 s ahead, every 30 s: read: 4\n");
		printf("relative REALTIME: read: -1 EAGAIN\n");
		printf("MONOTONIC: read: -1 EAGAIN\n");
		printf("clock moved back\n");
		printf("ABSTIME: next expiry 4 periods on, 219 to 220 s left: 1\n");
	} else {
		set_clock_by(200000 * MS);
		printf("clock moved 200 s on\n");
		usleep(30000);          /* a tick for the timer that became due */
		efd_result("ABSTIME, 100 s ahead, every 30 s", "read", read_ticks(plain));
		efd_result("relative REALTIME", "read", read_ticks(relative));
		efd_result("MONOTONIC", "read", read_ticks(mono));
		set_clock_by(-200000 * MS);
		printf("clock moved back\n");
		timerfd_gettime(plain, &cur);
		printf("ABSTIME: next expiry 4 periods on, 219 to 220 s left: %d\n",
		       cur.it_value.tv_sec == 219 || (cur.it_value.tv_sec == 220 && cur.it_value.tv_nsec == 0));
	}
	close(plain);
	close(relative);
	close(mono);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	mount_proc();
	one_shot();
	interval();
	absolute(CLOCK_MONOTONIC, "MONOTONIC");
	absolute(CLOCK_REALTIME, "REALTIME");
	errors();
	fdinfo();
	clock_set();
	return kt_status();
}
