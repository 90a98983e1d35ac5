/* kt_tsig.h: what Lab 6 Part B's thread-signal tests (user/lab6/glibc/
 * tsig_*.c) share: handshakes over pipes (no futex needed to meet), each
 * thread's index (threads print which one took a signal by index, never
 * by tid), and installing a handler. */
#ifndef KT_TSIG_H
#define KT_TSIG_H

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

/* 0 in the main thread, 1.. in the threads a test starts. */
static __thread int kt_me __attribute__((unused));

/* A one-way channel: one byte per message. */
struct kt_chan {
	int fd[2];
};

static inline void kt_chan_init(struct kt_chan *c)
{
	if (pipe(c->fd) != 0)
		_exit(99);
}

static inline void kt_send(struct kt_chan *c, char msg)
{
	while (write(c->fd[1], &msg, 1) != 1 && errno == EINTR)
		;
}

/* The next message; a signal's handler may cut the wait short (read
 * again). */
static inline char kt_recv(struct kt_chan *c)
{
	char msg = 0;
	while (read(c->fd[0], &msg, 1) != 1)
		if (errno != EINTR)
			_exit(98);
	return msg;
}

static inline void kt_catch(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* The calling thread's mask with sig added or removed. */
static inline void kt_block(int sig, int block)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &s, NULL);
}

static inline int kt_blocked(int sig)
{
	sigset_t s;
	pthread_sigmask(SIG_SETMASK, NULL, &s);
	return sigismember(&s, sig);
}

static inline int kt_pending(int sig)
{
	sigset_t s;
	sigpending(&s);
	return sigismember(&s, sig);
}

/* The calling thread's mask without sig: for sigsuspend. */
static inline sigset_t kt_mask_without(int sig)
{
	sigset_t s;
	pthread_sigmask(SIG_SETMASK, NULL, &s);
	sigdelset(&s, sig);
	return s;
}

static inline pid_t kt_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

#endif
