/* The interface ioctls every socket answers (Linux's dev_ioctl and
 * devinet_ioctl): SIOCGIFCONF lists the interfaces with an IPv4 address,
 * SIOCGIF* read one interface's flags, addresses, MTU, index... by name
 * (SIOCGIFNAME: by index). What ifconfig and route use.
 *
 * The SIOCSIF* ones (and the routing table's SIOCADDRT/SIOCDELRT) need
 * CAP_NET_ADMIN, as on Linux (EPERM). For root they change nothing: one
 * that asks for what already is (`ifconfig lo up`, an address it has)
 * succeeds, any other change is EOPNOTSUPP: the addresses come from DHCP
 * or the ip= boot option. Linux answers the address ones only on AF_INET
 * sockets; here any socket does. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <x86/uaccess.h>
#include <proc/cred.h>
#include <linux/capability.h>
#include <linux/sockios.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/in.h>
#include <net/netinfo.h>
#include <net/dev_ioctl.h>

#define TX_QUEUE_LEN 1000       /* Linux's default, lo's and a card's */

static void put_ipv4(struct sockaddr *sa, uint32_t addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
}

/* SIOCGIFCONF: an ifreq (name, IPv4 address) per interface that has one,
 * as many as fit; with no buffer, the length they would take. */
static long get_ifconf(void *uarg)
{
	struct ifconf ifc;
	if (copy_from_user(&ifc, uarg, sizeof(ifc)))
		return -EFAULT;
	struct netinfo_if ifs[NETINFO_MAX_IFS];
	int n = netinfo_interfaces(ifs, NETINFO_MAX_IFS);
	int total = 0;
	for (int i = 0; i < n && i < NETINFO_MAX_IFS; i++) {
		if (!ifs[i].has_ipv4)
			continue;
		if (ifc.ifc_buf) {
			if (ifc.ifc_len - total < (int)sizeof(struct ifreq))
				break;
			struct ifreq r;
			memset(&r, 0, sizeof(r));
			strlcpy(r.ifr_name, ifs[i].name, IFNAMSIZ);
			put_ipv4(&r.ifr_addr, ifs[i].addr);
			if (copy_to_user(ifc.ifc_buf + total, &r, sizeof(r)))
				return -EFAULT;
		}
		total += sizeof(struct ifreq);
	}
	ifc.ifc_len = total;
	return copy_to_user(uarg, &ifc, sizeof(ifc)) ? -EFAULT : 0;
}

/* The ioctls that read one interface, named in r (r->ifr_ifindex for
 * SIOCGIFNAME); the answer goes into r. */
static long get_one(unsigned cmd, struct ifreq *r)
{
	struct netinfo_if i;
	int err = cmd == SIOCGIFNAME ? netinfo_find(r->ifr_ifindex, NULL, &i)
				     : netinfo_find(0, r->ifr_name, &i);
	if (err)
		return err;
	switch (cmd) {
	case SIOCGIFNAME:
		strlcpy(r->ifr_name, i.name, IFNAMSIZ);
		return 0;
	case SIOCGIFFLAGS:
		r->ifr_flags = (short)i.flags;
		return 0;
	case SIOCGIFMETRIC:
		r->ifr_metric = 0;
		return 0;
	case SIOCGIFMTU:
		r->ifr_mtu = i.mtu;
		return 0;
	case SIOCGIFINDEX:
		r->ifr_ifindex = i.index;
		return 0;
	case SIOCGIFTXQLEN:
		r->ifr_qlen = TX_QUEUE_LEN;
		return 0;
	case SIOCGIFMAP:
		memset(&r->ifr_map, 0, sizeof(r->ifr_map));
		return 0;
	case SIOCGIFHWADDR:
		memset(&r->ifr_hwaddr, 0, sizeof(r->ifr_hwaddr));
		r->ifr_hwaddr.sa_family = i.loopback ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
		memcpy(r->ifr_hwaddr.sa_data, i.mac, ETH_ADDR_LEN);
		return 0;
	}
	/* The IPv4 address ones: EADDRNOTAVAIL when the interface has none. */
	if (!i.has_ipv4)
		return -EADDRNOTAVAIL;
	switch (cmd) {
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:    /* not point-to-point: the address itself */
		put_ipv4(&r->ifr_addr, i.addr);
		return 0;
	case SIOCGIFNETMASK:
		put_ipv4(&r->ifr_netmask, i.netmask);
		return 0;
	case SIOCGIFBRDADDR:
		put_ipv4(&r->ifr_broadaddr, i.broadcast);
		return 0;
	}
	return -ENOTTY;
}

static uint32_t sin_addr_of(const struct sockaddr *sa)
{
	return ((const struct sockaddr_in *)sa)->sin_addr.s_addr;
}

/* A set ioctl by root: 0 if it asks for what already is. */
static long set_same(unsigned cmd, const struct ifreq *r)
{
	struct netinfo_if i;
	int err = netinfo_find(0, r->ifr_name, &i);
	if (err)
		return err;
	bool same;
	switch (cmd) {
	case SIOCSIFFLAGS:   same = !(((unsigned short)r->ifr_flags ^ i.flags) & IFF_UP); break;
	case SIOCSIFMTU:     same = r->ifr_mtu == (int)i.mtu; break;
	case SIOCSIFADDR:    same = i.has_ipv4 && sin_addr_of(&r->ifr_addr) == i.addr; break;
	case SIOCSIFNETMASK: same = i.has_ipv4 && sin_addr_of(&r->ifr_netmask) == i.netmask; break;
	case SIOCSIFBRDADDR: same = i.has_ipv4 && sin_addr_of(&r->ifr_broadaddr) == i.broadcast; break;
	default:             same = false;
	}
	return same ? 0 : -EOPNOTSUPP;
}

static bool is_get(unsigned cmd)
{
	switch (cmd) {
	case SIOCGIFNAME: case SIOCGIFFLAGS: case SIOCGIFMETRIC: case SIOCGIFMTU:
	case SIOCGIFINDEX: case SIOCGIFTXQLEN: case SIOCGIFMAP: case SIOCGIFHWADDR:
	case SIOCGIFADDR: case SIOCGIFDSTADDR: case SIOCGIFNETMASK: case SIOCGIFBRDADDR:
		return true;
	}
	return false;
}

static bool is_set(unsigned cmd)
{
	switch (cmd) {
	case SIOCSIFFLAGS: case SIOCSIFMETRIC: case SIOCSIFMTU: case SIOCSIFHWADDR:
	case SIOCSIFTXQLEN: case SIOCSIFMAP: case SIOCSIFNAME: case SIOCSIFADDR:
	case SIOCSIFDSTADDR: case SIOCSIFNETMASK: case SIOCSIFBRDADDR:
	case SIOCADDRT: case SIOCDELRT: case SIOCADDMULTI: case SIOCDELMULTI:
		return true;
	}
	return false;
}

long dev_ioctl(unsigned cmd, uint64_t arg)
{
	void *uarg = (void *)arg;
	if (cmd == SIOCGIFCONF)
		return get_ifconf(uarg);
	if (!is_get(cmd) && !is_set(cmd))
		return -ENOTTY;
	struct ifreq r;
	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	if (is_set(cmd) && !capable(CAP_NET_ADMIN))
		return -EPERM;
	r.ifr_name[IFNAMSIZ - 1] = 0;
	char *colon = strchr(r.ifr_name, ':');  /* an alias (eth0:1) names its device */
	if (colon)
		*colon = 0;
	if (is_set(cmd))
		return cmd == SIOCADDRT || cmd == SIOCDELRT ? -EOPNOTSUPP : set_same(cmd, &r);
	long err = get_one(cmd, &r);
	if (err)
		return err;
	return copy_to_user(uarg, &r, sizeof(r)) ? -EFAULT : 0;
}
