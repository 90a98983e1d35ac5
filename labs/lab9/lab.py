"""Lab 9 (network device): the grader's tests.

One file per part, each adding to the `lab` declared here (Lab.include
runs them in order):

    card.py     Part A: the virtio-net card, and lwIP on it: the host reaches servers in the guest
    web.py      Part B: real servers in the guest, real clients on the host (busybox httpd, curl)
    tools.py    Part C: the network as ifconfig, route, netstat and ip see it (ioctls, /proc/net, rtnetlink)

Every boot of this lab has a network card on QEMU's user network with
restrict=on (the guest reaches nothing outside QEMU), and the host talks
to the guest only through ports QEMU forwards from free ports of the
host's 127.0.0.1 (t.boot(net=...), grade/qemu.py's Net). What the host
sends is the oracle: checksums of what comes back, the files served.

Blanks (exercises) of this lab, for the checkpoint tool: every region
marked "LAB 9" in the tree; see handout/docs/labs/lab9.md. Each part file
names the tests of its exercises in lab.exercise_tests.
"""
from testing import Lab

lab = Lab(9, "network device: virtio-net, so that the host reaches servers in the guest")
lab.include("card", "web", "tools")
