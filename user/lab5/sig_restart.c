/* sig_restart: system calls a handled signal cuts short. A pipe read
 * with SA_RESTART goes on and gets the data written later; without it,
 * EINTR. wait4 likewise, and a write to a full pipe; poll, select and pause are
 * never restarted (EINTR even with SA_RESTART, as Linux's
 * ERESTARTNOHAND); nanosleep fails with EINTR and tells the time left;
 * a sigtimedwait is cut short by a handled signal not in its set. The
 * signal comes from a child some time after the call started sleeping.
 *
 * Runs in a child with a session of its own (kt_run_in_session). */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <kt.h>

#define CHECK(what, ok) kt_check(ok, what)

static volatile sig_atomic_t hits;

static void on_usr1(int sig)
{
	(void)sig;
	hits++;
}

static void handle(int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	hits = 0;
}

/* A child that sends SIGUSR1 to us after 100 ms, then (if fd >= 0)
 * writes a byte to fd 100 ms later. */
static pid_t poke_later(int fd)
{
	pid_t parent = getpid();
	pid_t pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(100);
		kill(parent, SIGUSR1);
		if (fd >= 0) {
			kt_sleep_ms(100);
			write(fd, "x", 1);
		}
		_exit(0);
	}
	return pid;
}

static void pipe_read(int flags, const char *what)
{
	int p[2];
	pipe(p);
	handle(flags);
	pid_t pid = poke_later(p[1]);
	char c;
	long n = read(p[0], &c, 1);
	char line[80];
	if (flags & SA_RESTART) {
		snprintf(line, sizeof(line), "%s: read goes on and returns the byte", what);
		CHECK(line, n == 1 && c == 'x');
	} else {
		snprintf(line, sizeof(line), "%s: read", what);
		kt_expect_err(line, n, EINTR);
	}
	snprintf(line, sizeof(line), "%s: the handler ran once", what);
	kt_check_eq(line, hits, 1);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
}

static void pipe_write(int flags, const char *what)
{
	int p[2];
	pipe(p);
	char buf[4096];
	memset(buf, 'y', sizeof(buf));
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	while (write(p[1], buf, sizeof(buf)) > 0 || write(p[1], buf, 1) > 0)
		;                       /* full */
	fcntl(p[1], F_SETFL, 0);
	handle(flags);
	pid_t pid = poke_later(-1);
	long n = write(p[1], buf, 1);
	char line[80];
	snprintf(line, sizeof(line), "%s: write to a full pipe", what);
	kt_expect_err(line, n, EINTR);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
}

static void never_restarted(void)
{
	handle(SA_RESTART);
	int p[2];
	pipe(p);
	pid_t pid = poke_later(-1);
	struct pollfd pf = { p[0], POLLIN, 0 };
	kt_expect_err("poll with SA_RESTART", poll(&pf, 1, 5000), EINTR);
	waitpid(pid, NULL, 0);

	pid = poke_later(-1);
	fd_set in;
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	struct timeval tv = { 5, 0 };
	kt_expect_err("select with SA_RESTART", select(p[0] + 1, &in, NULL, NULL, &tv), EINTR);
	waitpid(pid, NULL, 0);

	pid = poke_later(-1);
	kt_expect_err("pause with SA_RESTART", pause(), EINTR);
	waitpid(pid, NULL, 0);

	pid = poke_later(-1);
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	kt_expect_err("nanosleep with SA_RESTART", nanosleep(&req, &rem), EINTR);
	CHECK("nanosleep: the time left is less than asked, and more than 3 s",
	      rem.tv_sec < 5 && rem.tv_sec >= 3 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000);
	waitpid(pid, NULL, 0);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid = poke_later(-1);
	struct timespec five = { 5, 0 };
	/* The system call itself: the C library's sigtimedwait retries on EINTR. */
	kt_expect_err("rt_sigtimedwait for SIGUSR2, SIGUSR1 handled",
		      syscall(SYS_rt_sigtimedwait, &set, NULL, &five, 8), EINTR);
	waitpid(pid, NULL, 0);
	kt_check_eq("the handler ran each time", hits, 5);
	close(p[0]);
	close(p[1]);
}

static void wait_child(int flags, const char *what)
{
	handle(flags);
	pid_t sleeper = kt_fork();
	if (sleeper == 0) {
		kt_sleep_ms(300);
		_exit(5);
	}
	pid_t pid = poke_later(-1);
	int status = 0;
	long r = waitpid(sleeper, &status, 0);
	char line[80];
	if (flags & SA_RESTART) {
		snprintf(line, sizeof(line), "%s: wait4 goes on until the child exits", what);
		CHECK(line, r == sleeper && WIFEXITED(status) && WEXITSTATUS(status) == 5);
	} else {
		snprintf(line, sizeof(line), "%s: wait4", what);
		kt_expect_err(line, r, EINTR);
		waitpid(sleeper, NULL, 0);
	}
	waitpid(pid, NULL, 0);
}

static void run(void)
{
	pipe_read(SA_RESTART, "SA_RESTART");
	pipe_read(0, "no SA_RESTART");
	pipe_write(0, "no SA_RESTART");
	wait_child(SA_RESTART, "SA_RESTART");
	wait_child(0, "no SA_RESTART");
	never_restarted();
}

int main(void)
{
	return kt_run_in_session(run);
}
