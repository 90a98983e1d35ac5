/* inet_many: one server, many TCP clients at once (Lab 8, Part D),
 * compared with Linux.
 *
 * A dual-stack listener on :: port 0 serves 48 forked clients (half
 * connecting to 127.0.0.1, half to ::1) from one poll loop, with
 * non-blocking accepted sockets (accept4 SOCK_NONBLOCK) read until
 * EAGAIN: an echo of everything. Each client sends 16 KiB in four
 * messages, checks the echo, shuts down its side and waits for EOF. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <kt_inet.h>

#define CLIENTS 48
#define MSG 4096
#define MSGS 4

static int client(int id, int port)
{
	int fam = id % 2 ? AF_INET6 : AF_INET;
	struct sockaddr_storage ss;
	socklen_t len = kt_addr(&ss, fam, 0, port);
	int fd = socket(fam, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		return 1;
	char out[MSG], in[MSG];
	for (int m = 0; m < MSGS; m++) {
		for (int i = 0; i < MSG; i++)
			out[i] = (char)(id * 31 + m * 7 + i);
		if (write(fd, out, MSG) != MSG)
			return 2;
		size_t got = 0;
		while (got < MSG) {
			ssize_t n = read(fd, in + got, MSG - got);
			if (n <= 0)
				return 3;
			got += n;
		}
		if (memcmp(in, out, MSG))
			return 4;
	}
	shutdown(fd, SHUT_WR);
	return read(fd, in, 1) == 0 ? 0 : 5;
}

struct conn { int fd; int v4; };

/* Echoes what fd has; false at EOF (or an error). */
static int echo(int fd)
{
	char buf[8192];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EAGAIN))
			return 0;
		if (n < 0)
			return 1;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, n - off);
			if (w < 0 && errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLOUT };
				poll(&p, 1, 1000);
				continue;
			}
			if (w < 0)
				return 0;
			off += w;
		}
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int port;
	int lfd = kt_bound(AF_INET6, SOCK_STREAM, 1, &port);
	printf("port assigned: %s\n", lfd >= 0 && port > 0 ? "yes" : "no");
	kt_result("listen", listen(lfd, 64));
	pid_t pids[CLIENTS];
	for (int i = 0; i < CLIENTS; i++)
		if ((pids[i] = fork()) == 0)
			_exit(client(i, port));

	struct pollfd p[CLIENTS + 1];
	struct conn c[CLIENTS + 1];
	int n = 1, accepted = 0, v4 = 0, closed = 0;
	p[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
	while (closed < CLIENTS) {
		if (poll(p, n, 20000) <= 0) {
			printf("poll timed out\n");
			break;
		}
		for (int i = n - 1; i >= 1; i--) {
			if (!p[i].revents || echo(p[i].fd))
				continue;
			close(p[i].fd);
			p[i] = p[n - 1];
			c[i] = c[n - 1];
			n--;
			closed++;
		}
		if (p[0].revents & POLLIN) {
			struct sockaddr_storage peer;
			socklen_t plen = sizeof(peer);
			int fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK);
			if (fd >= 0) {
				accepted++;
				int mapped = IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&peer)->sin6_addr);
				v4 += mapped;
				c[n] = (struct conn){ fd, mapped };
				p[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
			}
		}
	}
	int ok = 0;
	for (int i = 0; i < CLIENTS; i++) {
		int st;
		waitpid(pids[i], &st, 0);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	printf("accepted: %d, from IPv4 clients: %d\n", accepted, v4);
	printf("connections closed by their clients: %d\n", closed);
	kt_check_eq("clients that got their echo and EOF", ok, CLIENTS);
	return kt_status();
}
