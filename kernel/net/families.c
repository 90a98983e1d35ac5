/* The address families built into the kernel: adding one is a line here. */
#include <net/socket.h>
#include <net/unix.h>
#include <net/inet.h>
#include <net/netlink.h>
#include "socket_internal.h"

void net_families_init(void)
{
	unix_init();
	inet_init();         /* AF_INET, AF_INET6: starts lwIP */
	netlink_init();      /* AF_NETLINK: NETLINK_ROUTE */
}
