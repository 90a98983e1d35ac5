/* AF_NETLINK sockets (net/netlink/): NETLINK_ROUTE's dumps for ip and
 * getifaddrs(). Registered at boot by net/families.c. */
#pragma once

void netlink_init(void);
