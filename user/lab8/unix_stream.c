/* unix_stream: AF_UNIX stream sockets with names (Lab 8, Part C): a
 * server bound to a path in a temporary directory echoes what a child
 * client sends; the socket file the bind made (S_IFSOCK, EADDRINUSE while
 * it exists, ECONNREFUSED once nobody listens on it, ENOENT without it),
 * and one made by mknod(S_IFSOCK) (no socket behind it: ECONNREFUSED);
 * abstract names and autobind; getsockname/getpeername, SO_ACCEPTCONN and
 * SO_PEERCRED; the accept queue: connect succeeds before accept, data
 * sent meanwhile waits, a full backlog makes a non-blocking connect fail
 * with EAGAIN, accept4's flags; and the errors of misuse as Linux gives
 * them (EINVAL, EISCONN, ENOTCONN, EOPNOTSUPP, EPROTOTYPE...). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unix_util.h"

static char dir[64];

static socklen_t path_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, name);
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

/* An abstract name unique to this run (the host runs tests in parallel). */
static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "kestrel-%d-%s", getpid(), name);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

static int listener(const struct sockaddr_un *a, socklen_t len, int type, int backlog)
{
	int s = socket(AF_UNIX, type, 0);
	if (bind(s, (const struct sockaddr *)a, len) || listen(s, backlog))
		printf("listener: %s\n", u_errname(errno));
	return s;
}

static void echo_path(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, "echo.sock");
	int ls = listener(&a, len, SOCK_STREAM, 5);
	struct stat st;
	u_show("stat of the bound path", stat(a.sun_path, &st));
	kt_check(S_ISSOCK(st.st_mode), "the path is a socket");
	printf("its permissions: %o\n", st.st_mode & 0777);
	u_show("open of the socket path", open(a.sun_path, O_RDWR));
	pid_t pid = fork();
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&a, len))
			_exit(10);
		char msg[] = "hello through a path";
		char back[64] = {0};
		write(c, msg, sizeof(msg));
		ssize_t n = read(c, back, sizeof(back));
		_exit(n == (ssize_t)sizeof(msg) && !strcmp(back, msg) ? 0 : 11);
	}
	struct sockaddr_un peer;
	socklen_t plen = sizeof(peer);
	int c = accept(ls, (struct sockaddr *)&peer, &plen);
	u_show("accept", c >= 0 ? 0 : -1);
	printf("accept's peer address length: %u (unnamed client)\n", plen);
	char buf[64];
	ssize_t n = read(c, buf, sizeof(buf));
	u_show("server read", n);
	u_show("server write", write(c, buf, n));
	int status;
	waitpid(pid, &status, 0);
	printf("client exit status: %d\n", WEXITSTATUS(status));
	u_show("read after the client exited", read(c, buf, sizeof(buf)));

	struct sockaddr_un name;
	socklen_t nlen = sizeof(name);
	getsockname(c, (struct sockaddr *)&name, &nlen);
	kt_check(nlen == len && !strcmp(name.sun_path, a.sun_path), "accepted socket's name is the listener's path");
	int v;
	socklen_t vl = sizeof(v);
	getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf("SO_ACCEPTCONN of the listener: %d\n", v);
	getsockopt(c, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf("SO_ACCEPTCONN of the accepted socket: %d\n", v);
	close(c);

	/* The name stays taken while the file exists, even after close. */
	int again = socket(AF_UNIX, SOCK_STREAM, 0);
	u_show("bind to a path in use", bind(again, (struct sockaddr *)&a, len));
	close(ls);
	u_show("bind to a path whose socket closed", bind(again, (struct sockaddr *)&a, len));
	int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	u_show("connect to a path nobody listens on", connect(c2, (struct sockaddr *)&a, len));
	unlink(a.sun_path);
	u_show("bind after unlink", bind(again, (struct sockaddr *)&a, len));
	u_show("bind twice", bind(again, (struct sockaddr *)&a, len));
	u_show("connect to a bound, not listening socket", connect(c2, (struct sockaddr *)&a, len));
	unlink(a.sun_path);
	u_show("connect to a removed path", connect(c2, (struct sockaddr *)&a, len));
	struct sockaddr_un f;
	socklen_t flen = path_addr(&f, "plain");
	close(open(f.sun_path, O_CREAT | O_WRONLY, 0600));
	u_show("connect to a regular file", connect(c2, (struct sockaddr *)&f, flen));
	u_show("bind to a regular file", bind(c2, (struct sockaddr *)&f, flen));
	unlink(f.sun_path);

	/* mknod makes a socket file with no socket behind it. */
	flen = path_addr(&f, "mknod.sock");
	u_show("mknod S_IFSOCK", mknod(f.sun_path, S_IFSOCK | 0640, 0));
	u_show("stat", stat(f.sun_path, &st));
	printf("a socket: %d, permissions %o\n", S_ISSOCK(st.st_mode), st.st_mode & 0777);
	u_show("mknod S_IFSOCK again", mknod(f.sun_path, S_IFSOCK | 0640, 0));
	u_show("open of it", open(f.sun_path, O_RDONLY));
	u_show("bind to it", bind(c2, (struct sockaddr *)&f, flen));
	u_show("connect to it", connect(c2, (struct sockaddr *)&f, flen));
	int dg = socket(AF_UNIX, SOCK_DGRAM, 0);
	u_show("a datagram sent to it", sendto(dg, "x", 1, 0, (struct sockaddr *)&f, flen));
	close(dg);
	u_show("unlink", unlink(f.sun_path));
	flen = path_addr(&f, "nodir/x");
	u_show("bind in a missing directory", bind(c2, (struct sockaddr *)&f, flen));
	close(again);
	close(c2);
}

static void abstract_names(void)
{
	struct sockaddr_un a, got;
	socklen_t len = abstract_addr(&a, "abs");
	int ls = listener(&a, len, SOCK_STREAM, 5);
	int other = socket(AF_UNIX, SOCK_STREAM, 0);
	u_show("bind to an abstract name in use", bind(other, (struct sockaddr *)&a, len));
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	u_show("connect to the abstract name", connect(c, (struct sockaddr *)&a, len));
	u_show("connect again", connect(c, (struct sockaddr *)&a, len));
	int s = accept(ls, NULL, NULL);
	socklen_t glen = sizeof(got);
	getpeername(c, (struct sockaddr *)&got, &glen);
	kt_check(glen == len && !memcmp(&got, &a, len), "getpeername gives the abstract name");
	glen = sizeof(got);
	getsockname(c, (struct sockaddr *)&got, &glen);
	printf("getsockname of an unbound client: length %u family %d\n", glen, got.sun_family);
	glen = sizeof(got);
	getpeername(s, (struct sockaddr *)&got, &glen);
	printf("getpeername of the accepted side: length %u\n", glen);
	send(s, "hi", 2, 0);
	char two[4];
	glen = sizeof(got);
	memset(&got, 0, sizeof(got));
	u_show("recvfrom on the client", recvfrom(c, two, sizeof(two), 0, (struct sockaddr *)&got, &glen));
	kt_check(glen == len && !memcmp(&got, &a, len), "recvfrom names the sender: the listener's name");
	send(c, "ho", 2, 0);
	glen = sizeof(got);
	u_show("recvfrom on the server", recvfrom(s, two, sizeof(two), 0, (struct sockaddr *)&got, &glen));
	printf("an unbound client's name length: %u\n", glen);
	struct ucred cr;
	socklen_t crl = sizeof(cr);
	getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &crl);
	kt_check(cr.pid == (pid_t)getpid() && cr.uid == geteuid() && cr.gid == getegid() && crl == sizeof(cr),
		 "SO_PEERCRED of the client: the listener's pid, uid, gid");
	crl = sizeof(cr);
	getsockopt(ls, SOL_SOCKET, SO_PEERCRED, &cr, &crl);
	kt_check(cr.pid == (pid_t)getpid(), "SO_PEERCRED of the listener: its own");
	close(c);
	close(s);
	close(ls);
	u_show("bind to the abstract name once its owner closed", bind(other, (struct sockaddr *)&a, len));
	close(other);

	/* autobind: bind with just the family picks an abstract name. */
	int b = socket(AF_UNIX, SOCK_DGRAM, 0);
	u_show("autobind", bind(b, (struct sockaddr *)&(struct sockaddr_un){ .sun_family = AF_UNIX },
				offsetof(struct sockaddr_un, sun_path)));
	glen = sizeof(got);
	getsockname(b, (struct sockaddr *)&got, &glen);
	printf("autobound name: length %u, abstract %d\n", glen, got.sun_path[0] == 0);
	close(b);
}

static void accept_queue(void)
{
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, "queue");
	int ls = listener(&a, len, SOCK_STREAM, 1);
	int c[4];
	for (int i = 0; i < 4; i++) {
		c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		int r = connect(c[i], (struct sockaddr *)&a, len);
		printf("non-blocking connect %d with backlog 1: %s\n", i, r ? u_errname(errno) : "0");
		if (!r) {
			char m = '0' + i;
			write(c[i], &m, 1);     /* waits in the queued connection */
		}
	}
	struct pollfd p = { .fd = ls, .events = POLLIN };
	int ready = poll(&p, 1, 0);
	printf("poll of the listener: %d revents %x\n", ready, p.revents);
	for (int i = 0; i < 2; i++) {
		int s = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		char m = '?';
		ssize_t n = s < 0 ? -1 : read(s, &m, 1);
		printf("accept4 %d: %s, flags %s%s, read %zd '%c'\n", i, s < 0 ? u_errname(errno) : "ok",
		       s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK) ? "O_NONBLOCK " : "",
		       s >= 0 && fcntl(s, F_GETFD) ? "FD_CLOEXEC" : "", n, n == 1 ? m : '-');
		if (s >= 0)
			close(s);
	}
	fcntl(ls, F_SETFL, O_NONBLOCK);
	u_show("accept on an empty queue, O_NONBLOCK", accept(ls, NULL, NULL));
	u_show("accept4 with a bad flag", accept4(ls, NULL, NULL, 0x1));
	/* A connection queued but never accepted, at the listener's close. */
	int late = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(late, (struct sockaddr *)&a, len);
	close(ls);
	char buf[4];
	u_show("read of a connection its listener closed before accept", read(late, buf, sizeof(buf)));
	for (int i = 0; i < 4; i++)
		close(c[i]);
	close(late);
}

static void misuse(void)
{
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, "misuse");
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[4];
	u_show("listen unbound", listen(s, 1));
	u_show("accept unbound", accept(s, NULL, NULL));
	u_show("write unconnected", send(s, "x", 1, MSG_NOSIGNAL));
	u_show("read unconnected", read(s, buf, 1));
	u_show("getpeername unconnected", getpeername(s, (struct sockaddr *)&a, &(socklen_t){sizeof(a)}));
	u_show("shutdown unconnected", shutdown(s, SHUT_RDWR));
	u_show("shutdown how 7", shutdown(s, 7));
	u_show("connect, nobody there", connect(s, (struct sockaddr *)&a, len));
	u_show("connect, family AF_INET", connect(s, (struct sockaddr *)&(struct sockaddr_un){ .sun_family = AF_INET }, len));
	u_show("connect, length 1", connect(s, (struct sockaddr *)&a, 1));
	u_show("bind, length too long", bind(s, (struct sockaddr *)&a, sizeof(a) + 1));
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	u_show("listen on a datagram socket", listen(d, 1));
	u_show("accept on a datagram socket", accept(d, NULL, NULL));
	int ls = listener(&a, len, SOCK_STREAM, 1);
	u_show("connect a datagram socket to a stream listener", connect(d, (struct sockaddr *)&a, len));
	int sp = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	u_show("connect a seqpacket socket to a stream listener", connect(sp, (struct sockaddr *)&a, len));
	u_show("connect the listener", connect(ls, (struct sockaddr *)&a, len));
	u_show("sendto a connected stream socket", ({
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		connect(c, (struct sockaddr *)&a, len);
		long r = sendto(c, "x", 1, 0, (struct sockaddr *)&a, len);
		close(c);
		r;
	}));
	u_show("socket SOCK_STREAM protocol 1", socket(AF_UNIX, SOCK_STREAM, 1) >= 0 ? 0 : -1);
	u_show("socket bad type flag", socket(AF_UNIX, SOCK_STREAM | 0x100, 0));
	close(ls);
	close(s);
	close(d);
	close(sp);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(20);              /* a kernel that loses a wake-up fails, not hangs */
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "/tmp/unix_stream.%d", getpid());
	mkdir(dir, 0700);
	echo_path();
	abstract_names();
	accept_queue();
	misuse();
	rmdir(dir);
	return kt_status();
}
