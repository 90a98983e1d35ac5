"""Lab 8, Part D: TCP and UDP on loopback over lwIP.

Run by labs/lab8/lab.py, which provides `lab`.
"""


@lab.test(points=0, timeout=20.0, name="lwip")
def lwip(t):
    """lwIP came up in the kernel (labs/lab8/ktests_lwip.c): its raw API
    sends a UDP datagram to itself on 127.0.0.1 and ::1, and a TCP
    connection on each echoes the token, all on the loopback interface."""
    t.boot()
    for what in ("udp 127.0.0.1", "udp ::1"):
        t.expect(rf"^lwip: {what}: datagram received$")
    for what in ("tcp 127.0.0.1", "tcp ::1"):
        t.expect(rf"^lwip: {what}: connected, echoed$")
    t.expect(r"^lwip: 0 failures, token={token}$")


lab.program_test("inet-udp", "inet_udp", 10, 30.0, depends=["lwip"],
                 doc="UDP on 127.0.0.1 and ::1: round trips with the sender's address, datagram "
                     "boundaries, truncation (MSG_TRUNC), MSG_PEEK, connect, EAGAIN, the errors "
                     "Linux gives, and an IPv4 datagram to a dual-stack :: socket")
lab.program_test("inet-tcp", "inet_tcp", 20, 30.0, depends=["lwip"],
                 doc="TCP on 127.0.0.1 and ::1: blocking connect/accept and an echo, both ends' names, "
                     "shutdown, 16 MiB (4 on ::1) checksummed, TCP_NODELAY and SO_REUSEADDR, non-blocking connect "
                     "(EINPROGRESS, SO_ERROR), ECONNREFUSED, EADDRINUSE, EINVAL, a reset, blocked calls killed, and the dual stack "
                     "(an IPv4 client accepted on ::, refused with IPV6_V6ONLY)")
lab.program_test("inet-many", "inet_many", 10, 30.0, depends=["lwip"],
                 doc="48 TCP clients at once (IPv4 and IPv6) served by one poll loop on a dual-stack "
                     "listener with non-blocking accepted sockets")
lab.program_test("inet-eof", "inet_eof", 5, 30.0, depends=["lwip"],
                 doc="the end of a TCP stream comes within 500 ms of its last byte (Linux: microseconds) "
                     "when the writer's data filled the reader's window: 128 KiB and 256 KiB read after "
                     "the writer's exit, 1 MiB read as it comes, 128 KiB on ::1 (lwIP dropped the FIN "
                     "past the closed window until the writer retransmitted it, 1 to 3 s later)")

# The host runs it in a network namespace of its own: a raw ICMP socket
# sees every ICMP packet of its namespace, other tests' pings included.
@lab.test(points=5, timeout=30.0, name="inet-icmp", depends=["lwip"])
def inet_icmp(t):
    """ICMP echo from user space on 127.0.0.1 and ::1 (user/lab8/inet_icmp.c): raw
    sockets (the IP header with TTL 64, the socket's own request then the reply,
    ICMP_FILTER and ICMP6_FILTER, the kernel's ICMPv6 checksum, IPV6_CHECKSUM,
    IP_RECVTTL and the hop limit as control data, SO_TIMESTAMP(NS), a raw UDP socket
    with a 65,535-byte packet, IPPROTO_RAW with the user's IP header, IPv4-mapped
    addresses refused), ping sockets
    (the kernel's echo identifier and checksum, only the replies to it, bind
    choosing it, EINVAL for what is not an echo request), EPERM for a user's raw
    socket, EPROTONOSUPPORT"""
    t.run_user("inet_icmp", disk=True, host_netns=True)

# Exercise 6: lwIP's TCP receive callback (kernel/net/inet/tcp_glue.c).
lab.exercise_tests[6] = ["inet-tcp", "inet-many"]
