/* netinfo: the network as the tools see it (ifconfig, route, netstat,
 * ip), compared with Linux.
 *
 * Without arguments it looks at lo only, which any machine has alike (the
 * host has other interfaces: their lines are left out): the interface
 * ioctls (SIOCGIFCONF lists lo; flags, addresses, MTU, index, name,
 * hardware type; ENODEV, EFAULT, EPERM for a non-root SIOCSIF*), the
 * /proc/net headers and lo's lines, its own sockets in /proc/net/tcp, tcp6,
 * udp, udp6 (state, ports, queues, uid, and the inode fstat gives), and
 * NETLINK_ROUTE's dumps of lo's link and addresses, and getifaddrs().
 *
 * "netinfo all" prints the same for every interface, plus the routes, for
 * a guest with a network card under QEMU's user network (by hand for now:
 * eth0, 10.0.2.15/24, MAC 52:54:00:12:34:56). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <kt_inet.h>
#include <kt_proc.h>

static int all;

static int wanted(const char *name)
{
	return all || strcmp(name, "lo") == 0;
}

static const char *ip4(uint32_t be)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int next;
	char *b = buf[next++ % 4];
	return inet_ntop(AF_INET, &be, b, INET_ADDRSTRLEN);
}

static const char *sin_text(const struct sockaddr *sa)
{
	if (sa->sa_family != AF_INET)
		return "not AF_INET";
	return ip4(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
}

/* --- ioctls -------------------------------------------------------------------- */

static void ifconf(int fd)
{
	struct ifconf ifc = { .ifc_len = 0, .ifc_buf = NULL };
	if (!kt_check(ioctl(fd, SIOCGIFCONF, &ifc) == 0, "SIOCGIFCONF without a buffer"))
		return;
	kt_check(ifc.ifc_len >= (int)sizeof(struct ifreq) && ifc.ifc_len % sizeof(struct ifreq) == 0,
		 "SIOCGIFCONF: the length is whole ifreqs, at least one");
	struct ifreq reqs[32];
	ifc.ifc_len = sizeof(reqs);
	ifc.ifc_req = reqs;
	ioctl(fd, SIOCGIFCONF, &ifc);
	for (int i = 0; i < ifc.ifc_len / (int)sizeof(struct ifreq); i++)
		if (wanted(reqs[i].ifr_name))
			printf("SIOCGIFCONF: %s %s\n", reqs[i].ifr_name, sin_text(&reqs[i].ifr_addr));
	ifc.ifc_len = sizeof(struct ifreq) - 1;
	kt_check(ioctl(fd, SIOCGIFCONF, &ifc) == 0 && ifc.ifc_len == 0, "SIOCGIFCONF: no room for one: none");
	ifc.ifc_len = sizeof(struct ifreq);
	ifc.ifc_buf = (char *)1;
	kt_expect_err("SIOCGIFCONF into a bad buffer", ioctl(fd, SIOCGIFCONF, &ifc), EFAULT);
}

static int get(int fd, unsigned long cmd, const char *name, struct ifreq *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->ifr_name, IFNAMSIZ, "%s", name);
	return ioctl(fd, cmd, r);
}

static void one_interface(int fd, const char *name)
{
	struct ifreq r;
	if (get(fd, SIOCGIFFLAGS, name, &r) == 0)
		printf("%s: flags 0x%x\n", name, (unsigned short)r.ifr_flags);
	if (get(fd, SIOCGIFINDEX, name, &r) == 0)
		printf("%s: index %d\n", name, r.ifr_ifindex);
	int index = r.ifr_ifindex;
	if (get(fd, SIOCGIFMTU, name, &r) == 0)
		printf("%s: mtu %d\n", name, r.ifr_mtu);
	if (get(fd, SIOCGIFMETRIC, name, &r) == 0)
		printf("%s: metric %d\n", name, r.ifr_metric);
	if (get(fd, SIOCGIFTXQLEN, name, &r) == 0)
		printf("%s: txqueuelen %d\n", name, r.ifr_qlen);
	if (get(fd, SIOCGIFHWADDR, name, &r) == 0) {
		const unsigned char *m = (const unsigned char *)r.ifr_hwaddr.sa_data;
		printf("%s: hwaddr type %d %02x:%02x:%02x:%02x:%02x:%02x\n", name, r.ifr_hwaddr.sa_family,
		       m[0], m[1], m[2], m[3], m[4], m[5]);
	}
	if (get(fd, SIOCGIFMAP, name, &r) == 0)
		printf("%s: map base 0x%x irq %d\n", name, (unsigned)r.ifr_map.base_addr, r.ifr_map.irq);
	static const struct { unsigned long cmd; const char *what; } addrs[] = {
		{ SIOCGIFADDR, "addr" }, { SIOCGIFNETMASK, "netmask" },
		{ SIOCGIFBRDADDR, "broadcast" }, { SIOCGIFDSTADDR, "dstaddr" },
	};
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		if (get(fd, addrs[i].cmd, name, &r) == 0)
			printf("%s: %s %s\n", name, addrs[i].what, sin_text(&r.ifr_addr));
		else
			printf("%s: %s: errno %s\n", name, addrs[i].what, kt_net_errname(errno));
	}
	memset(&r, 0, sizeof(r));
	r.ifr_ifindex = index;
	if (ioctl(fd, SIOCGIFNAME, &r) == 0)
		printf("%s: SIOCGIFNAME of index %d: %s\n", name, index, r.ifr_name);
}

/* The set ioctls need CAP_NET_ADMIN: tried by a user who has not it. */
static void sets_refused(int fd)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(2);
		struct ifreq r;
		get(fd, SIOCGIFFLAGS, "lo", &r);
		kt_expect_err("SIOCSIFFLAGS as a user", ioctl(fd, SIOCSIFFLAGS, &r), EPERM);
		get(fd, SIOCGIFADDR, "lo", &r);
		kt_expect_err("SIOCSIFADDR as a user", ioctl(fd, SIOCSIFADDR, &r), EPERM);
		get(fd, SIOCGIFMTU, "lo", &r);
		kt_expect_err("SIOCSIFMTU as a user", ioctl(fd, SIOCSIFMTU, &r), EPERM);
		fflush(stdout);
		_exit(kt_status());
	}
	int status;
	waitpid(pid, &status, 0);
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the set ioctls refused");
}

static void ioctls(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ifconf(fd);
	struct if_nameindex *ni = if_nameindex();
	for (struct if_nameindex *p = ni; p && p->if_name; p++)
		if (wanted(p->if_name))
			one_interface(fd, p->if_name);
	if_freenameindex(ni);
	struct ifreq r;
	kt_expect_err("SIOCGIFFLAGS of nosuch0", get(fd, SIOCGIFFLAGS, "nosuch0", &r), ENODEV);
	kt_expect_err("SIOCGIFADDR of nosuch0", get(fd, SIOCGIFADDR, "nosuch0", &r), ENODEV);
	memset(&r, 0, sizeof(r));
	r.ifr_ifindex = 12345;
	kt_expect_err("SIOCGIFNAME of index 12345", ioctl(fd, SIOCGIFNAME, &r), ENODEV);
	r.ifr_ifindex = 0;
	kt_expect_err("SIOCGIFNAME of index 0", ioctl(fd, SIOCGIFNAME, &r), ENODEV);
	kt_expect_err("SIOCGIFFLAGS into a bad pointer", ioctl(fd, SIOCGIFFLAGS, (void *)1), EFAULT);
	sets_refused(fd);
	close(fd);
	/* Any socket answers: an AF_UNIX one too. */
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	kt_check(get(u, SIOCGIFINDEX, "lo", &r) == 0 && r.ifr_ifindex == 1, "SIOCGIFINDEX of lo on an AF_UNIX socket is 1");
	close(u);
	kt_check_eq("if_nametoindex(lo)", if_nametoindex("lo"), 1);
	char name[IF_NAMESIZE];
	kt_check(if_indextoname(1, name) && strcmp(name, "lo") == 0, "if_indextoname(1) is lo");
}

/* --- /proc/net ----------------------------------------------------------------- */

/* The file's line that contains key (NULL: the first), without '\n'. */
static int find_line(const char *path, const char *key, char *line, size_t size)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int found = 0;
	while (!found && fgets(line, size, f)) {
		line[strcspn(line, "\n")] = 0;
		found = !key || strstr(line, key);
	}
	fclose(f);
	return found;
}

static void proc_headers(void)
{
	static const char *files[] = { "dev", "route", "tcp", "tcp6", "udp", "udp6", "raw", "raw6" };
	char line[512];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/net/%s", files[i]);
		if (!find_line(path, NULL, line, sizeof(line))) {
			printf("%s: cannot read\n", path);
			++*kt_failures();
			continue;
		}
		size_t full = strlen(line), len = full;
		while (len && line[len - 1] == ' ')     /* the padding: counted, not shown */
			line[--len] = 0;
		printf("%s: header (%zu characters with its padding): %s\n", path, full, line);
	}
	FILE *f = fopen("/proc/net/dev", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char name[32];
		unsigned long long c[16];
		if (sscanf(line, " face |%31s", name) == 1) {
			printf("/proc/net/dev: second line: %s", line);
			continue;
		}
		int n = sscanf(line, " %31[^:]: %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			       name, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8], &c[9],
			       &c[10], &c[11], &c[12], &c[13], &c[14], &c[15]);
		if (n == 17 && wanted(name))
			printf("/proc/net/dev: %s: 16 counters, some packets each way: %s\n", name,
			       c[1] > 0 && c[9] > 0 ? "yes" : "no");
	}
	if (f)
		fclose(f);
	f = fopen("/proc/net/route", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char name[32];
		if (sscanf(line, "%31s", name) == 1 && strcmp(name, "Iface") && wanted(name))
			printf("/proc/net/route: %s", line);
	}
	if (f)
		fclose(f);
	f = fopen("/proc/net/if_inet6", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char name[32];
		if (sscanf(line, "%*s %*s %*s %*s %*s %31s", name) == 1 && wanted(name))
			printf("/proc/net/if_inet6: %s", line);
	}
	if (f)
		fclose(f);
}

/* The socket's line in /proc/net/FILE, found by its inode (as netstat -p
 * finds a process's sockets): everything but the sl number and the
 * kernel's private tail. Ports vary from run to run: the socket's own is
 * shown as PORT, its peer's as "port". */
static void show_sock(const char *file, int fd, const char *what)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	struct stat sb;
	fstat(fd, &sb);
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/net/%s", file);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		char local[64], remote[64], st[8], queues[32], timer[32], retr[16];
		unsigned uid, timeout;
		unsigned long inode;
		if (sscanf(line, "%*d: %63s %63s %7s %31s %31s %15s %u %u %lu", local, remote, st, queues,
			   timer, retr, &uid, &timeout, &inode) != 9 || inode != sb.st_ino)
			continue;
		fclose(f);
		char *lport = strchr(local, ':'), *rport = strchr(remote, ':');
		if (!lport || !rport) {
			printf("%s: %s: no ports: %s\n", path, what, line);
			++*kt_failures();
			return;
		}
		*lport++ = 0;
		*rport++ = 0;
		long lp = strtol(lport, NULL, 16), rp = strtol(rport, NULL, 16);
		/* IPv4's lines are padded to a width (IPv6's are not: their length varies). */
		char width[32] = "";
		if (ss.ss_family == AF_INET)
			snprintf(width, sizeof(width), ", %zu characters", strlen(line));
		printf("%s: %s: %s:%s %s:%s st %s queues %s timer %s retrnsmt %s timeout %u, uid %s%s\n",
		       path, what, local, lp == kt_port(&ss) ? "PORT" : "WRONG", remote, rp == 0 ? "0000" : "port",
		       st, queues, timer, retr, timeout, uid == getuid() ? "ours" : "NOT ours", width);
		return;
	}
	if (f)
		fclose(f);
	printf("%s: %s: not listed (no line with its inode)\n", path, what);
	++*kt_failures();
}

/* A socket that is gone is no longer listed. */
static void gone(const char *file, unsigned long inode, const char *what)
{
	char path[64], line[512], key[32];
	snprintf(path, sizeof(path), "/proc/net/%s", file);
	snprintf(key, sizeof(key), " %lu ", inode);
	kt_check(!find_line(path, key, line, sizeof(line)), what);
}

static unsigned long ino(int fd)
{
	struct stat sb;
	return fstat(fd, &sb) == 0 ? sb.st_ino : 0;
}

static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 5000) == 1;
}

/* TCP: a listener, a connection waiting in its queue, accepted, data
 * waiting to be read; IPv6 and dual stack; UDP, unconnected and connected. */
static void proc_sockets(void)
{
	int port, lport;
	int l = kt_bound(AF_INET, SOCK_STREAM, 0, &lport);
	listen(l, 5);
	show_sock("tcp", l, "listener on 127.0.0.1");
	struct sockaddr_storage to;
	socklen_t tolen = kt_addr(&to, AF_INET, 0, lport);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	kt_check(connect(c, (struct sockaddr *)&to, tolen) == 0, "connect");
	struct pollfd p = { .fd = l, .events = POLLIN };
	poll(&p, 1, 5000);
	show_sock("tcp", l, "listener with a connection to accept");
	int a = accept(l, NULL, NULL);
	show_sock("tcp", l, "listener after accept");
	show_sock("tcp", c, "client");
	kt_check(write(c, "hello", 5) == 5, "write 5 bytes");
	wait_readable(a);
	show_sock("tcp", a, "accepted, 5 bytes unread");
	unsigned long li = ino(l);
	close(l);
	gone("tcp", li, "closed listener not listed");
	close(a);
	close(c);

	int l6 = kt_bound(AF_INET6, SOCK_STREAM, 0, &port);
	listen(l6, 5);
	show_sock("tcp6", l6, "listener on ::1");
	close(l6);
	int any = kt_bound(AF_INET6, SOCK_STREAM, 1, &port);
	listen(any, 5);
	show_sock("tcp6", any, "dual-stack listener on ::");
	tolen = kt_addr(&to, AF_INET, 0, port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	kt_check(connect(c, (struct sockaddr *)&to, tolen) == 0, "connect to it over IPv4");
	a = accept(any, NULL, NULL);
	show_sock("tcp6", a, "accepted IPv4 connection (a mapped address)");
	show_sock("tcp", c, "its IPv4 client");
	close(a);
	close(c);
	close(any);

	int u = kt_bound(AF_INET, SOCK_DGRAM, 0, &port);
	show_sock("udp", u, "UDP on 127.0.0.1");
	int u2 = kt_bound(AF_INET, SOCK_DGRAM, 0, &lport);
	tolen = kt_addr(&to, AF_INET, 0, port);
	connect(u2, (struct sockaddr *)&to, tolen);
	show_sock("udp", u2, "UDP connected");
	unsigned long ui = ino(u);
	close(u);
	close(u2);
	gone("udp", ui, "closed UDP socket not listed");
	int u6 = kt_bound(AF_INET6, SOCK_DGRAM, 0, &port);
	show_sock("udp6", u6, "UDP on ::1");
	close(u6);
}

/* --- rtnetlink -------------------------------------------------------------------- */

static int nl_portid;

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (!kt_check(fd >= 0, "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)"))
		return -1;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	kt_check(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind with nl_pid 0");
	socklen_t len = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	kt_check(len == sizeof(sa) && sa.nl_family == AF_NETLINK && sa.nl_pid == (unsigned)getpid(),
		 "getsockname: the port id is the process's id");
	nl_portid = sa.nl_pid;
	return fd;
}

static void nl_send(int fd, int type, int flags, int seq, const void *body, size_t len)
{
	struct {
		struct nlmsghdr h;
		char body[64];
	} req;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(len);
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | flags;
	req.h.nlmsg_seq = seq;
	memcpy(req.body, body, len);
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) != (ssize_t)req.h.nlmsg_len)
		printf("netlink send: errno %s\n", kt_net_errname(errno));
}

static const char *addr_text(int family, const void *data)
{
	static char buf[INET6_ADDRSTRLEN];
	return inet_ntop(family, data, buf, sizeof(buf));
}

/* The attributes in a fixed order, whatever order they came in. */
static void show_link(struct nlmsghdr *h)
{
	struct ifinfomsg *m = NLMSG_DATA(h);
	char name[IFNAMSIZ] = "?", qdisc[32] = "-", address[32] = "-", brd[32] = "-";
	unsigned mtu = 0, qlen = 0, operstate = 99;
	int len = IFLA_PAYLOAD(h);
	for (struct rtattr *a = IFLA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		unsigned char *d = RTA_DATA(a);
		switch (a->rta_type) {
		case IFLA_IFNAME:    snprintf(name, sizeof(name), "%s", (char *)d); break;
		case IFLA_MTU:       mtu = *(unsigned *)d; break;
		case IFLA_TXQLEN:    qlen = *(unsigned *)d; break;
		case IFLA_OPERSTATE: operstate = *d; break;
		case IFLA_QDISC:     snprintf(qdisc, sizeof(qdisc), "%s", (char *)d); break;
		case IFLA_ADDRESS:
		case IFLA_BROADCAST:
			if (RTA_PAYLOAD(a) == 6)
				snprintf(a->rta_type == IFLA_ADDRESS ? address : brd, 32, "%02x:%02x:%02x:%02x:%02x:%02x",
					 d[0], d[1], d[2], d[3], d[4], d[5]);
			break;
		}
	}
	/* A card's queueing discipline is the host's choice (pfifo_fast, fq_codel...). */
	if (wanted(name))
		printf("RTM_NEWLINK: %d: %s: type %d flags 0x%x mtu %u qlen %u operstate %u qdisc %s address %s brd %s\n",
		       m->ifi_index, name, m->ifi_type, m->ifi_flags, mtu, qlen, operstate,
		       m->ifi_type == ARPHRD_LOOPBACK ? qdisc : "(some)", address, brd);
}

static void show_addr(struct nlmsghdr *h)
{
	struct ifaddrmsg *m = NLMSG_DATA(h);
	char name[IF_NAMESIZE] = "", line[512] = "";
	if (!if_indextoname(m->ifa_index, name) || !wanted(name))
		return;
	int len = IFA_PAYLOAD(h);
	for (struct rtattr *a = IFA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		char item[96] = "";
		switch (a->rta_type) {
		case IFA_ADDRESS:   snprintf(item, sizeof(item), " address %s", addr_text(m->ifa_family, RTA_DATA(a))); break;
		case IFA_LOCAL:     snprintf(item, sizeof(item), " local %s", addr_text(m->ifa_family, RTA_DATA(a))); break;
		case IFA_BROADCAST: snprintf(item, sizeof(item), " brd %s", addr_text(m->ifa_family, RTA_DATA(a))); break;
		case IFA_LABEL:     snprintf(item, sizeof(item), " label %s", (char *)RTA_DATA(a)); break;
		}
		strncat(line, item, sizeof(line) - strlen(line) - 1);
	}
	printf("RTM_NEWADDR: %s: family %d /%d scope %d flags 0x%x%s\n", name, m->ifa_family,
	       m->ifa_prefixlen, m->ifa_scope, m->ifa_flags, line);
}

static void show_route(struct nlmsghdr *h)
{
	struct rtmsg *m = NLMSG_DATA(h);
	char line[512] = "";
	int len = RTM_PAYLOAD(h), oif = 0;
	for (struct rtattr *a = RTM_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		char item[96] = "";
		switch (a->rta_type) {
		case RTA_DST:     snprintf(item, sizeof(item), " dst %s", addr_text(m->rtm_family, RTA_DATA(a))); break;
		case RTA_GATEWAY: snprintf(item, sizeof(item), " via %s", addr_text(m->rtm_family, RTA_DATA(a))); break;
		case RTA_PREFSRC: snprintf(item, sizeof(item), " src %s", addr_text(m->rtm_family, RTA_DATA(a))); break;
		case RTA_OIF:     oif = *(int *)RTA_DATA(a); break;
		}
		strncat(line, item, sizeof(line) - strlen(line) - 1);
	}
	char name[IF_NAMESIZE] = "";
	if (m->rtm_table == RT_TABLE_MAIN && if_indextoname(oif, name) && wanted(name))
		printf("RTM_NEWROUTE: /%d dev %s scope %d type %d%s\n", m->rtm_dst_len, name, m->rtm_scope,
		       m->rtm_type, line);
}

/* Reads until NLMSG_DONE or an NLMSG_ERROR, handing each message to show;
 * checks every message's pid and sequence number. */
static void nl_read(int fd, int seq, void (*show)(struct nlmsghdr *), const char *what)
{
	static char buf[16384];
	int bad = 0, end = 0;
	while (!end) {
		struct sockaddr_nl from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
		if (!wait_readable(fd)) {
			printf("%s: no answer\n", what);
			++*kt_failures();
			return;
		}
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n < 0 || (mh.msg_flags & MSG_TRUNC) || from.nl_pid != 0) {
			printf("%s: recvmsg: %zd, flags 0x%x\n", what, n, mh.msg_flags);
			++*kt_failures();
			return;
		}
		int len = n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != (unsigned)seq || h->nlmsg_pid != (unsigned)nl_portid)
				bad++;
			if (h->nlmsg_type == NLMSG_DONE) {
				end = 1;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				printf("%s: NLMSG_ERROR %s\n", what, e->error ? kt_net_errname(-e->error) : "0 (ack)");
				end = 1;
				break;
			}
			if (show)
				show(h);
		}
	}
	kt_check_eq(what, bad, 0);
}

static void rtnetlink(void)
{
	int fd = nl_open();
	if (fd < 0)
		return;
	struct ifinfomsg link = { .ifi_family = AF_UNSPEC };
	nl_send(fd, RTM_GETLINK, NLM_F_DUMP, 1, &link, sizeof(link));
	nl_read(fd, 1, show_link, "RTM_GETLINK dump: each message's pid and seq");
	struct ifaddrmsg addr = { .ifa_family = AF_UNSPEC };
	nl_send(fd, RTM_GETADDR, NLM_F_DUMP, 2, &addr, sizeof(addr));
	nl_read(fd, 2, show_addr, "RTM_GETADDR dump: each message's pid and seq");
	addr.ifa_family = AF_INET6;
	nl_send(fd, RTM_GETADDR, NLM_F_DUMP, 3, &addr, sizeof(addr));
	nl_read(fd, 3, show_addr, "RTM_GETADDR dump of AF_INET6");
	struct rtmsg rt = { .rtm_family = AF_INET };
	nl_send(fd, RTM_GETROUTE, NLM_F_DUMP, 4, &rt, sizeof(rt));
	nl_read(fd, 4, show_route, "RTM_GETROUTE dump");
	if (all) {      /* newer kernels keep ::1's route out of the main table: not compared */
		rt.rtm_family = AF_INET6;
		nl_send(fd, RTM_GETROUTE, NLM_F_DUMP, 7, &rt, sizeof(rt));
		nl_read(fd, 7, show_route, "RTM_GETROUTE dump of AF_INET6");
	}
	link.ifi_index = 1;
	nl_send(fd, RTM_GETLINK, NLM_F_ACK, 5, &link, sizeof(link));
	nl_read(fd, 5, show_link, "RTM_GETLINK of index 1, acknowledged");
	addr.ifa_family = AF_INET;
	nl_send(fd, RTM_GETADDR, 0, 6, &addr, sizeof(addr));
	nl_read(fd, 6, NULL, "RTM_GETADDR of AF_INET without NLM_F_DUMP");
	close(fd);
}

/* musl's getifaddrs: netlink's dumps again, as a program sees them. */
static void ifaddrs(void)
{
	struct ifaddrs *list;
	if (!kt_check(getifaddrs(&list) == 0, "getifaddrs"))
		return;
	for (struct ifaddrs *i = list; i; i = i->ifa_next) {
		if (!wanted(i->ifa_name) || !i->ifa_addr)
			continue;
		int fam = i->ifa_addr->sa_family;
		if (fam == AF_PACKET) {
			struct sockaddr_ll *ll = (struct sockaddr_ll *)i->ifa_addr;
			printf("getifaddrs: %s: AF_PACKET hatype %d halen %d flags 0x%x\n", i->ifa_name,
			       ll->sll_hatype, ll->sll_halen, i->ifa_flags);
		} else if (fam == AF_INET || fam == AF_INET6) {
			char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN] = "-";
			const void *ap = fam == AF_INET ? (void *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr
							: (void *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			inet_ntop(fam, ap, a, sizeof(a));
			if (i->ifa_netmask) {
				const void *mp = fam == AF_INET ? (void *)&((struct sockaddr_in *)i->ifa_netmask)->sin_addr
								: (void *)&((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr;
				inet_ntop(fam, mp, m, sizeof(m));
			}
			printf("getifaddrs: %s: %s %s netmask %s flags 0x%x\n", i->ifa_name,
			       fam == AF_INET ? "inet" : "inet6", a, m, i->ifa_flags);
		}
	}
	freeifaddrs(list);
}

int main(int argc, char **argv)
{
	all = argc > 1 && strcmp(argv[1], "all") == 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	kt_proc_mount();
	ioctls();
	proc_sockets();
	proc_headers();
	rtnetlink();
	ifaddrs();
	return kt_status();
}
