/* inet_icmp: ICMP echo from user space on 127.0.0.1 and ::1 (Lab 8,
 * Part D), compared with Linux (run there in a network namespace of its
 * own, where nobody else's ICMP arrives and ping sockets are allowed).
 *
 * Raw sockets (SOCK_RAW, IPPROTO_ICMP / IPPROTO_ICMPV6): an echo request
 * built here goes out; the socket sees every ICMP packet arriving, so
 * on loopback its own request and then the reply. IPv4 delivers the IP
 * header too (its TTL is Linux's 64), IPv6 only the ICMPv6 message, whose
 * checksum the kernel computes; ICMP_FILTER and ICMP6_FILTER keep only
 * the types asked for; IPV6_RECVHOPLIMIT and IP_RECVTTL give the hop
 * limit as control data, SO_TIMESTAMP(NS) the arrival time; a raw
 * IPPROTO_UDP socket sees UDP datagrams go by (the largest too); an
 * IPPROTO_RAW socket sends the IP header the program wrote, which the
 * kernel completes; an AF_INET6 one refuses IPv4-mapped addresses.
 * Ping sockets (SOCK_DGRAM, IPPROTO_ICMP / IPPROTO_ICMPV6), allowed
 * without privilege: the kernel owns the echo identifier (the socket's
 * "port"), fills in the checksum, and delivers only the replies to it;
 * a message that is not an echo request is refused. The raw sockets'
 * lines in /proc/net/raw and raw6 (found by inode). Then the errors
 * Linux gives: a user's raw socket (EPERM), unknown protocols. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <sys/stat.h>
#include <kt_inet.h>
#include <kt_proc.h>

#define PAYLOAD "kestrel echo payload"
#define PAYLOAD_LEN ((int)sizeof(PAYLOAD) - 1)
/* musl has no ICMP_FILTER (SOL_RAW option of Linux's <linux/icmp.h>). */
#define ICMP_FILTER 1
#define RAW_ID 0x4b53           /* a raw socket's echo id: ours to choose */

static uint16_t checksum(const void *data, int len)
{
	const uint8_t *b = data;
	uint32_t sum = 0;
	for (int i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* An echo request (ICMP or ICMPv6: the same layout) in buf; its length. */
static int echo_request(uint8_t *buf, int fam, uint16_t id, uint16_t seq)
{
	struct icmphdr *h = (struct icmphdr *)buf;
	memset(h, 0, sizeof(*h));
	h->type = fam == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	h->un.echo.id = htons(id);
	h->un.echo.sequence = htons(seq);
	memcpy(buf + sizeof(*h), PAYLOAD, PAYLOAD_LEN);
	int len = (int)sizeof(*h) + PAYLOAD_LEN;
	if (fam == AF_INET)
		h->checksum = checksum(buf, len);     /* ICMPv6's includes a pseudo-header: the kernel's */
	return len;
}

static const char *type_name(int fam, int type)
{
	if (fam == AF_INET)
		return type == ICMP_ECHO ? "echo request" : type == ICMP_ECHOREPLY ? "echo reply" : "other";
	return type == ICMP6_ECHO_REQUEST ? "echo request" : type == ICMP6_ECHO_REPLY ? "echo reply" : "other";
}

/* Prints an ICMP echo message (no IP header) as received. */
static void show_echo(const char *what, int fam, const uint8_t *m, long len, uint16_t id, uint16_t seq)
{
	const struct icmphdr *h = (const struct icmphdr *)m;
	if (len < (long)sizeof(*h)) {
		printf("%s: %ld bytes, too short\n", what, len);
		return;
	}
	printf("%s: %ld bytes, %s, code %d, id %s, seq %d, payload %s", what, len, type_name(fam, h->type),
	       h->code, ntohs(h->un.echo.id) == id ? "ours" : "other", ntohs(h->un.echo.sequence),
	       len == (long)sizeof(*h) + PAYLOAD_LEN && !memcmp(m + sizeof(*h), PAYLOAD, PAYLOAD_LEN) ? "same" : "differs");
	if (fam == AF_INET)
		printf(", checksum %s", checksum(m, (int)len) == 0 ? "valid" : "BAD");
	printf(", seq %s\n", ntohs(h->un.echo.sequence) == seq ? "right" : "wrong");
}

static void show_from(const struct sockaddr_storage *from, socklen_t len)
{
	printf("  from %s port %d (address length %d)\n", kt_host(from), kt_port(from), (int)len);
}

/* When the last echo request went out (CLOCK_REALTIME, ns): a receive
 * timestamp (SO_TIMESTAMP) must fall between it and the receive. */
static long long sent_at;

static long long realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A timestamp's control message: in the round trip or not. */
static void show_stamp(const char *name, const struct cmsghdr *c, long long stamp_ns)
{
	long long now = realtime_ns();
	int ok = stamp_ns >= sent_at / 1000 * 1000 && stamp_ns <= now;
	printf("  control message %s, length %d: %s\n", name, (int)c->cmsg_len,
	       ok ? "within the round trip" : "BAD: outside the round trip");
}

/* recvmsg with room for control data; prints the hop limit / TTL found. */
static long recv_with_cmsg(int fd, uint8_t *buf, size_t room, struct sockaddr_storage *from, socklen_t *fromlen)
{
	char control[256];
	struct iovec iov = { buf, room };
	struct msghdr mh = { .msg_name = from, .msg_namelen = sizeof(*from), .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control, .msg_controllen = sizeof(control) };
	long n = recvmsg(fd, &mh, 0);
	*fromlen = mh.msg_namelen;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); n >= 0 && c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMP) {
			struct timeval tv;
			memcpy(&tv, CMSG_DATA(c), sizeof(tv));
			show_stamp("SCM_TIMESTAMP", c, tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL);
			continue;
		}
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			show_stamp("SCM_TIMESTAMPNS", c, ts.tv_sec * 1000000000LL + ts.tv_nsec);
			continue;
		}
		int v;
		memcpy(&v, CMSG_DATA(c), sizeof(v));
		const char *name = c->cmsg_level == SOL_IP && c->cmsg_type == IP_TTL ? "IP_TTL"
				 : c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_HOPLIMIT ? "IPV6_HOPLIMIT"
				 : c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_2292HOPLIMIT ? "IPV6_2292HOPLIMIT"
				 : "other";
		printf("  control message %s, length %d: %d\n", name, (int)c->cmsg_len, v);
	}
	return n;
}

/* The line of /proc/net/<file> whose inode is fd's, without what varies
 * (the bucket, the pointer) or what Linux counts otherwise (rx_queue:
 * its buffers' true size). */
static void proc_row(const char *file, int fd)
{
	char path[64], line[512], local[64], remote[64];
	struct stat st;
	fstat(fd, &st);
	snprintf(path, sizeof(path), "/proc/net/%s", file);
	FILE *f = fopen(path, "r");
	int found = 0;
	while (f && fgets(line, sizeof(line), f)) {
		unsigned state, tx, rx, uid;
		unsigned long inode;
		int ref;
		if (sscanf(line, " %*d: %63[0-9A-F:] %63[0-9A-F:] %x %x:%x %*x:%*x %*x %u %*d %lu %d",
			   local, remote, &state, &tx, &rx, &uid, &inode, &ref) == 8 && inode == st.st_ino) {
			printf("%s: %s %s st %02X tx_queue %u rx_queue %s uid %u ref %d\n", path, local, remote,
			       state, tx, rx ? "not 0" : "0", uid, ref);
			found = 1;
		}
	}
	if (!found)
		printf("%s: no line for the socket\n", path);
	if (f)
		fclose(f);
}

static void raw_icmp4(void)
{
	printf("-- raw IPv4 ICMP\n");
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	kt_check(fd >= 0, "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)");
	int v;
	socklen_t vl = sizeof(v);
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl);
	kt_check_eq("SO_TYPE is SOCK_RAW", v, SOCK_RAW);
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &vl);
	kt_check_eq("SO_PROTOCOL is IPPROTO_ICMP", v, IPPROTO_ICMP);
	struct sockaddr_storage to, from;
	socklen_t tolen = kt_addr(&to, AF_INET, 0, 0), fromlen = sizeof(from);
	getsockname(fd, (struct sockaddr *)&from, &fromlen);
	printf("getsockname: %s port %d\n", kt_host(&from), kt_port(&from));
	proc_row("raw", fd);

	uint8_t req[128], buf[256];
	int len = echo_request(req, AF_INET, RAW_ID, 1);
	kt_result("sendto 127.0.0.1", sendto(fd, req, len, 0, (struct sockaddr *)&to, tolen));
	for (int i = 0; i < 2; i++) {       /* our request, then the reply */
		fromlen = sizeof(from);
		long n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
		const struct iphdr *ip = (const struct iphdr *)buf;
		if (n < (long)sizeof(*ip)) {
			kt_result("recvfrom", n);
			continue;
		}
		printf("recvfrom: %ld bytes: IPv%d, header %d bytes, total length %d, protocol %d, ttl %d, %s",
		       n, ip->version, ip->ihl * 4, ntohs(ip->tot_len), ip->protocol, ip->ttl,
		       inet_ntoa((struct in_addr){ ip->saddr }));
		printf(" -> %s, header checksum %s\n", inet_ntoa((struct in_addr){ ip->daddr }),
		       checksum(buf, ip->ihl * 4) == 0 ? "valid" : "BAD");
		show_echo("  icmp", AF_INET, buf + ip->ihl * 4, n - ip->ihl * 4, RAW_ID, 1);
		show_from(&from, fromlen);
	}

	/* ICMP_FILTER: a bit per type, set = blocked. Only replies now. */
	uint32_t filter = ~(1u << ICMP_ECHOREPLY), got = 0;
	kt_result("setsockopt ICMP_FILTER (echo replies only)",
		  setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof(filter)));
	vl = sizeof(got);
	kt_result("getsockopt ICMP_FILTER", getsockopt(fd, SOL_RAW, ICMP_FILTER, &got, &vl));
	kt_check(got == filter && vl == sizeof(got), "ICMP_FILTER reads back");
	v = 1;
	kt_result("setsockopt IP_RECVTTL", setsockopt(fd, SOL_IP, IP_RECVTTL, &v, sizeof(v)));
	kt_result("setsockopt SO_TIMESTAMPNS", setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &v, sizeof(v)));
	vl = sizeof(v);
	getsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &v, &vl);
	printf("SO_TIMESTAMP reads %d, ", v);
	getsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &v, &vl);
	printf("SO_TIMESTAMPNS %d\n", v);
	len = echo_request(req, AF_INET, RAW_ID, 2);
	sent_at = realtime_ns();
	sendto(fd, req, len, 0, (struct sockaddr *)&to, tolen);
	long n = recv_with_cmsg(fd, buf, sizeof(buf), &from, &fromlen);
	if (n > 20)
		show_echo("recvmsg, filtered", AF_INET, buf + 20, n - 20, RAW_ID, 2);
	kt_result("nothing more (MSG_DONTWAIT)", recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	v = 0;
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &v, sizeof(v));
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
	kt_result("poll", poll(&p, 1, 0));
	printf("revents: %s%s\n", p.revents & POLLIN ? "POLLIN " : "", p.revents & POLLOUT ? "POLLOUT" : "");
	kt_result("send without an address", send(fd, req, len, 0));
	kt_result("bind 127.0.0.1", bind(fd, (struct sockaddr *)&to, tolen));
	kt_result("connect 127.0.0.1", connect(fd, (struct sockaddr *)&to, tolen));
	kt_result("send when connected", send(fd, req, len, 0));
	n = recv(fd, buf, sizeof(buf), 0);
	if (n > 20)
		show_echo("recv", AF_INET, buf + 20, n - 20, RAW_ID, 2);
	proc_row("raw", fd);

	unsigned char ttl_byte = 33;        /* IPPROTO_IP takes a byte for an int */
	kt_result("IP_TTL of one byte", setsockopt(fd, SOL_IP, IP_TTL, &ttl_byte, 1));
	vl = sizeof(v);
	getsockopt(fd, SOL_IP, IP_TTL, &v, &vl);
	printf("IP_TTL: %d\n", v);
	v = 0;
	kt_result("IP_TTL 0", setsockopt(fd, SOL_IP, IP_TTL, &v, sizeof(v)));
	v = -1;
	kt_result("IP_TTL -1 (the default)", setsockopt(fd, SOL_IP, IP_TTL, &v, sizeof(v)));
	vl = sizeof(v);
	getsockopt(fd, SOL_IP, IP_TTL, &v, &vl);
	printf("IP_TTL: %d\n", v);
	close(fd);
}

/* IPPROTO_RAW: the user writes the IP header too (send only). The
 * kernel fills in its length, its source if 0 and its checksum; the ICMP
 * socket sees the reply. */
static void raw_hdrincl(void)
{
	printf("-- raw IPv4 IPPROTO_RAW\n");
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	kt_check(fd >= 0, "socket(AF_INET, SOCK_RAW, IPPROTO_RAW)");
	int icmp = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	uint32_t filter = ~(1u << ICMP_ECHOREPLY);
	setsockopt(icmp, SOL_RAW, ICMP_FILTER, &filter, sizeof(filter));
	uint8_t pkt[128], buf[256];
	struct iphdr *ip = (struct iphdr *)pkt;
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_ICMP;
	ip->daddr = htonl(INADDR_LOOPBACK);             /* saddr, tot_len, check: 0 */
	int len = (int)sizeof(*ip) + echo_request(pkt + sizeof(*ip), AF_INET, RAW_ID, 5);
	struct sockaddr_storage to;
	socklen_t tolen = kt_addr(&to, AF_INET, 0, 0);
	kt_result("sendto of header and echo request", sendto(fd, pkt, len, 0, (struct sockaddr *)&to, tolen));
	long n = recv(icmp, buf, sizeof(buf), 0);
	if (n > 20)
		show_echo("the ICMP socket's recv", AF_INET, buf + 20, n - 20, RAW_ID, 5);
	kt_result("sendto of 10 bytes", sendto(fd, pkt, 10, 0, (struct sockaddr *)&to, tolen));
	kt_result("nothing for IPPROTO_RAW to receive (MSG_DONTWAIT)", recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	close(fd);
	close(icmp);
}

/* An AF_INET6 raw or ping socket speaks IPv6 only: IPv4-mapped
 * addresses are refused. */
static void v4_mapped(int fd)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &a.sin6_addr);
	uint8_t req[64];
	int len = echo_request(req, AF_INET6, RAW_ID, 1);
	kt_result("bind ::ffff:127.0.0.1", bind(fd, (struct sockaddr *)&a, sizeof(a)));
	kt_result("sendto ::ffff:127.0.0.1", sendto(fd, req, len, 0, (struct sockaddr *)&a, sizeof(a)));
	a.sin6_addr = in6addr_any;
	kt_result("bind ::", bind(fd, (struct sockaddr *)&a, sizeof(a)));
}

static void raw_icmp6(void)
{
	printf("-- raw IPv6 ICMPv6\n");
	int fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	kt_check(fd >= 0, "socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)");
	struct sockaddr_storage to, from;
	socklen_t tolen = kt_addr(&to, AF_INET6, 0, 0), fromlen = sizeof(from);
	getsockname(fd, (struct sockaddr *)&from, &fromlen);
	printf("getsockname: %s port %d\n", kt_host(&from), kt_port(&from));
	proc_row("raw6", fd);
	int v = 2;
	kt_result("IPV6_CHECKSUM at level IPPROTO_IPV6", setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &v, sizeof(v)));
	kt_result("IPV6_CHECKSUM at level SOL_RAW", setsockopt(fd, SOL_RAW, IPV6_CHECKSUM, &v, sizeof(v)));
	struct icmp6_filter filt, back;
	socklen_t vl = sizeof(back);
	kt_result("getsockopt ICMP6_FILTER", getsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &back, &vl));
	ICMP6_FILTER_SETPASSALL(&filt);
	kt_check(!memcmp(&filt, &back, sizeof(filt)), "ICMP6_FILTER passes everything at first");

	uint8_t req[128], buf[256];
	int len = echo_request(req, AF_INET6, RAW_ID, 1);
	kt_result("sendto ::1 (checksum left 0)", sendto(fd, req, len, 0, (struct sockaddr *)&to, tolen));
	for (int i = 0; i < 2; i++) {
		fromlen = sizeof(from);
		long n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
		show_echo("recvfrom", AF_INET6, buf, n, RAW_ID, 1);
		show_from(&from, fromlen);
	}
	ICMP6_FILTER_SETBLOCKALL(&filt);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filt);
	kt_result("setsockopt ICMP6_FILTER (echo replies only)",
		  setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)));
	vl = sizeof(back);
	getsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &back, &vl);
	kt_check(!memcmp(&filt, &back, sizeof(filt)) && vl == sizeof(back), "ICMP6_FILTER reads back");
	v = 1;
	kt_result("setsockopt IPV6_RECVHOPLIMIT", setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &v, sizeof(v)));
	kt_result("setsockopt IPV6_2292HOPLIMIT", setsockopt(fd, IPPROTO_IPV6, IPV6_2292HOPLIMIT, &v, sizeof(v)));
	kt_result("IPV6_RECVERR of 2 bytes", setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &v, 2));
	len = echo_request(req, AF_INET6, RAW_ID, 2);
	sendto(fd, req, len, 0, (struct sockaddr *)&to, tolen);
	long n = recv_with_cmsg(fd, buf, sizeof(buf), &from, &fromlen);
	show_echo("recvmsg, filtered", AF_INET6, buf, n, RAW_ID, 2);
	kt_result("nothing more (MSG_DONTWAIT)", recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	v4_mapped(fd);
	len = echo_request(req, AF_INET6, RAW_ID, 3);
	sendto(fd, req, len, 0, (struct sockaddr *)&to, tolen);
	n = recv(fd, buf, sizeof(buf), 0);
	show_echo("after bind ::, recv", AF_INET6, buf, n, RAW_ID, 3);
	close(fd);
}

/* A raw socket of another protocol sees that protocol's packets go by. */
static void raw_udp(void)
{
	printf("-- raw IPv4 UDP\n");
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	kt_check(raw >= 0, "socket(AF_INET, SOCK_RAW, IPPROTO_UDP)");
	int port_a, port_b;
	int a = kt_bound(AF_INET, SOCK_DGRAM, 0, &port_a), b = kt_bound(AF_INET, SOCK_DGRAM, 0, &port_b);
	struct sockaddr_storage to;
	socklen_t tolen = kt_addr(&to, AF_INET, 0, port_b);
	sendto(a, PAYLOAD, PAYLOAD_LEN, 0, (struct sockaddr *)&to, tolen);
	uint8_t buf[256];
	kt_result("the UDP socket's recv", recv(b, buf, sizeof(buf), 0));
	long n = recv(raw, buf, sizeof(buf), 0);
	kt_result("the raw socket's recv", n);
	if (n >= 28) {
		const struct iphdr *ip = (const struct iphdr *)buf;
		uint16_t sport, dport, ulen;
		memcpy(&sport, buf + ip->ihl * 4, 2);
		memcpy(&dport, buf + ip->ihl * 4 + 2, 2);
		memcpy(&ulen, buf + ip->ihl * 4 + 4, 2);
		printf("protocol %d, ports %s, UDP length %d, payload %s\n", ip->protocol,
		       ntohs(sport) == port_a && ntohs(dport) == port_b ? "right" : "wrong", ntohs(ulen),
		       !memcmp(buf + ip->ihl * 4 + 8, PAYLOAD, PAYLOAD_LEN) ? "same" : "differs");
	}
	/* The largest datagram: its IPv4 packet is 65,535 bytes long. */
	static uint8_t big[70000];
	memset(big, 'k', sizeof(big));
	kt_result("sendto of 65,507 bytes", sendto(a, big, 65507, 0, (struct sockaddr *)&to, tolen));
	kt_result("the UDP socket's recv", recv(b, big, sizeof(big), 0));
	kt_result("the raw socket's recv", recv(raw, big, sizeof(big), 0));
	close(a);
	close(b);
	close(raw);
}

static void ping_socket(int fam)
{
	int proto = fam == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	printf("-- ping socket, %s\n", fam == AF_INET ? "IPv4" : "IPv6");
	int fd = socket(fam, SOCK_DGRAM, proto);
	kt_check(fd >= 0, "socket(SOCK_DGRAM, ICMP)");
	int v;
	socklen_t vl = sizeof(v);
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &vl);
	kt_check_eq("SO_PROTOCOL", v, proto);
	struct sockaddr_storage to, from, me;
	socklen_t tolen = kt_addr(&to, fam, 0, 0), fromlen, melen = sizeof(me);
	getsockname(fd, (struct sockaddr *)&me, &melen);
	printf("getsockname before sending: %s port %d\n", kt_host(&me), kt_port(&me));
	v = 1;
	if (fam == AF_INET)
		kt_result("setsockopt IP_RECVTTL", setsockopt(fd, SOL_IP, IP_RECVTTL, &v, sizeof(v)));
	else
		kt_result("setsockopt IPV6_RECVHOPLIMIT", setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &v, sizeof(v)));

	kt_result("setsockopt SO_TIMESTAMP", setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &v, sizeof(v)));
	uint8_t req[128], buf[256];
	int len = echo_request(req, fam, 0x1234, 7);
	((struct icmphdr *)req)->checksum = 0;          /* the kernel's job here */
	sent_at = realtime_ns();
	kt_result("sendto", sendto(fd, req, len, 0, (struct sockaddr *)&to, tolen));
	melen = sizeof(me);
	getsockname(fd, (struct sockaddr *)&me, &melen);
	int ident = kt_port(&me);
	kt_check(ident != 0, "the socket has an identifier (a port) now");
	long n = recv_with_cmsg(fd, buf, sizeof(buf), &from, &fromlen);
	show_echo("recvmsg", fam, buf, n, ident, 7);
	show_from(&from, fromlen);
	kt_result("only the reply came (MSG_DONTWAIT)", recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	if (fam == AF_INET6) {
		struct sockaddr_in6 m6 = { .sin6_family = AF_INET6 };
		inet_pton(AF_INET6, "::ffff:127.0.0.1", &m6.sin6_addr);
		len = echo_request(req, fam, 0, 8);
		kt_result("sendto ::ffff:127.0.0.1", sendto(fd, req, len, 0, (struct sockaddr *)&m6, sizeof(m6)));
	}

	len = echo_request(req, fam, 0, 8);
	((struct icmphdr *)req)->type = fam == AF_INET ? ICMP_TIMESTAMP : ICMP6_ECHO_REPLY;
	kt_result("sendto of another type", sendto(fd, req, len, 0, (struct sockaddr *)&to, tolen));
	kt_result("sendto of 4 bytes", sendto(fd, req, 4, 0, (struct sockaddr *)&to, tolen));
	uint32_t filter[8] = { 0 };
	kt_result("setsockopt of the ICMP filter", fam == AF_INET
		  ? setsockopt(fd, SOL_RAW, ICMP_FILTER, filter, 4)
		  : setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, filter, 32));
	kt_result("send without an address", send(fd, req, len, 0));
	kt_result("connect", connect(fd, (struct sockaddr *)&to, tolen));
	len = echo_request(req, fam, 0, 9);
	kt_result("send when connected", send(fd, req, len, 0));
	struct pollfd p = { fd, POLLIN, 0 };
	kt_result("poll", poll(&p, 1, 5000));
	n = recv(fd, buf, sizeof(buf), 0);
	show_echo("recv", fam, buf, n, ident, 9);
	close(fd);

	/* bind chooses the identifier: its port */
	fd = socket(fam, SOCK_DGRAM, proto);
	kt_addr(&me, fam, 0, 4242);
	kt_result("bind to port 4242", bind(fd, (struct sockaddr *)&me, tolen));
	len = echo_request(req, fam, 1, 10);
	sendto(fd, req, len, 0, (struct sockaddr *)&to, tolen);
	n = recv(fd, buf, sizeof(buf), 0);
	show_echo("recv", fam, buf, n, 4242, 10);
	close(fd);
}

/* A user may open ping sockets (Linux: if ping_group_range allows the
 * group), not raw ones. */
static void as_user(void)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		kt_result("a user's raw socket", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
		kt_result("a user's raw ICMPv6 socket", socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6));
		int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
		kt_check(fd >= 0, "a user's ping socket");
		fflush(stdout);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
}

/* kt_result, knowing EPROTONOSUPPORT too. */
static void socket_result(const char *what, int fd)
{
	if (fd < 0 && errno == EPROTONOSUPPORT)
		printf("%s: -1 EPROTONOSUPPORT\n", what);
	else
		kt_result(what, fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	kt_proc_mount();
	raw_icmp4();
	raw_icmp6();
	raw_udp();
	raw_hdrincl();
	ping_socket(AF_INET);
	ping_socket(AF_INET6);
	printf("-- errors\n");
	socket_result("socket(AF_INET, SOCK_RAW, 0)", socket(AF_INET, SOCK_RAW, 0));
	socket_result("socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMPV6)", socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMPV6));
	socket_result("socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMP)", socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMP));
	socket_result("socket(AF_INET, SOCK_STREAM, IPPROTO_ICMP)", socket(AF_INET, SOCK_STREAM, IPPROTO_ICMP));
	as_user();
	return kt_status();
}
