"""Lab 8, Part E: real programs on our sockets and epoll.

Run by labs/lab8/lab.py, which provides `lab`.

The first three tests are busybox shell scripts (user/lab8/scripts/) run
in the kernel, as its first process, and on the host, outputs compared
(t.run_script), as Lab 7's Part D does. The programs are unmodified:
Debian's python3 (asyncio; `python3 -m http.server`) and busybox's wget,
httpd and ping, on 127.0.0.1, ::1 and a Unix path, with ports chosen by
bind(0) (ping's host run in a network namespace of its own). The fourth
is a glibc program (user/lab8/glibc/prog_resolve.c) using glibc's
resolver as real clients do.
"""


def script_test(name, script, points, timeout, doc, host_netns=False):
    """user/lab8/scripts/<script> run by busybox sh in the kernel and on the
    host (t.run_script; host_netns: in a network namespace of its own),
    outputs compared."""
    def run(t):
        t.run_script(script, host_netns=host_netns)
    run.__doc__ = doc
    run.__name__ = name.replace("-", "_")
    lab.test(points=points, timeout=timeout, name=name, depends=["lwip"])(run)


script_test("python-asyncio", "prog_asyncio.sh", 10, 60.0,
            "Python's asyncio (an EpollSelector; its self-pipe a socketpair): a TCP echo server on 127.0.0.1 "
            "with 8 clients at once (then on ::1 and a Unix path), 4 MiB checksummed, loop.sendfile, EOF and a refused connect, UDP, sock_* calls on a "
            "socketpair, timers and wait_for's timeout, a thread and a signal waking the loop, a subprocess's "
            "pipes, as on Linux")
script_test("http-wget", "prog_http.sh", 7, 60.0,
            "Debian's `python3 -m http.server` on 127.0.0.1 (port 0), then busybox httpd (CGI too) on ::1, "
            "serving a directory fetched by busybox wget: files checksummed, a redirect, a listing, a 404, HEAD and 5 "
            "fetches at once, as on Linux")
script_test("ping-lo", "prog_ping.sh", 5, 30.0,
            "busybox ping (raw ICMP and ICMPv6 sockets) of 127.0.0.1 and ::1, 3 echoes each with TTL 64, then 4,000 "
            "bytes of payload, then an address with no route (ENETUNREACH), times taken out, as on Linux (there in "
            "a network namespace of its own)", host_netns=True)
lab.program_test("glibc-resolve", "prog_resolve", 3, 30.0, depends=["lwip"],
                 doc="a glibc program finds its peers as real clients do: getaddrinfo's loopback addresses in "
                     "RFC 6724 order (UDP sockets connected to each), localhost from /etc/hosts, getnameinfo; "
                     "then non-blocking connects to each, served by one poll loop")
