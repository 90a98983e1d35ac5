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
