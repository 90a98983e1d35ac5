/* prog_resolve.c: a glibc program finding its loopback peers the way
 * real clients do. getaddrinfo with no host gives the loopback addresses
 * (::1 and 127.0.0.1), ordered by RFC 6724: glibc asks the kernel which
 * source address each would use (a UDP socket connected to each one,
 * then getsockname) and what the interfaces are (a netlink socket: when
 * the kernel has none, glibc assumes both families). "localhost" comes
 * from /etc/hosts, and getnameinfo maps 127.0.0.1 back to it. Then, for
 * each loopback address in getaddrinfo's order, a listener (port 0) and
 * a client connecting without blocking (poll); one poll loop serves
 * them. Compared with Linux. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	printf("%s: %s\n", what, strerror(errno));
	exit(1);
}

/* name: an address as getnameinfo prints it, numeric or by name. */
static const char *name(const struct sockaddr *sa, socklen_t len, int flags)
{
	static char host[NI_MAXHOST];
	int r = getnameinfo(sa, len, host, sizeof host, NULL, 0, flags);
	return r ? gai_strerror(r) : host;
}

static const char *family(int f)
{
	return f == AF_INET ? "AF_INET" : f == AF_INET6 ? "AF_INET6" : "?";
}

static struct addrinfo *lookup(const char *host, const char *service, int fam, int flags)
{
	struct addrinfo hints = { .ai_family = fam, .ai_socktype = SOCK_STREAM, .ai_flags = flags }, *res;
	int r = getaddrinfo(host, service, &hints, &res);
	printf("getaddrinfo(%s, %s, %s%s):", host ? host : "NULL", service ? service : "NULL",
	       fam == AF_UNSPEC ? "AF_UNSPEC" : family(fam), flags & AI_PASSIVE ? ", AI_PASSIVE" : "");
	if (r) {
		printf(" %s\n", gai_strerror(r));
		return NULL;
	}
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
		printf(" %s %s", family(ai->ai_family), name(ai->ai_addr, ai->ai_addrlen, NI_NUMERICHOST));
	printf("\n");
	return res;
}

/* listen_on: a listener on address ai with a port the kernel chooses;
 * its address (with the port) is written back into ai. */
static int listen_on(struct addrinfo *ai)
{
	int l = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	socklen_t len = ai->ai_addrlen;
	if (l < 0 || bind(l, ai->ai_addr, ai->ai_addrlen) < 0 || listen(l, 8) < 0 ||
	    getsockname(l, ai->ai_addr, &len) < 0)
		die("socket/bind/listen/getsockname");
	return l;
}

/* Serves the clients: one poll loop over the listeners and the accepted
 * sockets, each of which echoes one message and is closed. What each
 * listener accepted is printed at the end, in the listeners' order
 * (connections may complete in any order). */
static void serve(int *listeners, int nl, int nc)
{
	struct pollfd fds[16];
	char from[4][NI_MAXHOST] = { "" };
	int n = 0, echoed = 0;
	for (int i = 0; i < nl; i++)
		fds[n++] = (struct pollfd){ .fd = listeners[i], .events = POLLIN };
	while (echoed < nc) {
		if (poll(fds, n, 10000) <= 0)
			die("server poll");
		for (int i = 0; i < n; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & POLLIN))
				continue;
			if (i < nl) {
				struct sockaddr_storage ss;
				socklen_t len = sizeof ss;
				int s = accept4(fds[i].fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
				if (s < 0)
					die("accept4");
				snprintf(from[i], sizeof from[i], "%s", name((struct sockaddr *)&ss, len, NI_NUMERICHOST));
				fds[n++] = (struct pollfd){ .fd = s, .events = POLLIN };
				continue;
			}
			char buf[64];
			ssize_t r = recv(fds[i].fd, buf, sizeof buf, 0);
			if (r > 0) {
				send(fds[i].fd, buf, r, MSG_NOSIGNAL);
				close(fds[i].fd);
				fds[i].fd = -1;
				echoed++;
			}
		}
	}
	for (int i = 0; i < nl; i++)
		printf("listener %d accepted a client from %s\n", i, from[i]);
}

/* One listener per address of `peers` (getaddrinfo's order), and one
 * client for each, connected without blocking (EINPROGRESS, then poll
 * for POLLOUT and SO_ERROR, as a client trying addresses in turn does). */
static void talk(struct addrinfo *peers)
{
	int listeners[4], clients[4], nc = 0;
	for (struct addrinfo *ai = peers; ai && nc < 4; ai = ai->ai_next) {
		listeners[nc] = listen_on(ai);
		int c = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK, ai->ai_protocol);
		if (c < 0)
			die("socket");
		int r = connect(c, ai->ai_addr, ai->ai_addrlen);
		printf("connect to %s: %s\n", name(ai->ai_addr, ai->ai_addrlen, NI_NUMERICHOST),
		       r == 0 ? "done at once" : errno == EINPROGRESS ? "EINPROGRESS" : strerror(errno));
		clients[nc++] = c;
	}
	for (int i = 0; i < nc; i++) {
		struct pollfd p = { .fd = clients[i], .events = POLLOUT };
		int err = -1;
		socklen_t len = sizeof err;
		poll(&p, 1, 10000);
		getsockopt(clients[i], SOL_SOCKET, SO_ERROR, &err, &len);
		printf("client %d: poll POLLOUT %s, SO_ERROR %d\n", i, p.revents & POLLOUT ? "yes" : "no", err);
		char msg[32];
		int m = snprintf(msg, sizeof msg, "hello from client %d", i);
		if (send(clients[i], msg, m, MSG_NOSIGNAL) != m)
			die("send");
	}
	serve(listeners, nc, nc);
	for (int i = 0; i < nc; i++) {
		char buf[64];
		struct pollfd p = { .fd = clients[i], .events = POLLIN };
		poll(&p, 1, 10000);
		ssize_t r = recv(clients[i], buf, sizeof buf - 1, 0);
		buf[r > 0 ? r : 0] = 0;
		printf("client %d got back: %s\n", i, buf);
		close(clients[i]);
		close(listeners[i]);
	}
}

/* source_of: what getaddrinfo's sort asks the kernel (strace shows it):
 * one UDP socket of family `fam`, connected to each destination in turn
 * (port 0: nothing is sent), getsockname giving the source address, and
 * connect(AF_UNSPEC) in between to dissolve the association. An IPv4
 * destination on an AF_INET6 socket is the dual stack's ::ffff:a.b.c.d. */
static void source_of(int fam, const char *const *dests, int n)
{
	int s = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (int i = 0; i < n; i++) {
		struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_DGRAM }, *d;
		struct sockaddr_storage src;
		socklen_t len = sizeof src;
		struct sockaddr unspec = { .sa_family = AF_UNSPEC };
		if (getaddrinfo(dests[i], "0", &hints, &d))
			die("getaddrinfo");
		int r = connect(s, d->ai_addr, d->ai_addrlen);
		printf("%s UDP socket: connect to %s port 0: %s", family(fam), dests[i], r ? strerror(errno) : "ok");
		if (getsockname(s, (struct sockaddr *)&src, &len) == 0)
			printf(", source %s, a port: %s", name((struct sockaddr *)&src, len, NI_NUMERICHOST),
			       ((struct sockaddr_in *)&src)->sin_port ? "yes" : "no");
		r = connect(s, &unspec, sizeof unspec);
		printf(", connect(AF_UNSPEC): %s\n", r ? strerror(errno) : "ok");
		freeaddrinfo(d);
	}
	close(s);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	/* No host and no AI_PASSIVE: the loopback addresses, port 0. */
	struct addrinfo *peers = lookup(NULL, "0", AF_UNSPEC, 0);
	freeaddrinfo(lookup("localhost", NULL, AF_INET, 0));
	freeaddrinfo(lookup("127.0.0.1", "80", AF_INET, AI_NUMERICHOST));
	lookup("::1", NULL, AF_INET, AI_NUMERICHOST);
	freeaddrinfo(lookup(NULL, "0", AF_INET6, AI_PASSIVE));

	struct sockaddr_in lo = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	printf("getnameinfo(127.0.0.1): %s\n", name((struct sockaddr *)&lo, sizeof lo, NI_NAMEREQD));
	source_of(AF_INET6, (const char *const[]){ "::1", "127.0.0.1" }, 2);
	source_of(AF_INET, (const char *const[]){ "127.0.0.1", "127.0.0.2" }, 2);
	if (!peers)
		return 1;
	talk(peers);
	freeaddrinfo(peers);
	return 0;
}
