"""Lab 8 (for Lab 9): the network as the tools see it, on lo.

Run by labs/lab8/lab.py, which provides `lab`. Worth no points yet: Lab 9
(the network card, issue 23) will own it, with a run that has a card.
"""


# The programs are Lab 9's (user/lab9/): the grader looks in the test's lab's folder.
lab.program_test("netinfo-lo", "../lab9/netinfo", 0, 30.0, depends=["lwip"],
                 doc="lo as ifconfig, netstat and ip see it (user/lab9/netinfo.c): SIOCGIFCONF and the "
                     "SIOCGIF* ioctls (flags, addresses, MTU, index, hardware type; ENODEV, EFAULT, EPERM "
                     "for a user's SIOCSIF*), the program's own TCP and UDP sockets in /proc/net/tcp, "
                     "tcp6, udp, udp6 (state, queues, uid, and the inode fstat gives), the /proc/net "
                     "headers, NETLINK_ROUTE's dumps of lo's link and addresses, and getifaddrs()")
lab.program_test("netinfo-glibc", "../lab9/ifaddrs_glibc", 0, 30.0, depends=["netinfo-lo"],
                 doc="glibc's getifaddrs(), if_nameindex() and if_nametoindex() on lo "
                     "(user/lab9/glibc/ifaddrs_glibc.c): NETLINK_ROUTE dumps as glibc checks them")
