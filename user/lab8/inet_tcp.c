/* inet_tcp: TCP on 127.0.0.1 and ::1 (Lab 8, Part D), compared with Linux.
 *
 * For each family: a listener on port 0 gets a port; a blocking connect
 * and accept; an echo; the names of both ends; shutdown of one direction
 * (EOF on the other side, which can still answer); 16 MiB (4 MiB on ::1) sent by a child
 * in uneven pieces and checksummed; TCP_NODELAY and SO_REUSEADDR; a
 * non-blocking connect (EINPROGRESS, then POLLOUT and SO_ERROR 0), and
 * one refused (SO_ERROR ECONNREFUSED); the errors Linux gives: a refused
 * blocking connect, a port in use (EADDRINUSE), a second bind (EINVAL),
 * accept on a socket not listening (EINVAL), send and recv unconnected
 * (EPIPE, ENOTCONN); a close with data unread (a reset: ECONNRESET), and
 * a blocked recv and accept killed; a refused connect tried again (the
 * socket starts anew, blocking or not), and connect to AF_UNSPEC (a
 * connection reset, a listener stopped, either used again). Then the dual stack: an IPv4 client
 * accepted on a :: socket, seen as ::ffff:127.0.0.1, and refused with
 * IPV6_V6ONLY. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <kt_inet.h>


static uint32_t checksum(uint32_t sum, const unsigned char *p, size_t n)
{
	while (n--)
		sum = (sum << 5) + sum + *p++;
	return sum;
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 10));
}

static int connect_to(int fam, int port, int flags)
{
	struct sockaddr_storage ss;
	socklen_t len = kt_addr(&ss, fam, 0, port);
	int fd = socket(fam, SOCK_STREAM | flags, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		int e = errno;
		if (e != EINPROGRESS) {
			close(fd);
			errno = e;
			return -1;
		}
	}
	return fd;
}

static int port_of(int fd, int peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) : getsockname(fd, (struct sockaddr *)&ss, &len);
	return r < 0 ? -1 : kt_port(&ss);
}

/* The child: sends total bytes in uneven pieces, then reads the reply. */
static void bulk_sender(int fd, size_t total)
{
	static unsigned char buf[70000];
	size_t sent = 0, piece = 1;
	while (sent < total) {
		size_t n = piece % sizeof(buf);
		if (n > total - sent)
			n = total - sent;
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(sent + i);
		ssize_t w = write(fd, buf, n);
		if (w <= 0)
			_exit(2);
		sent += w;
		piece = piece * 3 + 1;
	}
	shutdown(fd, SHUT_WR);
	char reply[16] = { 0 };
	_exit(read(fd, reply, sizeof(reply)) == 4 && !memcmp(reply, "done", 4) ? 0 : 3);
}

static void bulk(int fam, int lfd, int port)
{
	size_t total = fam == AF_INET ? 16 << 20 : 4 << 20;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = connect_to(fam, port, 0);
		if (fd < 0)
			_exit(1);
		bulk_sender(fd, total);
	}
	int fd = accept(lfd, NULL, NULL);
	static unsigned char buf[65536];
	uint32_t sum = 0, want = 0;
	size_t got = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		sum = checksum(sum, buf, n);
		got += n;
	}
	for (size_t i = 0; i < total; i++) {
		unsigned char c = pattern(i);
		want = checksum(want, &c, 1);
	}
	printf("bulk: %zu MiB received: %s\n", total >> 20, got == total ? "ok" : "BAD");
	if (got != total)
		++*kt_failures();
	kt_check(sum == want, "bulk: checksum matches");
	write(fd, "done", 4);
	int st;
	waitpid(pid, &st, 0);
	kt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "bulk: sender saw the reply and exited 0");
	close(fd);
}

static void echo_and_names(int fam, int lfd, int port)
{
	int c = connect_to(fam, port, 0);
	kt_check(c >= 0, "blocking connect");
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	int s = accept(lfd, (struct sockaddr *)&peer, &plen);
	kt_check(s >= 0, "accept");
	printf("accepted peer: family %s, host %s\n", peer.ss_family == AF_INET ? "AF_INET" : "AF_INET6", kt_host(&peer));
	kt_check(kt_port(&peer) == port_of(c, 0), "accept's address is the client's name");
	kt_check(port_of(s, 1) == port_of(c, 0) && port_of(c, 1) == port && port_of(s, 0) == port,
		 "getsockname/getpeername of both ends agree");
	char buf[64] = { 0 };
	kt_result("client write", write(c, "ping", 4));
	kt_result("server read", read(s, buf, sizeof(buf)));
	kt_result("server send", send(s, buf, 4, 0));
	memset(buf, 0, sizeof(buf));
	kt_result("client recv", recv(c, buf, sizeof(buf), 0));
	printf("echoed: %s\n", buf);
	kt_result("client shutdown(SHUT_WR)", shutdown(c, SHUT_WR));
	kt_result("server read after the client's shutdown (EOF)", read(s, buf, sizeof(buf)));
	kt_result("server write after it", write(s, "pong", 4));
	kt_result("client read", read(c, buf, sizeof(buf)));
	kt_result("client write after shutdown(SHUT_WR)", send(c, "x", 1, MSG_NOSIGNAL));
	close(s);
	kt_result("client read after the server's close (EOF)", read(c, buf, sizeof(buf)));
	close(c);
}

static void options(int fam, int port)
{
	int fd = connect_to(fam, port, 0), v = -1;
	socklen_t len = sizeof(v);
	getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len);
	printf("TCP_NODELAY by default: %d\n", v);
	v = 1;
	kt_result("setsockopt TCP_NODELAY 1", setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)));
	v = -1;
	getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len);
	printf("TCP_NODELAY now: %d\n", v);
	close(fd);
	fd = socket(fam, SOCK_STREAM, 0);
	v = -1;
	getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len);
	printf("SO_REUSEADDR by default: %d\n", v);
	v = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v));
	getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len);
	printf("SO_REUSEADDR now: %d\n", v);
	close(fd);
}

static void nonblocking_connect(int fam, int lfd, int port, int closed_port)
{
	struct sockaddr_storage ss;
	socklen_t len = kt_addr(&ss, fam, 0, port);
	int fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	kt_result("non-blocking connect", connect(fd, (struct sockaddr *)&ss, len));
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int n = poll(&p, 1, 5000);
	printf("poll: %d, revents %#x\n", n, p.revents);
	int err = -1;
	socklen_t elen = sizeof(err);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	printf("SO_ERROR: %s\n", kt_net_errname(err));
	kt_result("connect once connected", connect(fd, (struct sockaddr *)&ss, len));
	kt_result("connect again", connect(fd, (struct sockaddr *)&ss, len));
	close(fd);
	close(accept(lfd, NULL, NULL));

	fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	len = kt_addr(&ss, fam, 0, closed_port);
	kt_result("non-blocking connect to a port nobody listens on", connect(fd, (struct sockaddr *)&ss, len));
	p = (struct pollfd){ .fd = fd, .events = POLLOUT | POLLIN };
	poll(&p, 1, 5000);
	printf("revents: %#x\n", p.revents);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	printf("SO_ERROR: %s\n", kt_net_errname(err));
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	printf("SO_ERROR read again: %s\n", kt_net_errname(err));
	close(fd);
}

static void errors(int fam, int port, int closed_port)
{
	kt_result("blocking connect to a port nobody listens on", connect_to(fam, closed_port, 0) < 0 ? -1 : 0);
	struct sockaddr_storage ss;
	socklen_t len = kt_addr(&ss, fam, 0, port);
	int fd = socket(fam, SOCK_STREAM, 0);
	kt_result("bind to the listener's port", bind(fd, (struct sockaddr *)&ss, len));
	len = kt_addr(&ss, fam, 0, 0);
	kt_result("bind to port 0", bind(fd, (struct sockaddr *)&ss, len));
	kt_result("bind again", bind(fd, (struct sockaddr *)&ss, len));
	kt_result("accept on a socket not listening", accept(fd, NULL, NULL));
	kt_result("send unconnected", send(fd, "x", 1, MSG_NOSIGNAL));
	char c;
	kt_result("recv unconnected", recv(fd, &c, 1, 0));
	len = sizeof(ss);
	kt_result("getpeername unconnected", getpeername(fd, (struct sockaddr *)&ss, &len));
	struct sockaddr_in6 small = { .sin6_family = fam };
	kt_result("bind with a short address", bind(socket(fam, SOCK_STREAM, 0), (struct sockaddr *)&small,
						    fam == AF_INET ? 4 : sizeof(struct sockaddr_in)));
	close(fd);
}

/* A close with unread data resets the connection (ECONNRESET once, then
 * EOF; EPIPE to send); a recv or accept blocked for ever ends for SIGKILL. */
static void reset_and_kill(int fam, int lfd, int port)
{
	int c = connect_to(fam, port, 0), s = accept(lfd, NULL, NULL);
	char buf[16];
	write(c, "unread", 6);
	usleep(20000);
	close(s);
	kt_result("recv after the peer closed with data unread", recv(c, buf, sizeof(buf), 0));
	kt_result("recv again", recv(c, buf, sizeof(buf), 0));
	kt_result("send", send(c, "x", 1, MSG_NOSIGNAL));
	close(c);

	c = connect_to(fam, port, 0);
	s = accept(lfd, NULL, NULL);
	pid_t reader = fork();
	if (reader == 0)
		_exit(read(c, buf, sizeof(buf)) >= 0 ? 0 : 1);
	pid_t acceptor = fork();
	if (acceptor == 0)
		_exit(accept(lfd, NULL, NULL) >= 0 ? 0 : 1);
	usleep(100000);
	kill(reader, SIGKILL);
	kill(acceptor, SIGKILL);
	int st1, st2;
	waitpid(reader, &st1, 0);
	waitpid(acceptor, &st2, 0);
	kt_check(WIFSIGNALED(st1) && WTERMSIG(st1) == SIGKILL, "a blocked recv ends for SIGKILL");
	kt_check(WIFSIGNALED(st2) && WTERMSIG(st2) == SIGKILL, "a blocked accept ends for SIGKILL");
	close(s);
	close(c);
}

static int unspec(int s)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	return connect(s, &sa, sizeof(sa));
}

/* A connect that failed leaves the socket as new (Linux: connect again
 * starts again); connect to AF_UNSPEC resets a connection or stops a
 * listener, and the socket can connect or listen again. */
static void connect_again(int fam, int closed_port)
{
	int port;
	int l = kt_bound(fam, SOCK_STREAM, 0, &port), t = socket(fam, SOCK_STREAM, 0);
	struct sockaddr_storage ss;
	socklen_t len = kt_addr(&ss, fam, 0, port);
	char buf[8];
	kt_result("connect to AF_UNSPEC, new socket", unspec(t));
	kt_result("connect, nobody listening", connect(t, (struct sockaddr *)&ss, len));
	kt_result("connect again", connect(t, (struct sockaddr *)&ss, len));
	listen(l, 4);
	kt_result("connect again, listening now", connect(t, (struct sockaddr *)&ss, len));
	kt_result("connect once connected", connect(t, (struct sockaddr *)&ss, len));
	int a = accept(l, NULL, NULL);
	kt_result("connect to AF_UNSPEC, connected", unspec(t));
	socklen_t slen = sizeof(ss);
	kt_result("getpeername", getpeername(t, (struct sockaddr *)&ss, &slen));
	slen = sizeof(ss);
	getsockname(t, (struct sockaddr *)&ss, &slen);
	printf("getsockname's host: %s\n", kt_host(&ss));
	kt_result("the peer's read", read(a, buf, sizeof(buf)));
	kt_result("send", send(t, "x", 1, MSG_NOSIGNAL));
	close(a);
	len = kt_addr(&ss, fam, 0, port);
	kt_result("connect again", connect(t, (struct sockaddr *)&ss, len));
	a = accept(l, NULL, NULL);
	kt_result("send", send(t, "y", 1, MSG_NOSIGNAL));
	kt_result("the peer's read", read(a, buf, sizeof(buf)));
	close(a);
	close(t);

	t = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	len = kt_addr(&ss, fam, 0, closed_port);
	for (int i = 0; i < 2; i++) {
		kt_result("non-blocking connect, nobody listening", connect(t, (struct sockaddr *)&ss, len));
		struct pollfd p = { .fd = t, .events = POLLOUT };
		poll(&p, 1, 5000);
		int err = 0;
		socklen_t elen = sizeof(err);
		if (i)
			getsockopt(t, SOL_SOCKET, SO_ERROR, &err, &elen);
		kt_result(i ? "connect again, SO_ERROR taken" : "connect again", connect(t, (struct sockaddr *)&ss, len));
	}
	close(t);

	kt_result("connect to AF_UNSPEC, listening", unspec(l));
	int v = -1;
	socklen_t vlen = sizeof(v);
	getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vlen);
	printf("SO_ACCEPTCONN: %d\n", v);
	kt_result("connect to its port", connect_to(fam, port, 0) < 0 ? -1 : 0);
	kt_result("accept", accept(l, NULL, NULL));
	kt_result("listen again", listen(l, 4));
	close(l);
}

static void family(int fam)
{
	printf("== %s\n", fam == AF_INET ? "127.0.0.1" : "::1");
	int port, closed_port;
	int lfd = kt_bound(fam, SOCK_STREAM, 0, &port);
	int closed = kt_bound(fam, SOCK_STREAM, 0, &closed_port);   /* bound, not listening */
	printf("port assigned: %s\n", lfd >= 0 && port > 0 ? "yes" : "no");
	kt_result("listen", listen(lfd, 16));
	echo_and_names(fam, lfd, port);
	options(fam, port);
	close(accept(lfd, NULL, NULL));
	nonblocking_connect(fam, lfd, port, closed_port);
	errors(fam, port, closed_port);
	reset_and_kill(fam, lfd, port);
	connect_again(fam, closed_port);
	bulk(fam, lfd, port);
	close(lfd);
	close(closed);
}

static void dual_stack(void)
{
	printf("== dual stack\n");
	int port, v = -1;
	int lfd = kt_bound(AF_INET6, SOCK_STREAM, 1, &port);
	socklen_t len = sizeof(v);
	getsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len);
	printf("IPV6_V6ONLY by default: %d\n", v);
	listen(lfd, 4);
	int c = connect_to(AF_INET, port, 0);
	kt_check(c >= 0, "IPv4 client connects to the :: listener");
	struct sockaddr_storage peer, self;
	socklen_t plen = sizeof(peer);
	int s = accept(lfd, (struct sockaddr *)&peer, &plen);
	printf("accepted peer: family %s, host %s\n", peer.ss_family == AF_INET ? "AF_INET" : "AF_INET6", kt_host(&peer));
	kt_check(kt_port(&peer) == port_of(c, 0), "the peer's port is the client's");
	plen = sizeof(self);
	getsockname(s, (struct sockaddr *)&self, &plen);
	printf("accepted socket's name: host %s\n", kt_host(&self));
	char buf[8] = { 0 };
	write(c, "v4", 2);
	read(s, buf, sizeof(buf));
	printf("received over the mapped connection: %s\n", buf);
	close(s);
	close(c);
	close(lfd);

	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	v = 1;
	kt_result("setsockopt IPV6_V6ONLY 1", setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v)));
	struct sockaddr_storage ss;
	len = kt_addr(&ss, AF_INET6, 1, 0);
	bind(fd, (struct sockaddr *)&ss, len);
	listen(fd, 4);
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	kt_result("IPv4 connect to a v6-only listener", connect_to(AF_INET, kt_port(&ss), 0) < 0 ? -1 : 0);
	kt_result("setsockopt IPV6_V6ONLY once bound", setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v)));
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	family(AF_INET);
	family(AF_INET6);
	dual_stack();
	return kt_status();
}
