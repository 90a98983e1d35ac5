"""Lab 9, Part C: the network as the tools see it.

Run by labs/lab9/lab.py, which provides `lab`.

The socket ioctls (SIOCGIF*), /proc/net and rtnetlink that ifconfig,
route, netstat and ip read. On lo alone the host is the oracle (the
programs print only lo's lines and their own sockets'); with the card,
the truth is what QEMU's network gave it: its MAC address and DHCP's
10.0.2.15/24.
"""

lab.program_test("netinfo-lo", "netinfo", 10, 30.0,
                 doc="lo as ifconfig, netstat and ip see it (user/lab9/netinfo.c): SIOCGIFCONF and the "
                     "SIOCGIF* ioctls (flags, addresses, MTU, index, hardware type; ENODEV, EFAULT, EPERM "
                     "for a user's SIOCSIF*), the program's own TCP and UDP sockets in /proc/net/tcp, "
                     "tcp6, udp, udp6 (state, queues, uid, and the inode fstat gives), the /proc/net "
                     "headers, NETLINK_ROUTE's dumps of lo's link and addresses, and getifaddrs()")
lab.program_test("netinfo-glibc", "ifaddrs_glibc", 5, 30.0, depends=["netinfo-lo"],
                 doc="glibc's getifaddrs(), if_nameindex() and if_nametoindex() on lo "
                     "(user/lab9/glibc/ifaddrs_glibc.c): NETLINK_ROUTE dumps as glibc checks them")

# What busybox's tools print about eth0 with QEMU's network: the card's
# MAC, DHCP's address, its broadcast and mask, the subnet's route, and a
# listener the script opened (netstat reads /proc/net/tcp, ip rtnetlink).
TOOLS = ("mount -t proc proc /proc; busybox nc -l -p 80 >/dev/null & sleep 0.5; ifconfig eth0; route -n; netstat -tln; "
         "ip addr show eth0; ip route; echo tools-done")
EXPECTED = [
    r"^eth0 +Link encap:Ethernet +HWaddr 52:54:00:12:34:56",
    r"^ +inet addr:10\.0\.2\.15 +Bcast:10\.0\.2\.255 +Mask:255\.255\.255\.0",
    r"^ +inet6 addr: fe80::5054:ff:fe12:3456/64 Scope:Link",
    r"^ +UP BROADCAST RUNNING MULTICAST +MTU:1500 +Metric:1",
    r"^10\.0\.2\.0 +0\.0\.0\.0 +255\.255\.255\.0 +U +0 +0 +0 eth0$",
    r"^tcp +0 +0 +(0\.0\.0\.0|:::?):80 +\S+ +LISTEN",
    r"^2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500",
    r"^ +link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff",
    r"^ +inet 10\.0\.2\.15/24 brd 10\.0\.2\.255 scope global eth0",
    r"^10\.0\.2\.0/24 dev eth0 +scope link +src 10\.0\.2\.15",
    r"^tools-done$",
]


@lab.test(points=10, timeout=20.0, name="tools-card", depends=["netinfo-lo"])
def tools_card(t):
    """With the card: busybox ifconfig eth0 (MAC, 10.0.2.15, broadcast,
    mask, link-local IPv6, flags, MTU), route -n (the subnet's route),
    netstat -tln (a listener on port 80), ip addr and ip route show what
    QEMU's network and DHCP gave the card."""
    t.boot(append=f'init=/bin/sh token={t.token} -- -c "{TOOLS}"', disk=True, net=[])
    t.expect_sequence(EXPECTED)


# busybox ping with the card: the guest's own address (lwIP answers it;
# the packets stay in the guest, as Linux's go through lo), then QEMU's
# gateway, which QEMU's user network answers itself even with
# restrict=on (as it does its DNS address, 10.0.2.3; another address of
# the subnet gets no answer).
PING = ("busybox ping -c 2 -i 0.2 10.0.2.15; echo ping-own $?; busybox ping -c 2 -i 0.2 -W 5 10.0.2.2; "
        "echo ping-gateway $?")


@lab.test(points=5, timeout=20.0, name="ping-card", depends=["nic"])
def ping_card(t):
    """busybox ping of the card's own address, 10.0.2.15 (two echoes, TTL
    64), and of QEMU's gateway 10.0.2.2 (answered by QEMU's user network
    itself under restrict=on, with its TTL of 255)."""
    t.boot(append=f'init=/bin/sh token={t.token} -- -c "{PING}"', disk=True, net=[])
    t.expect_sequence([r"^PING 10\.0\.2\.15 \(10\.0\.2\.15\): 56 data bytes$",
                       r"^64 bytes from 10\.0\.2\.15: seq=0 ttl=64 time=",
                       r"^64 bytes from 10\.0\.2\.15: seq=1 ttl=64 time=",
                       r"^2 packets transmitted, 2 packets received, 0% packet loss$",
                       r"^ping-own 0$",
                       r"^64 bytes from 10\.0\.2\.2: seq=0 ttl=255 time=",
                       r"^64 bytes from 10\.0\.2\.2: seq=1 ttl=255 time=",
                       r"^2 packets transmitted, 2 packets received, 0% packet loss$",
                       r"^ping-gateway 0$"])
