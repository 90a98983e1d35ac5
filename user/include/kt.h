/* kt.h: the few helpers the user-space test programs share.
 *
 * The output of a test is compared line by line with the same program run
 * on Linux, so helpers print verdicts and relations, never values that vary
 * between runs (pids, addresses, times). Everything is static inline so a
 * program that uses only part of this header still builds with -Werror. */
#ifndef KT_H
#define KT_H

#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Checks that failed; a program's exit status is 1 if any did. */
static inline int *kt_failures(void)
{
	static int n;
	return &n;
}

static inline int kt_status(void)
{
	return *kt_failures() ? 1 : 0;
}

/* "what: ok" or "what: BAD". Returns ok so callers can chain on it. */
static inline int kt_check(int ok, const char *what)
{
	printf("%s: %s\n", what, ok ? "ok" : "BAD");
	if (!ok)
		++*kt_failures();
	return ok;
}

/* Like kt_check, but a failure also shows the value (only a broken
 * kernel gets to print something that varies). */
static inline int kt_check_eq(const char *what, long got, long want)
{
	if (got == want) {
		printf("%s: ok\n", what);
		return 1;
	}
	printf("%s: BAD (got %ld, want %ld)\n", what, got, want);
	++*kt_failures();
	return 0;
}

static inline const char *kt_errname(int e)
{
	static char buf[16];

	switch (e) {
	case 0:		return "0";
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case ESRCH:	return "ESRCH";
	case EINTR:	return "EINTR";
	case EBADF:	return "EBADF";
	case ECHILD:	return "ECHILD";
	case EAGAIN:	return "EAGAIN";
	case ENOMEM:	return "ENOMEM";
	case EACCES:	return "EACCES";
	case EFAULT:	return "EFAULT";
	case EINVAL:	return "EINVAL";
	case ENOTTY:	return "ENOTTY";
	case ENOSYS:	return "ENOSYS";
	case ENXIO:	return "ENXIO";
	case E2BIG:	return "E2BIG";
	case ENOEXEC:	return "ENOEXEC";
	case ENOTDIR:	return "ENOTDIR";
	case EISDIR:	return "EISDIR";
	case EEXIST:	return "EEXIST";
	case ENOTEMPTY:	return "ENOTEMPTY";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ELOOP:	return "ELOOP";
	case EXDEV:	return "EXDEV";
	case EBUSY:	return "EBUSY";
	case ENOSPC:	return "ENOSPC";
	case ESPIPE:	return "ESPIPE";
	case EMFILE:	return "EMFILE";
	case EFBIG:	return "EFBIG";
	case EMLINK:	return "EMLINK";
	case ERANGE:	return "ERANGE";
	case EROFS:	return "EROFS";
	case EPIPE:	return "EPIPE";
	case EOVERFLOW:	return "EOVERFLOW";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ETXTBSY:	return "ETXTBSY";
	case ENODEV:	return "ENODEV";
	case EDEADLK:	return "EDEADLK";
	case ENOLCK:	return "ENOLCK";
	case ENODATA:	return "ENODATA";
	}
	snprintf(buf, sizeof(buf), "E#%d", e);
	return buf;
}

/* For a call that must fail with errno want: prints "what: errno NAME"
 * (the name actually seen), or "what: returned N" if it did not fail.
 * Call it right after the call under test: it reads errno first. */
static inline int kt_expect_err(const char *what, long ret, int want)
{
	int e = errno;

	if (ret == -1)
		printf("%s: errno %s\n", what, kt_errname(e));
	else
		printf("%s: returned %ld\n", what, ret);
	if (ret == -1 && e == want)
		return 1;
	++*kt_failures();
	return 0;
}

/* Children inherit the stdio buffer: flush it first or it prints twice. */
static inline pid_t kt_fork(void)
{
	fflush(stdout);
	fflush(stderr);
	return fork();
}

/* In the kernel a test is the first process, pid 1. Host-only setup
 * (subreaper, no core dumps) keys off this. */
static inline int kt_on_host(void)
{
	return getpid() != 1;
}

/* Runs run() in a child that leads a session of its own, so signals to
 * process groups behave the same for the kernel's first process and on
 * Linux (where the test's parent is the grader); prints "done: ok" when
 * the child's checks all passed, and returns the exit status for main. */
static inline int kt_run_in_session(void (*run)(void))
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		setsid();
		run();
		exit(kt_status());
	}
	int status;
	waitpid(pid, &status, 0);
	printf("done: %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "BAD");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static inline long long kt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void kt_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

#endif
