/* ep_sockets: epoll on AF_UNIX sockets, against Linux: a stream pair's
 * IN and OUT, level- and edge-triggered; RDHUP after the peer's
 * shutdown(SHUT_WR), HUP once both directions are shut, ERR (ECONNRESET)
 * when the peer closes with data it never read; a listening socket is
 * readable when a connection waits to be accepted, and accept clears it;
 * a server loop: one epoll over a listener and its clients, edge-
 * triggered and non-blocking, echoing for several clients. */
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <kt_epoll.h>

static void pair(void)
{
	int sv[2], ep = epoll_create1(0);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	ep_add(ep, sv[0], EPOLLIN | EPOLLOUT | EPOLLRDHUP, 1);
	ep_show("pair, idle", ep, 0);
	write(sv[1], "hello", 5);
	ep_show("pair, peer wrote", ep, 0);
	ep_mod(ep, sv[0], EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, 2);
	ep_show("ET after MOD", ep, 0);
	ep_show("ET again", ep, 0);
	char buf[64];
	read(sv[0], buf, 2);
	ep_show("ET, part read", ep, 0);
	write(sv[1], "!", 1);
	ep_show("ET, peer wrote more", ep, 0);
	shutdown(sv[1], SHUT_WR);
	ep_show("ET, peer shut writing", ep, 0);
	read(sv[0], buf, sizeof(buf));
	ep_mod(ep, sv[0], EPOLLIN | EPOLLOUT | EPOLLRDHUP, 3);
	ep_show("LT, data read, peer shut writing", ep, 0);
	shutdown(sv[0], SHUT_WR);
	ep_show("LT, both directions shut", ep, 0);
	close(sv[0]), close(sv[1]);

	/* Closed with unread data: the peer sees a reset. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	ep_add(ep, sv[0], EPOLLIN | EPOLLRDHUP, 4);
	write(sv[0], "unread", 6);
	close(sv[1]);
	ep_show("peer closed with our data unread", ep, 0);
	kt_expect_err("read", read(sv[0], buf, sizeof(buf)), ECONNRESET);
	ep_show("after the reset was read", ep, 0);
	close(sv[0]);

	/* The writer's side: OUT comes back when the peer reads. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	ep_add(ep, sv[0], EPOLLOUT | EPOLLET, 5);
	ep_show("writer, empty", ep, 0);
	static char big[4096];
	long sent = 0, got;
	while ((got = write(sv[0], big, sizeof(big))) > 0)
		sent += got;
	ep_show("writer, full", ep, 0);
	while (sent > 0 && (got = read(sv[1], big, sizeof(big))) > 0)
		sent -= got;
	ep_show("writer, drained by the peer", ep, 5000);
	close(sv[0]), close(sv[1]), close(ep);
}

/* A listener bound to an autobound abstract name (no file, no clash). */
static int listener(struct sockaddr_un *addr, socklen_t *len)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_un any = { .sun_family = AF_UNIX };
	bind(s, (struct sockaddr *)&any, sizeof(sa_family_t));
	listen(s, 16);
	*len = sizeof(*addr);
	getsockname(s, (struct sockaddr *)addr, len);
	return s;
}

static void listening(void)
{
	struct sockaddr_un addr;
	socklen_t len;
	int l = listener(&addr, &len), ep = epoll_create1(0);
	ep_add(ep, l, EPOLLIN, 10);
	ep_show("listener, nobody", ep, 0);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&addr, len);
	ep_show("listener, one connecting", ep, 0);
	int a = accept(l, NULL, NULL);
	ep_show("listener, accepted", ep, 0);
	close(a), close(c), close(l), close(ep);
}

/* The shape of every epoll server: non-blocking, edge-triggered, read
 * until EAGAIN. Clients are child processes. */
static void server(void)
{
	enum { CLIENTS = 8, ROUNDS = 20 };
	struct sockaddr_un addr;
	socklen_t len;
	int l = listener(&addr, &len), ep = epoll_create1(0);
	ep_add(ep, l, EPOLLIN | EPOLLET, (uint64_t)-1);
	pid_t pids[CLIENTS];
	static char accepted[1024];     /* fds this loop accepted */
	for (int i = 0; i < CLIENTS; i++) {
		if ((pids[i] = kt_fork()) == 0) {
			close(ep);
			int c = socket(AF_UNIX, SOCK_STREAM, 0);
			if (connect(c, (struct sockaddr *)&addr, len))
				_exit(2);
			char msg[32], back[32];
			for (int r = 0; r < ROUNDS; r++) {
				int n = snprintf(msg, sizeof(msg), "client %d round %d", i, r);
				write(c, msg, n);
				int have = 0;
				while (have < n) {
					int got = read(c, back + have, n - have);
					if (got <= 0)
						_exit(3);
					have += got;
				}
				if (memcmp(msg, back, n))
					_exit(4);
			}
			_exit(0);
		}
	}
	int open_clients = 0, done = 0, echoed = 0;
	while (done < CLIENTS) {
		struct epoll_event ev[16];
		int n = epoll_wait(ep, ev, 16, 5000);
		if (n <= 0)
			break;
		for (int k = 0; k < n; k++) {
			if (ev[k].data.u64 == (uint64_t)-1) {
				int a;
				while ((a = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0 && a < 1024) {
					ep_add(ep, a, EPOLLIN | EPOLLRDHUP | EPOLLET, a);
					accepted[a] = 1;
					open_clients++;
				}
				continue;
			}
			int fd = (int)ev[k].data.u64;
			if (ev[k].data.u64 >= 1024 || !accepted[fd])
				continue;           /* a broken report: not ours */
			char buf[256];
			int got;
			while ((got = read(fd, buf, sizeof(buf))) > 0) {
				write(fd, buf, got);
				echoed += got;
			}
			if (got == 0 || (ev[k].events & (EPOLLRDHUP | EPOLLHUP))) {
				close(fd);          /* the last reference: its item goes */
				accepted[fd] = 0;
				done++;
			}
		}
	}
	if (done < CLIENTS)             /* stuck: the clients wait for echoes */
		for (int i = 0; i < CLIENTS; i++)
			kill(pids[i], SIGKILL);
	int ok = 1, status;
	while (wait(&status) > 0)
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	printf("server: %d clients accepted, %d finished, every echo right: %s, bytes echoed > 0: %s\n",
	       open_clients, done, ok ? "yes" : "no", echoed > 0 ? "yes" : "no");
	close(l), close(ep);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	pair();
	listening();
	server();
	return kt_status();
}
