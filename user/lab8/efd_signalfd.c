/* efd_signalfd: signalfd as Linux keeps it, poll on all three event fds,
 * and the event fds across fork and exec (Lab 8, Part A).
 *
 * signalfd: blocked signals read with their siginfo fields (kill's
 * sender pid and uid, checked here against the sender; sigqueue's value;
 * SIGCHLD's child and status; a POSIX timer's id, overrun and value),
 * taken (no longer pending), lowest first,
 * several in one read; a second call changing the mask; EAGAIN, EINVAL;
 * a blocking read woken by another process's kill. poll on an eventfd,
 * a timerfd and a signalfd at once, each woken in turn. A signalfd
 * inherited by fork reads the child's own signals; exec keeps the event
 * fds without close-on-exec and closes the others. /proc/self/fdinfo's
 * sigmask; lseek (0, moving nothing) and pread (ESPIPE). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include <kt.h>
#include "efd_util.h"

static void mount_proc(void)
{
	if (access("/proc/self/fd", F_OK) != 0)
		mount("proc", "/proc", "proc", 0, NULL);
}

static sigset_t set_of(int a, int b)
{
	sigset_t s;
	sigemptyset(&s);
	if (a)
		sigaddset(&s, a);
	if (b)
		sigaddset(&s, b);
	return s;
}

static int is_pending(int sig)
{
	sigset_t s;
	sigpending(&s);
	return sigismember(&s, sig);
}

static void link_text(int fd)
{
	char path[64], link[64] = "";
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0)
		link[n] = 0;
	printf("fd link: %s\n", link);
}

static void basics(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	int fd = signalfd(-1, &m, SFD_NONBLOCK);
	kt_check(fd >= 0, "signalfd(USR1, SFD_NONBLOCK)");
	link_text(fd);
	struct signalfd_siginfo si[3];
	kt_expect_err("read with none pending", read(fd, si, sizeof(si[0])), EAGAIN);
	kt_expect_err("read of 64 bytes", read(fd, si, 64), EINVAL);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	kt_check_eq("poll: not ready", poll(&p, 1, 0), 0);
	kill(getpid(), SIGUSR1);
	kt_check_eq("poll after kill: ready", poll(&p, 1, 0), 1);
	kt_check_eq("read one", read(fd, si, sizeof(si)), sizeof(si[0]));
	kt_check_eq("ssi_signo", si[0].ssi_signo, SIGUSR1);
	kt_check_eq("ssi_code SI_USER", si[0].ssi_code, SI_USER);
	kt_check(si[0].ssi_pid == (uint32_t)getpid(), "ssi_pid is the sender's");
	kt_check(si[0].ssi_uid == getuid(), "ssi_uid is the sender's");
	kt_check(!is_pending(SIGUSR1), "the signal is taken");

	/* The mask changed by a second call on the same fd. */
	m = set_of(SIGUSR2, 0);
	kt_check_eq("signalfd(fd, USR2) returns fd", signalfd(fd, &m, 0), fd);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR2);
	kt_check_eq("read takes USR2 only", read(fd, si, sizeof(si)), sizeof(si[0]));
	kt_check_eq("ssi_signo", si[0].ssi_signo, SIGUSR2);
	kt_check(is_pending(SIGUSR1), "USR1 still pending");
	m = set_of(SIGUSR1, SIGUSR2);
	signalfd(fd, &m, 0);
	kill(getpid(), SIGUSR2);
	kt_check_eq("two in one read", read(fd, si, sizeof(si)), 2 * sizeof(si[0]));
	kt_check(si[0].ssi_signo == SIGUSR1 && si[1].ssi_signo == SIGUSR2, "lowest first");

	/* sigqueue's value and SIGCHLD's fields. */
	m = set_of(SIGRTMIN, SIGCHLD);
	signalfd(fd, &m, 0);
	sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 1234 });
	read(fd, si, sizeof(si[0]));
	kt_check(si[0].ssi_signo == (uint32_t)SIGRTMIN && si[0].ssi_code == SI_QUEUE, "sigqueue: SIGRTMIN, SI_QUEUE");
	kt_check(si[0].ssi_int == 1234 && si[0].ssi_ptr == 1234, "sigqueue's value in ssi_int and ssi_ptr");
	fflush(stdout);
	pid_t child = fork();
	if (child == 0)
		_exit(7);
	struct pollfd pc = { .fd = fd, .events = POLLIN };
	poll(&pc, 1, 10000);
	read(fd, si, sizeof(si[0]));
	kt_check(si[0].ssi_signo == SIGCHLD && si[0].ssi_code == CLD_EXITED, "SIGCHLD: CLD_EXITED");
	kt_check(si[0].ssi_pid == (uint32_t)child && si[0].ssi_status == 7, "SIGCHLD: the child's pid, status 7");
	waitpid(child, NULL, 0);

	/* A POSIX timer's signal: its id, overrun and value, no sender. */
	int timer = -1;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN, .sigev_value.sival_int = 77 };
	syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &timer);
	struct itimerspec its = { .it_value = { 0, 20000000 } };
	memset(si, 0xff, sizeof(si[0]));
	/* Without timers nothing comes: no read, which would wait for ever. */
	if (syscall(SYS_timer_settime, timer, 0, &its, NULL) == 0 && poll(&pc, 1, 10000) == 1)
		read(fd, si, sizeof(si[0]));
	kt_check(si[0].ssi_signo == (uint32_t)SIGRTMIN && si[0].ssi_code == SI_TIMER, "timer: SIGRTMIN, SI_TIMER");
	kt_check(si[0].ssi_tid == (uint32_t)timer && si[0].ssi_overrun == 0 && si[0].ssi_int == 77 &&
		 si[0].ssi_pid == 0, "timer: ssi_tid is its id, ssi_overrun 0, ssi_int its value, no ssi_pid");
	syscall(SYS_timer_delete, timer);

	kt_expect_err("signalfd sizemask 4", syscall(SYS_signalfd4, -1, &m, 4, 0), EINVAL);
	kt_expect_err("signalfd bad flags", syscall(SYS_signalfd4, -1, &m, 8, 1), EINVAL);
	int efd = eventfd(0, 0);
	kt_expect_err("signalfd on an eventfd", signalfd(efd, &m, 0), EINVAL);
	kt_expect_err("signalfd on a closed fd", signalfd(99, &m, 0), EBADF);
	close(efd);
	close(fd);
}

/* A blocking read woken by another process's kill. */
static void blocking(void)
{
	sigset_t m = set_of(SIGUSR2, 0);
	int fd = signalfd(-1, &m, SFD_CLOEXEC);
	kt_check_eq("SFD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
	pid_t parent = getpid();
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		usleep(50000);
		kill(parent, SIGUSR2);
		_exit(0);
	}
	struct signalfd_siginfo si;
	kt_check_eq("blocking read woken by a kill", read(fd, &si, sizeof(si)), sizeof(si));
	kt_check(si.ssi_signo == SIGUSR2 && si.ssi_pid == (uint32_t)child, "from the child");
	waitpid(child, NULL, 0);
	close(fd);
}

/* poll on all three, each made ready in turn. */
static void poll_all(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	int efd = eventfd(0, 0), tfd = timerfd_create(CLOCK_MONOTONIC, 0), sfd = signalfd(-1, &m, 0);
	struct pollfd p[3] = { { efd, POLLIN, 0 }, { tfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
	pid_t parent = getpid();
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		usleep(50000);
		kill(parent, SIGUSR1);
		usleep(50000);
		uint64_t one = 1;
		write(efd, &one, 8);
		_exit(0);
	}
	kt_check_eq("poll: the signal comes first", poll(p, 3, 10000), 1);
	printf("ready: eventfd %d timerfd %d signalfd %d\n", !!p[0].revents, !!p[1].revents, !!p[2].revents);
	struct signalfd_siginfo si;
	read(sfd, &si, sizeof(si));
	kt_check_eq("poll: then the eventfd", poll(p, 3, 10000), 1);
	printf("ready: eventfd %d timerfd %d signalfd %d\n", !!p[0].revents, !!p[1].revents, !!p[2].revents);
	uint64_t n;
	read(efd, &n, 8);
	struct itimerspec s = { .it_value = { 0, 20000000 } };
	timerfd_settime(tfd, 0, &s, NULL);
	kt_check_eq("poll: then the timer", poll(p, 3, 10000), 1);
	printf("ready: eventfd %d timerfd %d signalfd %d\n", !!p[0].revents, !!p[1].revents, !!p[2].revents);
	waitpid(child, NULL, 0);
	close(efd);
	close(tfd);
	close(sfd);
}

/* fork: the child's reads of an inherited signalfd take its own signals. */
static void inherit_fork(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	int fd = signalfd(-1, &m, SFD_NONBLOCK);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		kill(getpid(), SIGUSR1);
		struct signalfd_siginfo si;
		int ok = read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_pid == (uint32_t)getpid();
		_exit(ok ? 0 : 1);
	}
	int status;
	waitpid(child, &status, 0);
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork: the child reads its own signal");
	kt_expect_err("the parent has none", read(fd, &(struct signalfd_siginfo){ 0 }, 128), EAGAIN);
	close(fd);
}

/* After exec (argv: "after-exec", the fds). */
static int after_exec(char **argv)
{
	int kept = atoi(argv[2]), closed = atoi(argv[3]), sfd = atoi(argv[4]);
	uint64_t n = 0;
	kt_check(read(kept, &n, 8) == 8 && n == 3, "exec: the eventfd is kept with its counter");
	link_text(kept);
	kt_expect_err("exec: the EFD_CLOEXEC one is closed", fcntl(closed, F_GETFD), EBADF);
	link_text(sfd);
	struct signalfd_siginfo si;
	kt_check(read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR1,
		 "exec: the signalfd reads a signal pending across exec");
	return kt_status();
}

static void inherit_exec(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	int kept = eventfd(3, 0), closed = eventfd(5, EFD_CLOEXEC), sfd = signalfd(-1, &m, SFD_NONBLOCK);
	char a[3][16];
	snprintf(a[0], 16, "%d", kept);
	snprintf(a[1], 16, "%d", closed);
	snprintf(a[2], 16, "%d", sfd);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		kill(getpid(), SIGUSR1);
		execl("/proc/self/exe", "efd_signalfd", "after-exec", a[0], a[1], a[2], (char *)NULL);
		_exit(99);
	}
	int status;
	waitpid(child, &status, 0);
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exec: the child's checks");
}

/* fdinfo's sigmask: the signals it reads (SIGKILL and SIGSTOP never). */
static void fdinfo(void)
{
	sigset_t m = set_of(SIGUSR1, SIGRTMIN);
	int fd = signalfd(-1, &m, 0);
	efd_show_fdinfo("signalfd of USR1 and RTMIN", fd);
	m = set_of(SIGUSR2, SIGKILL);
	signalfd(fd, &m, 0);
	efd_show_fdinfo("changed to USR2 and KILL", fd);
	efd_show_lseek("signalfd", fd);
	close(fd);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 5 && !strcmp(argv[1], "after-exec"))
		return after_exec(argv);
	mount_proc();
	sigset_t all = set_of(SIGUSR1, SIGUSR2);
	sigaddset(&all, SIGCHLD);
	sigaddset(&all, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &all, NULL);
	basics();
	blocking();
	poll_all();
	inherit_fork();
	inherit_exec();
	fdinfo();
	return kt_status();
}
