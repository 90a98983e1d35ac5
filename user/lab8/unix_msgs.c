/* unix_msgs: AF_UNIX datagram and seqpacket sockets (Lab 8, Part C):
 * messages keep their boundaries, a short read truncates (MSG_TRUNC in
 * msg_flags, the real length with the MSG_TRUNC flag), MSG_PEEK leaves
 * the message, recvfrom names the sender (a path, an abstract name, or
 * nobody), a connected datagram socket hears only its peer, sendmmsg and
 * recvmmsg (its timeout: EINVAL, one message for 0 s, the time left
 * written back), FIONREAD, SO_RCVTIMEO's EAGAIN, a signal's EINTR, EMSGSIZE, ECONNREFUSED once the
 * peer closed; a seqpacket pair's end of file and EPIPE without SIGPIPE. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unix_util.h"

static volatile int sigpipes;

static void on_sigpipe(int sig __attribute__((unused)))
{
	sigpipes++;
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "kestrel-%d-%s", getpid(), name);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

/* The names a sender may have, to say which one came (their lengths
 * hold the pid, which differs between Linux and Kestrel). */
static struct sockaddr_un names[3];
static socklen_t name_lens[3];
static const char *const name_of[3] = { "a", "b", "seq" };

static const char *sender(const struct sockaddr_un *from, socklen_t len)
{
	if (len == 0)
		return "none";
	for (int i = 0; i < 3; i++)
		if (len == name_lens[i] && !memcmp(from, &names[i], len))
			return name_of[i];
	return "unknown";
}

static void show_recv(const char *what, int fd, size_t room, int flags)
{
	char buf[256] = {0};
	struct sockaddr_un from;
	struct iovec iov = { buf, room };
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &m, flags);
	if (n < 0) {
		printf("%s: -1 %s\n", what, u_errname(errno));
		return;
	}
	printf("%s: %zd '%.*s'%s, sender %s\n", what, n, (int)(n < (ssize_t)room ? n : (ssize_t)room),
	       buf, m.msg_flags & MSG_TRUNC ? " MSG_TRUNC" : "", sender(&from, m.msg_namelen));
}

static void on_usr1(int sig __attribute__((unused)))
{
}

static void set_rcvtimeo(int fd, long sec)
{
	struct timeval tv = { sec, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* A blocked recv and a signal: EINTR without SA_RESTART; with it, EINTR
 * still when SO_RCVTIMEO is set (Linux's sock_intr_errno). A child keeps
 * signalling until the parent is past its waits. */
static void interrupted(int fd)
{
	struct sigaction act = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &act, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		for (;;) {
			usleep(100000);
			kill(getppid(), SIGUSR1);
		}
	}
	set_rcvtimeo(fd, 0);
	show_recv("recv, no timeout, a signal without SA_RESTART", fd, 100, 0);
	set_rcvtimeo(fd, 10);
	show_recv("recv, SO_RCVTIMEO 10 s, a signal without SA_RESTART", fd, 100, 0);
	act.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &act, NULL);
	show_recv("recv, SO_RCVTIMEO 10 s, a signal with SA_RESTART", fd, 100, 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	set_rcvtimeo(fd, 0);
}

static void datagrams(void)
{
	struct sockaddr_un a, b;
	socklen_t alen = abstract_addr(&a, "a"), blen = abstract_addr(&b, "b");
	int sa = socket(AF_UNIX, SOCK_DGRAM, 0), sb = socket(AF_UNIX, SOCK_DGRAM, 0);
	u_show("bind a", bind(sa, (struct sockaddr *)&a, alen));
	u_show("bind b", bind(sb, (struct sockaddr *)&b, blen));
	u_show("send unconnected, no address", send(sb, "x", 1, 0));
	u_show("sendto a: first", sendto(sb, "first", 5, 0, (struct sockaddr *)&a, alen));
	u_show("sendto a: second message", sendto(sb, "second message", 14, 0, (struct sockaddr *)&a, alen));
	u_show("sendto a: empty", sendto(sb, "", 0, 0, (struct sockaddr *)&a, alen));
	int anon = socket(AF_UNIX, SOCK_DGRAM, 0);
	u_show("sendto a from an unbound socket", sendto(anon, "anon", 4, 0, (struct sockaddr *)&a, alen));
	int avail = -1;
	ioctl(sa, FIONREAD, &avail);
	printf("FIONREAD: %d (the next message)\n", avail);
	show_recv("recv peek", sa, 100, MSG_PEEK);
	show_recv("recv", sa, 100, 0);
	show_recv("recv into 6 bytes", sa, 6, 0);
	show_recv("recv empty message", sa, 100, 0);
	show_recv("recv from the unbound", sa, 100, 0);
	sendto(sb, "truncated", 9, 0, (struct sockaddr *)&a, alen);
	show_recv("recv 4 bytes with MSG_TRUNC", sa, 4, MSG_TRUNC);
	show_recv("recv, empty, MSG_DONTWAIT", sa, 100, MSG_DONTWAIT);
	struct timeval tv = { 0, 50000 };
	setsockopt(sa, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct timeval got;
	socklen_t gl = sizeof(got);
	getsockopt(sa, SOL_SOCKET, SO_RCVTIMEO, &got, &gl);
	/* Linux rounds it to its clock tick: say only that it is about right. */
	printf("SO_RCVTIMEO about 50 ms: %s, length %u\n",
	       got.tv_sec == 0 && got.tv_usec >= 50000 && got.tv_usec < 60000 ? "yes" : "no", gl);
	show_recv("recv with SO_RCVTIMEO 50 ms", sa, 100, 0);
	tv.tv_usec = 2000000;
	u_show("SO_RCVTIMEO with 2000000 us", setsockopt(sa, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));

	interrupted(sa);

	/* connect: sa hears only b now. */
	u_show("connect a to b", connect(sa, (struct sockaddr *)&b, blen));
	u_show("connect b to a", connect(sb, (struct sockaddr *)&a, alen));
	u_show("sendto a from the unbound, a connected to b", sendto(anon, "x", 1, 0, (struct sockaddr *)&a, alen));
	u_show("send from a to its peer", send(sa, "to b", 4, 0));
	show_recv("b receives", sb, 100, 0);
	struct sockaddr_un p;
	socklen_t plen = sizeof(p);
	u_show("getpeername of a", getpeername(sa, (struct sockaddr *)&p, &plen));
	kt_check(plen == blen && !memcmp(&p, &b, blen), "a's peer is b");
	u_show("connect a to AF_UNSPEC", connect(sa, (struct sockaddr *)&(struct sockaddr){ .sa_family = AF_UNSPEC }, sizeof(struct sockaddr)));
	u_show("getpeername after AF_UNSPEC", getpeername(sa, (struct sockaddr *)&p, &plen));

	/* sendmmsg and recvmmsg. */
	struct iovec iov[3] = { { "one", 3 }, { "two!", 4 }, { "three", 5 } };
	struct mmsghdr mm[3];
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 3; i++) {
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	u_show("sendmmsg 3 from b to a", sendmmsg(sb, mm, 3, 0));
	char bufs[3][16];
	struct iovec riov[3];
	struct mmsghdr rm[3];
	memset(rm, 0, sizeof(rm));
	for (int i = 0; i < 3; i++) {
		riov[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
		rm[i].msg_hdr.msg_iov = &riov[i];
		rm[i].msg_hdr.msg_iovlen = 1;
	}
	int n = recvmmsg(sa, rm, 3, MSG_DONTWAIT, NULL);
	printf("recvmmsg: %d:", n);
	for (int i = 0; i < n; i++)
		printf(" '%.*s'", (int)rm[i].msg_len, bufs[i]);
	printf("\n");

	/* recvmmsg's timeout: checked before the fd, looked at after each
	 * message (0 s: one message), the time left written back. */
	struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 }, zero = { 0, 0 }, five = { 5, 0 };
	u_show("recvmmsg, tv_nsec 1e9", recvmmsg(sa, rm, 3, MSG_DONTWAIT, &bad));
	u_show("recvmmsg, tv_sec -1, a bad fd", recvmmsg(-1, rm, 3, MSG_DONTWAIT, &neg));
	u_show("recvmmsg, a bad timeout pointer", recvmmsg(sa, rm, 3, MSG_DONTWAIT, (struct timespec *)8));
	sendmmsg(sb, mm, 3, 0);
	u_show("recvmmsg, 0 s", recvmmsg(sa, rm, 3, MSG_DONTWAIT, &zero));
	printf("time left: %lld.%09ld\n", (long long)zero.tv_sec, zero.tv_nsec);
	u_show("recvmmsg, 5 s", recvmmsg(sa, rm, 3, MSG_DONTWAIT, &five));
	printf("time left between 4 and 5 s: %d\n", five.tv_sec == 4 || (five.tv_sec == 5 && five.tv_nsec == 0));
	u_show("recvmmsg, 5 s, nothing queued", recvmmsg(sa, rm, 3, MSG_DONTWAIT, &five));

	/* Too big, and a closed receiver. */
	static char big[300000];
	u_show("send 300000 bytes", sendto(anon, big, sizeof(big), 0, (struct sockaddr *)&b, blen));
	close(sa);
	u_show("send to the closed peer", send(sb, "x", 1, 0));
	u_show("send again", send(sb, "x", 1, 0));
	u_show("sendto the closed socket's name", sendto(anon, "x", 1, 0, (struct sockaddr *)&a, alen));
	close(sb);
	close(anon);

	/* A datagram socketpair. */
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "ab", 2, 0);
	send(sv[0], "cde", 3, 0);
	show_recv("pair recv", sv[1], 100, 0);
	show_recv("pair recv", sv[1], 100, 0);
	struct pollfd pf = { sv[1], POLLIN | POLLOUT, 0 };
	poll(&pf, 1, 0);
	printf("pair poll: %x\n", pf.revents);
	close(sv[0]);
	poll(&pf, 1, 0);
	printf("pair poll after the peer closed: %x\n", pf.revents);
	close(sv[1]);
}

static void seqpackets(void)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "seq");
	int ls = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	bind(ls, (struct sockaddr *)&a, alen);
	u_show("seqpacket listen", listen(ls, 4));
	int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	u_show("seqpacket send unconnected", send(c, "x", 1, MSG_NOSIGNAL));
	u_show("seqpacket recv unconnected", recv(c, (char[4]){0}, 4, 0));
	u_show("seqpacket connect", connect(c, (struct sockaddr *)&a, alen));
	int s = accept(ls, NULL, NULL);
	u_show("send 'packet one'", send(c, "packet one", 10, 0));
	u_show("send 'two'", send(c, "two", 3, 0));
	u_show("sendto with an address (ignored)", sendto(c, "three", 5, 0, (struct sockaddr *)&a, alen));
	show_recv("seqpacket recv into 6", s, 6, 0);
	show_recv("seqpacket recv", s, 100, 0);
	show_recv("seqpacket recv", s, 100, 0);
	u_show("shutdown SHUT_WR", shutdown(c, SHUT_WR));
	show_recv("recv after the peer's SHUT_WR", s, 100, 0);
	signal(SIGPIPE, on_sigpipe);
	u_show("send after SHUT_WR", send(c, "x", 1, 0));
	printf("SIGPIPEs: %d\n", sigpipes);
	send(s, "bye", 3, 0);
	close(s);
	show_recv("recv of what came before close", c, 100, 0);
	show_recv("recv after close", c, 100, 0);
	close(c);
	close(ls);

	int sv[2];
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	close(sv[1]);
	u_show("seqpacket send to a closed peer", send(sv[0], "x", 1, 0));
	printf("SIGPIPEs: %d\n", sigpipes);
	close(sv[0]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(20);              /* a kernel that loses a wake-up fails, not hangs */
	for (int i = 0; i < 3; i++)
		name_lens[i] = abstract_addr(&names[i], name_of[i]);
	datagrams();
	seqpackets();
	return kt_status();
}
