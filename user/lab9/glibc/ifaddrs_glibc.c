/* ifaddrs_glibc: glibc's getifaddrs(), if_nameindex() and if_nametoindex()
 * on lo, compared with Linux. glibc gets them over NETLINK_ROUTE (dumps of
 * the links and the addresses, each message checked against its socket's
 * port id and sequence number) and SIOCGIFINDEX; the ifa_data of a link
 * is its IFLA_STATS. Only lo's entries are shown: the host has others. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *text(const struct sockaddr *sa)
{
	static char buf[2][INET6_ADDRSTRLEN];
	static int next;
	char *b = buf[next++ % 2];
	if (!sa)
		return "-";
	if (sa->sa_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, b, INET6_ADDRSTRLEN);
	if (sa->sa_family == AF_INET6)
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, b, INET6_ADDRSTRLEN);
	return "?";
}

int main(void)
{
	int bad = 0;
	struct ifaddrs *list;
	if (getifaddrs(&list) != 0) {
		perror("getifaddrs");
		return 1;
	}
	for (struct ifaddrs *i = list; i; i = i->ifa_next) {
		if (strcmp(i->ifa_name, "lo") || !i->ifa_addr)
			continue;
		int fam = i->ifa_addr->sa_family;
		if (fam == AF_PACKET) {
			const struct sockaddr_ll *ll = (const void *)i->ifa_addr;
			const struct rtnl_link_stats *st = i->ifa_data;
			printf("lo: AF_PACKET index %d hatype %d halen %d flags 0x%x, stats %s\n", ll->sll_ifindex,
			       ll->sll_hatype, ll->sll_halen, i->ifa_flags,
			       st ? "present" : "missing");
		} else {
			printf("lo: %s %s netmask %s flags 0x%x\n", fam == AF_INET ? "inet" : "inet6",
			       text(i->ifa_addr), text(i->ifa_netmask), i->ifa_flags);
		}
	}
	freeifaddrs(list);
	struct if_nameindex *ni = if_nameindex();
	for (struct if_nameindex *p = ni; p && p->if_name; p++)
		if (strcmp(p->if_name, "lo") == 0)
			printf("if_nameindex: lo is %u\n", p->if_index);
	if_freenameindex(ni);
	if (if_nametoindex("lo") != 1)
		bad++;
	printf("if_nametoindex(lo): %s\n", bad ? "BAD" : "1");
	return bad;
}
