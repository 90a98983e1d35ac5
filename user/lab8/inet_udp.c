/* inet_udp: UDP on 127.0.0.1 and ::1 (Lab 8, Part D), compared with Linux.
 *
 * For each family: two sockets on port 0; 100 round trips with sendto and
 * recvfrom (the sender's address each time), datagram boundaries kept;
 * a datagram larger than the buffer truncated (MSG_TRUNC says its real
 * size) and the rest dropped; MSG_PEEK; connect, then send/recv and
 * getpeername; an empty non-blocking socket (EAGAIN); send without an
 * address (EDESTADDRREQ), a second bind (EINVAL), a port in use
 * (EADDRINUSE); connect to AF_UNSPEC (the association dissolved: no
 * peer, no filter, the source address connect chose and a port bind did
 * not ask for given back); a connected socket's datagram to a closed
 * port (ECONNREFUSED for its next call, from ICMP port unreachable; an
 * unconnected socket hears nothing); recvmmsg and sendmmsg cut short by a
 * bad buffer after one message (recvmmsg's error kept for the next call). Then an IPv4 datagram to a dual-stack ::
 * socket, whose sender is ::ffff:127.0.0.1, and the answer going back to
 * it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <kt_inet.h>

static void round_trips(int a, int b, int fam, int port_a, int port_b)
{
	struct sockaddr_storage to, from;
	socklen_t tolen = kt_addr(&to, fam, 0, port_b), fromlen;
	int bad = 0;
	for (int i = 0; i < 100; i++) {
		char msg[64], buf[128];
		int n = snprintf(msg, sizeof(msg), "datagram %d", i);
		if (sendto(a, msg, n, 0, (struct sockaddr *)&to, tolen) != n)
			bad++;
		fromlen = sizeof(from);
		ssize_t r = recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
		if (r != n || memcmp(buf, msg, n) || kt_port(&from) != port_a || from.ss_family != fam)
			bad++;
		/* and back, to the address recvfrom gave */
		if (sendto(b, buf, r, 0, (struct sockaddr *)&from, fromlen) != r || recv(a, buf, sizeof(buf), 0) != r)
			bad++;
	}
	kt_check_eq("100 round trips, sender's address right each time", bad, 0);
	printf("sender's host: %s\n", kt_host(&from));
}

static void boundaries(int a, int b, int fam, int port_b)
{
	struct sockaddr_storage to;
	socklen_t tolen = kt_addr(&to, fam, 0, port_b);
	char big[3000], buf[4096];
	memset(big, 'x', sizeof(big));
	sendto(a, "one", 3, 0, (struct sockaddr *)&to, tolen);
	sendto(a, "two!", 4, 0, (struct sockaddr *)&to, tolen);
	sendto(a, big, sizeof(big), 0, (struct sockaddr *)&to, tolen);
	sendto(a, "", 0, 0, (struct sockaddr *)&to, tolen);
	kt_result("MSG_PEEK", recv(b, buf, sizeof(buf), MSG_PEEK));
	kt_result("recv", recv(b, buf, sizeof(buf), 0));
	kt_result("recv", recv(b, buf, sizeof(buf), 0));
	kt_result("recv 100 of 3000 with MSG_TRUNC", recv(b, buf, 100, MSG_TRUNC));
	kt_result("recv of an empty datagram", recv(b, buf, sizeof(buf), 0));
	kt_result("recv on the empty socket, MSG_DONTWAIT", recv(b, buf, sizeof(buf), MSG_DONTWAIT));
	struct msghdr mh = { 0 };
	struct iovec iov = { buf, 10 };
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	sendto(a, big, 50, 0, (struct sockaddr *)&to, tolen);
	kt_result("recvmsg of 50 into 10", recvmsg(b, &mh, 0));
	printf("msg_flags MSG_TRUNC: %d\n", !!(mh.msg_flags & MSG_TRUNC));
}

static void connected(int a, int b, int fam, int port_a, int port_b)
{
	struct sockaddr_storage ss;
	socklen_t len = kt_addr(&ss, fam, 0, port_b);
	char buf[64];
	kt_result("send without an address", send(a, "x", 1, 0));
	kt_result("connect", connect(a, (struct sockaddr *)&ss, len));
	len = sizeof(ss);
	getpeername(a, (struct sockaddr *)&ss, &len);
	kt_check(kt_port(&ss) == port_b, "getpeername is the connected address");
	kt_result("send", send(a, "hello", 5, 0));
	kt_result("recv", recv(b, buf, sizeof(buf), 0));
	len = kt_addr(&ss, fam, 0, port_a);
	kt_result("b connects back", connect(b, (struct sockaddr *)&ss, len));
	kt_result("write", write(b, "back", 4));
	kt_result("read", read(a, buf, sizeof(buf)));
	fcntl(a, F_SETFL, O_NONBLOCK);
	kt_result("read on the empty non-blocking socket", read(a, buf, sizeof(buf)));
	struct pollfd p = { .fd = a, .events = POLLIN | POLLOUT };
	poll(&p, 1, 0);
	printf("poll with nothing queued: revents %#x\n", p.revents);
	write(b, "more", 4);
	poll(&p, 1, 1000);
	printf("poll with a datagram queued: revents %#x\n", p.revents);
}

static void errors(int a, int fam, int port_a)
{
	struct sockaddr_storage ss;
	socklen_t len = kt_addr(&ss, fam, 0, 0);
	kt_result("bind again", bind(a, (struct sockaddr *)&ss, len));
	int c = socket(fam, SOCK_DGRAM, 0);
	len = kt_addr(&ss, fam, 0, port_a);
	kt_result("bind to a port in use", bind(c, (struct sockaddr *)&ss, len));
	kt_result("listen on UDP", listen(c, 1));
	kt_result("accept on UDP", accept(c, NULL, NULL));
	close(c);
}

/* Where s is bound: its host, and its port as 0, `port` or another. */
static void show_name(int s, const char *what, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	getsockname(s, (struct sockaddr *)&ss, &len);
	int p = kt_port(&ss);
	printf("%s: host %s, port %s\n", what, kt_host(&ss), !p ? "0" : p == port ? "the same" : "another");
	len = sizeof(ss);
	kt_result("  getpeername", getpeername(s, (struct sockaddr *)&ss, &len));
}

static int unspec(int s, int len)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	return connect(s, &sa, len);
}

/* connect to AF_UNSPEC, on a socket bound to the wildcard and a chosen
 * port (one bind(0) just gave and gave back), then on one whose port came
 * from connect. */
static void dissolve(int fam)
{
	int port_a, port_b, port_c;
	int b = kt_bound(fam, SOCK_DGRAM, 0, &port_b), c = kt_bound(fam, SOCK_DGRAM, 0, &port_c);
	close(kt_bound(fam, SOCK_DGRAM, 0, &port_a));
	int a = socket(fam, SOCK_DGRAM, 0);
	struct sockaddr_storage ss, to_a;
	socklen_t len = kt_addr(&ss, fam, 1, port_a), len_a = kt_addr(&to_a, fam, 0, port_a);
	char buf[16];
	kt_result("bind to the wildcard and a chosen port", bind(a, (struct sockaddr *)&ss, len));
	kt_result("connect to AF_UNSPEC, not connected", unspec(a, sizeof(struct sockaddr)));
	len = kt_addr(&ss, fam, 0, port_b);
	kt_result("connect", connect(a, (struct sockaddr *)&ss, len));
	show_name(a, "connected", port_a);
	sendto(c, "from c", 6, 0, (struct sockaddr *)&to_a, len_a);
	kt_result("a datagram from another socket, filtered", recv(a, buf, sizeof(buf), MSG_DONTWAIT));
	kt_result("connect to AF_UNSPEC", unspec(a, sizeof(struct sockaddr)));
	show_name(a, "dissolved", port_a);
	kt_result("send without an address", send(a, "x", 1, 0));
	sendto(c, "from c", 6, 0, (struct sockaddr *)&to_a, len_a);
	kt_result("a datagram from another socket", recv(a, buf, sizeof(buf), MSG_DONTWAIT));
	close(a);

	int d = socket(fam, SOCK_DGRAM, 0);
	kt_result("connect of an unbound socket", connect(d, (struct sockaddr *)&ss, len));
	show_name(d, "connected", -1);
	kt_result("connect to AF_UNSPEC", unspec(d, sizeof(struct sockaddr)));
	show_name(d, "dissolved", -1);
	kt_result("connect to AF_UNSPEC with 1 byte", unspec(d, 1));
	kt_result("sendto", sendto(d, "again", 5, 0, (struct sockaddr *)&ss, len));
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	kt_result("recvfrom", recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen));
	show_name(d, "after the send", kt_port(&from));
	close(b);
	close(c);
	close(d);
}

/* A port nobody has (one bind(0) just gave back): a connected socket's
 * datagram to it comes back as ICMP "port unreachable", which Linux
 * turns into ECONNREFUSED (POLLERR) for the socket's next send or
 * receive; an unconnected socket's is dropped without a word. */
static void refused(int fam)
{
	int port;
	close(kt_bound(fam, SOCK_DGRAM, 0, &port));
	struct sockaddr_storage ss;
	socklen_t len = kt_addr(&ss, fam, 0, port);
	char buf[4];
	int s = socket(fam, SOCK_DGRAM, 0);
	kt_result("connect to a closed port", connect(s, (struct sockaddr *)&ss, len));
	kt_result("send", send(s, "x", 1, 0));
	struct pollfd p = { .fd = s, .events = POLLIN | POLLOUT };
	poll(&p, 1, 1000);
	printf("poll after it: revents %#x\n", p.revents);
	kt_result("send again", send(s, "x", 1, 0));
	kt_result("send", send(s, "x", 1, 0));
	poll(&p, 1, 1000);
	kt_result("recv", recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	kt_result("recv again", recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	close(s);
	s = socket(fam, SOCK_DGRAM, 0);
	kt_result("unconnected sendto", sendto(s, "x", 1, 0, (struct sockaddr *)&ss, len));
	usleep(10000);
	kt_result("unconnected sendto again", sendto(s, "x", 1, 0, (struct sockaddr *)&ss, len));
	kt_result("unconnected recv", recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	close(s);
}

/* A batch cut short by an error after some messages: recvmmsg returns
 * the count and keeps the error for the socket's next call (POLLERR
 * meanwhile), the datagram it could not copy dropped; sendmmsg's error is
 * lost (recvmmsg(2), Linux's ___sys_recvmmsg and __sys_sendmmsg). */
static void batch_errors(int a, int b, int fam, int port_b)
{
	struct sockaddr_storage to;
	socklen_t tolen = kt_addr(&to, fam, 0, port_b);
	char buf[16];
	sendto(a, "first", 5, 0, (struct sockaddr *)&to, tolen);
	sendto(a, "second", 6, 0, (struct sockaddr *)&to, tolen);
	struct iovec iov[2] = { { buf, sizeof(buf) }, { (void *)8, 16 } };
	struct mmsghdr mm[2];
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 2; i++) {
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	kt_result("recvmmsg, the second buffer bad", recvmmsg(b, mm, 2, MSG_DONTWAIT, NULL));
	struct pollfd p = { b, POLLIN, 0 };
	kt_result("poll", poll(&p, 1, 0));
	printf("revents: %#x\n", p.revents);
	kt_result("recv: the kept error", recv(b, buf, sizeof(buf), MSG_DONTWAIT));
	kt_result("recv: the second datagram was dropped", recv(b, buf, sizeof(buf), MSG_DONTWAIT));
	struct iovec out[2] = { { "one", 3 }, { (void *)8, 16 } };
	for (int i = 0; i < 2; i++) {
		mm[i].msg_hdr.msg_iov = &out[i];
		mm[i].msg_hdr.msg_name = &to;
		mm[i].msg_hdr.msg_namelen = tolen;
	}
	kt_result("sendmmsg, the second buffer bad", sendmmsg(a, mm, 2, 0));
	int err = -1;
	socklen_t len = sizeof(err);
	getsockopt(a, SOL_SOCKET, SO_ERROR, &err, &len);
	printf("SO_ERROR after it: %d\n", err);
	kt_result("recv", recv(b, buf, sizeof(buf), MSG_DONTWAIT));
	kt_result("recv", recv(b, buf, sizeof(buf), MSG_DONTWAIT));
}

static void family(int fam)
{
	printf("== %s\n", fam == AF_INET ? "127.0.0.1" : "::1");
	int port_a, port_b;
	int a = kt_bound(fam, SOCK_DGRAM, 0, &port_a), b = kt_bound(fam, SOCK_DGRAM, 0, &port_b);
	printf("ports assigned: %s\n", a >= 0 && b >= 0 && port_a > 0 && port_b > 0 && port_a != port_b ? "yes" : "no");
	round_trips(a, b, fam, port_a, port_b);
	boundaries(a, b, fam, port_b);
	errors(a, fam, port_a);
	batch_errors(a, b, fam, port_b);
	connected(a, b, fam, port_a, port_b);
	close(a);
	close(b);
	dissolve(fam);
	refused(fam);
}

static void dual_stack(void)
{
	printf("== dual stack\n");
	int port6, port4;
	int s6 = kt_bound(AF_INET6, SOCK_DGRAM, 1, &port6), s4 = kt_bound(AF_INET, SOCK_DGRAM, 0, &port4);
	struct sockaddr_storage ss, from;
	socklen_t len = kt_addr(&ss, AF_INET, 0, port6), fromlen = sizeof(from);
	char buf[16] = { 0 };
	kt_result("IPv4 sendto the :: socket", sendto(s4, "v4", 2, 0, (struct sockaddr *)&ss, len));
	kt_result("recvfrom", recvfrom(s6, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen));
	printf("sender: family %s, host %s, port right: %d\n", from.ss_family == AF_INET6 ? "AF_INET6" : "AF_INET",
	       kt_host(&from), kt_port(&from) == port4);
	kt_result("reply to the mapped address", sendto(s6, "v6", 2, 0, (struct sockaddr *)&from, fromlen));
	kt_result("IPv4 socket receives it", recv(s4, buf, sizeof(buf), 0));
	close(s4);
	close(s6);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	family(AF_INET);
	family(AF_INET6);
	dual_stack();
	return kt_status();
}
