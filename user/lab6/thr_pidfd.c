/* thr_pidfd: CLONE_PIDFD and pidfd_open. A pidfd is close-on-exec;
 * poll says nothing while its process runs, POLLIN once it has ended,
 * and POLLHUP too once it was reaped; waitid(P_PIDFD) collects the
 * process it stands for. clone returns the pidfd through its parent_tid
 * argument, clone3 through clone_args.pidfd. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <kt.h>
#include <thr_raw.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };
	thr_sys(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
}

/* For a raw call (thr_sys: -errno) that must fail with want. */
static void raw_err(const char *what, long r, int want)
{
	printf("%s: %s\n", what, r < 0 ? kt_errname(-r) : "succeeded");
	if (r != -want)
		++*kt_failures();
}

static const char *events(int fd, int timeout_ms)
{
	static char buf[64];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n = poll(&p, 1, timeout_ms);
	if (n < 0)
		return kt_errname(errno);
	snprintf(buf, sizeof(buf), "%d%s%s%s", n, p.revents & POLLIN ? " POLLIN" : "",
		 p.revents & POLLHUP ? " POLLHUP" : "", p.revents & ~(POLLIN | POLLHUP | POLLRDNORM) ? " other" : "");
	return buf;
}

static void via_clone3(void)
{
	int pidfd = -1;
	struct thr_clone_args a = { .flags = CLONE_PIDFD, .pidfd = (unsigned long)&pidfd, .exit_signal = SIGCHLD };
	fflush(stdout);
	long pid = thr_sys(SYS_clone3, (long)&a, 88, 0, 0, 0, 0);
	if (pid == 0) {
		nap_ms(100);
		_exit(6);
	}
	kt_check(pid > 0 && pidfd >= 0, "clone3 CLONE_PIDFD: a child and a pidfd");
	kt_check(fcntl(pidfd, F_GETFD) == FD_CLOEXEC, "  the pidfd is close-on-exec");
	printf("  poll while it runs: %s\n", events(pidfd, 0));
	printf("  poll until it ends: %s\n", events(pidfd, 5000));
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	int r = waitid(P_PIDFD, pidfd, &si, WEXITED);
	kt_check(r == 0 && si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 6,
		 "  waitid(P_PIDFD) collects it");
	printf("  poll once reaped: %s\n", events(pidfd, 0));
	kt_expect_err("  waitid(P_PIDFD) again", waitid(P_PIDFD, pidfd, &si, WEXITED | WNOHANG), ECHILD);
	raw_err("  pidfd_open of the reaped pid", thr_sys(SYS_pidfd_open, pid, 0, 0, 0, 0, 0), ESRCH);
	close(pidfd);
}

static void via_clone(void)
{
	int pidfd = -1;
	fflush(stdout);
	long pid = thr_sys(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, (long)&pidfd, 0, 0, 0);
	if (pid == 0)
		_exit(2);
	kt_check(pid > 0 && pidfd >= 0, "clone CLONE_PIDFD: the pidfd through parent_tid");
	printf("  poll until it ends: %s\n", events(pidfd, 5000));
	int s;
	kt_check(waitpid(pid, &s, 0) == pid && WIFEXITED(s) && WEXITSTATUS(s) == 2, "  wait4 by pid still works");
	close(pidfd);
}

static void pidfd_open_calls(void)
{
	long fd = thr_sys(SYS_pidfd_open, getpid(), 0, 0, 0, 0, 0);
	kt_check(fd >= 0, "pidfd_open of itself");
	printf("  poll: %s\n", events(fd, 0));
	close(fd);
	raw_err("pidfd_open(-1)", thr_sys(SYS_pidfd_open, -1, 0, 0, 0, 0, 0), EINVAL);
	raw_err("pidfd_open with a bad flag", thr_sys(SYS_pidfd_open, getpid(), 1, 0, 0, 0, 0), EINVAL);
	siginfo_t si;
	kt_expect_err("waitid(P_PIDFD) on fd 0, not a pidfd", waitid(P_PIDFD, 0, &si, WEXITED | WNOHANG), EBADF);
	kt_expect_err("waitid(P_PIDFD, -1)", waitid(P_PIDFD, -1, &si, WEXITED | WNOHANG), EINVAL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	via_clone3();
	via_clone();
	pidfd_open_calls();
	return kt_status();
}
