/* unix_pair: socketpair(AF_UNIX, SOCK_STREAM) as a pair of files (Lab 8,
 * Part C): data both ways through read and write, poll's answers, fstat
 * (S_IFSOCK) and /proc/self/fd's socket:[INO] text, the options Linux
 * reports for a new socket, FIONREAD, and what closing one end does to
 * the other: end of file, then EPIPE with SIGPIPE (or not, MSG_NOSIGNAL). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <kt_proc.h>
#include "unix_util.h"

static volatile int sigpipes;

static void on_sigpipe(int sig __attribute__((unused)))
{
	sigpipes++;
}

static short revents(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP };
	poll(&p, 1, 0);
	return p.revents;
}

static void show_poll(const char *what, int fd)
{
	short r = revents(fd);
	printf("%s:%s%s%s%s%s\n", what, r & POLLIN ? " IN" : "", r & POLLOUT ? " OUT" : "",
	       r & POLLRDHUP ? " RDHUP" : "", r & POLLHUP ? " HUP" : "", r & POLLERR ? " ERR" : "");
}

static void options(int fd)
{
	static const struct { int name; const char *what; } opts[] = {
		{ SO_TYPE, "SO_TYPE" }, { SO_DOMAIN, "SO_DOMAIN" }, { SO_PROTOCOL, "SO_PROTOCOL" },
		{ SO_ACCEPTCONN, "SO_ACCEPTCONN" }, { SO_ERROR, "SO_ERROR" },
		{ SO_REUSEADDR, "SO_REUSEADDR" }, { SO_KEEPALIVE, "SO_KEEPALIVE" },
		{ SO_PASSCRED, "SO_PASSCRED" },
	};
	for (unsigned i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		int v = -1;
		socklen_t len = sizeof(v);
		int r = getsockopt(fd, SOL_SOCKET, opts[i].name, &v, &len);
		printf("getsockopt %s: %d value %d len %u\n", opts[i].what, r, v, len);
	}
	int v = 1000;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	socklen_t len = sizeof(v);
	getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len);
	printf("SO_SNDBUF after setting 1000: %d\n", v);
	v = 100000;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len);
	printf("SO_SNDBUF after setting 100000: %d\n", v);
	u_show("getsockopt level 999", getsockopt(fd, 999, 1, &v, &len));
	u_show("getsockopt SOL_SOCKET 9999", getsockopt(fd, SOL_SOCKET, 9999, &v, &len));
}

static void as_files(int fd)
{
	struct stat st;
	fstat(fd, &st);
	kt_check(S_ISSOCK(st.st_mode), "fstat says S_IFSOCK");
	printf("permissions: %o\n", st.st_mode & 07777);
	char path[64], link[64], want[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
	if (!kt_check(!strcmp(link, want), "/proc/self/fd link is socket:[st_ino]"))
		printf("link: %s, st_ino %lu\n", link, (unsigned long)st.st_ino);
	u_show("lseek", lseek(fd, 0, SEEK_SET));
	u_show("fcntl F_GETFL & O_ACCMODE", fcntl(fd, F_GETFL) & O_ACCMODE);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	kt_proc_mount();
	int sv[2];
	u_show("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	as_files(sv[0]);
	options(sv[0]);
	show_poll("poll, nothing sent", sv[0]);
	u_show("write 5", write(sv[0], "hello", 5));
	u_show("write 6", write(sv[0], " world", 6));
	show_poll("poll of the other end", sv[1]);
	int avail = -1;
	ioctl(sv[1], FIONREAD, &avail);
	printf("FIONREAD: %d\n", avail);
	char buf[64] = {0};
	u_show("recv MSG_PEEK", recv(sv[1], buf, sizeof(buf), MSG_PEEK));
	u_show("read", read(sv[1], buf, sizeof(buf)));
	printf("got: %s\n", buf);
	u_show("write back", write(sv[1], "pong", 4));
	memset(buf, 0, sizeof(buf));
	u_show("read back", read(sv[0], buf, sizeof(buf)));
	printf("got: %s\n", buf);
	u_show("recv MSG_DONTWAIT, empty", recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT));
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	u_show("read O_NONBLOCK, empty", read(sv[0], buf, sizeof(buf)));
	fcntl(sv[0], F_SETFL, 0);

	/* shutdown(SHUT_WR): the other end reads end of file. */
	u_show("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
	show_poll("poll after the peer's SHUT_WR", sv[1]);
	u_show("read after the peer's SHUT_WR", read(sv[1], buf, sizeof(buf)));
	signal(SIGPIPE, on_sigpipe);
	u_show("write after SHUT_WR", write(sv[0], "x", 1));
	printf("SIGPIPEs: %d\n", sigpipes);
	u_show("send MSG_NOSIGNAL after SHUT_WR", send(sv[0], "x", 1, MSG_NOSIGNAL));
	printf("SIGPIPEs: %d\n", sigpipes);

	/* close: end of file for the reader, EPIPE for the writer. */
	u_show("write before close", write(sv[1], "bye", 3));
	close(sv[0]);
	show_poll("poll after the peer closed", sv[1]);
	u_show("write after the peer closed", write(sv[1], "x", 1));
	printf("SIGPIPEs: %d\n", sigpipes);
	u_show("read after the peer closed", read(sv[1], buf, sizeof(buf)));
	close(sv[1]);

	/* Unread data at close: the other end's read says ECONNRESET. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[0], "unread", 6);
	close(sv[1]);
	u_show("write to a peer closed with data unread", send(sv[0], "x", 1, MSG_NOSIGNAL));
	u_show("read from it", read(sv[0], buf, sizeof(buf)));
	close(sv[0]);

	/* Errors. */
	u_show("socketpair AF_UNIX protocol 7", socketpair(AF_UNIX, SOCK_STREAM, 7, sv));
	u_show("socketpair AF_UNIX type 9", socketpair(AF_UNIX, 9, 0, sv));
	u_show("socket family 99", socket(99, SOCK_STREAM, 0));
	u_show("getsockopt on a pipe", getsockopt(0, SOL_SOCKET, SO_TYPE, buf, &(socklen_t){4}));
	u_show("getsockopt on a closed fd", getsockopt(99, SOL_SOCKET, SO_TYPE, buf, &(socklen_t){4}));

	/* Many writes, then one big read: a byte stream has no boundaries. */
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	printf("FD_CLOEXEC: %d\n", fcntl(sv[0], F_GETFD));
	for (int i = 0; i < 10; i++)
		write(sv[0], "0123456789", 10);
	char big[256];
	u_show("one read of ten writes", recv(sv[1], big, sizeof(big), MSG_WAITALL | MSG_DONTWAIT));
	/* A large transfer through a child: blocking and wake-ups. */
	if (fork() == 0) {
		close(sv[1]);
		static char chunk[100000];
		for (unsigned i = 0; i < sizeof(chunk); i++)
			chunk[i] = (char)(i * 7);
		for (int i = 0; i < 20; i++)
			write(sv[0], chunk, sizeof(chunk));
		_exit(0);
	}
	close(sv[0]);
	long total = 0, sum = 0;
	static char rb[65536];
	ssize_t n;
	while ((n = read(sv[1], rb, sizeof(rb))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum += (unsigned char)rb[i] * ((total + i) % 13 + 1);
		total += n;
	}
	printf("transfer: %ld bytes, checksum %ld\n", total, sum);
	wait(NULL);
	return kt_status();
}
