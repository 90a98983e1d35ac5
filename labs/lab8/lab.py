"""Lab 8 (sockets and epoll): the grader's tests.

One file per part, each adding to the `lab` declared here (Lab.include
runs them in order):

    eventfds.py   Part A: eventfd, timerfd and signalfd: events as files
    epoll.py      Part B: epoll: level- and edge-triggered readiness on any pollable file
    unix.py       Part C: the socket layer and AF_UNIX (stream, datagram, seqpacket, passing fds)
    inet.py       Part D: TCP and UDP on loopback over lwIP (IPv4, IPv6, dual stack)
    netinfo.py    (for Lab 9, no points yet) lo as ifconfig, netstat and ip see it

As in the earlier labs, the test programs of user/lab8/ run in the kernel
and on the host (on 127.0.0.1 and ::1 only) and their outputs are compared.

Blanks (exercises) of this lab, for the checkpoint tool: every region
marked "LAB 8" in the tree; see handout/docs/labs/lab8.md. Each part file
names the tests of its exercises in lab.exercise_tests.
"""
from testing import Lab

lab = Lab(8, "sockets and epoll: Unix and TCP/UDP sockets on loopback, epoll and the event fds")
lab.include("eventfds", "epoll", "unix", "inet")
lab.include("netinfo")
