"""Lab 9, Part A: the card, and lwIP over it.

Run by labs/lab9/lab.py, which provides `lab`.

user/lab9/net_echo serves TCP echo on the guest's port 7; the host's
clients reach it through QEMU's forwarding and check what comes back
against what they sent (MD5 of every byte). UDP goes to QEMU's TFTP
server (see udp_tftp for why not to a server in the guest).
"""
import hashlib
import os
import socket
import threading
import time

ECHO = "init=/usr/lib/kestrel/lab9/net_echo"
LISTENING = r"^net_echo: listening on TCP port 7$"
QEMU_MAC = "52:54:00:12:34:56"      # QEMU's first card's address, unless told otherwise
GUEST_ADDR = "10.0.2.15/24"         # what QEMU's user network hands out by DHCP


@lab.test(points=5, timeout=15.0, name="nic")
def nic(t):
    """The card is found, set up and named eth0, with QEMU's MAC address,
    an MTU of 1500 and the link up; DHCP gives it QEMU's 10.0.2.15/24
    before init starts."""
    t.boot(append=f"init=/bin/true token={t.token}", disk=True, net=[])
    t.expect(rf"^virtio-net: eth0 at pci [0-9a-f:.]+: {QEMU_MAC}, mtu 1500, link up, queues \d+/\d+, vector \d+$")
    configured = t.expect(rf"^net: eth0: {GUEST_ADDR}, gateway \S+ \(DHCP\)$")
    t.expect(r"^kestrel: starting init", after=configured)


# A transfer that stalls this long has failed (a working card moves
# megabytes a second even on a loaded machine).
STALL = 10


def tcp_echo(port, data, chunk=65536, timeout=STALL, sock=None):
    """Sends data to the echo server and reads back as much, at the same
    time (a thread sends, this one receives), on a new connection or on
    `sock`. Returns the bytes received."""
    with sock or socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        def send():
            for i in range(0, len(data), chunk):
                s.sendall(data[i:i + chunk])
        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        got = bytearray()
        while len(got) < len(data):
            piece = s.recv(1 << 20)
            if not piece:
                break
            got += piece
        sender.join(timeout)
        return bytes(got)


def quit_server(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"QUIT\n")


BIG = 16 << 20
CONNECTIONS = 32
EACH = 256 << 10


@lab.test(points=15, timeout=60.0, name="tcp-host", depends=["nic"])
def tcp_host(t):
    """A host client sends 16 MiB of random bytes through QEMU's forwarded
    port to the guest's TCP echo server while reading the echo, which must
    have the same MD5 (both directions of a long transfer over the card);
    then 32 connections at once, 256 KiB each, all echoed intact; the
    server counts what it echoed as the clients sent it."""
    report = {}

    def clients(match):
        port = t.host_port(7)
        big = os.urandom(BIG)
        t0 = time.monotonic()
        back = tcp_echo(port, big)
        report["big"] = (len(back), hashlib.md5(back).hexdigest() == hashlib.md5(big).hexdigest(),
                         time.monotonic() - t0)
        datas = [os.urandom(EACH) for _ in range(CONNECTIONS)]
        results = [None] * CONNECTIONS
        # Opened one after the other, each echoing its first byte before
        # the next opens, then used all at once: QEMU's forwarder listens
        # with a backlog of 1, and of 32 connections opened at the same
        # instant it resets one to four before they reach the guest (a
        # capture of the card's traffic shows no trace of them there).
        socks = []
        for i in range(CONNECTIONS):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=STALL))
            socks[-1].sendall(datas[i][:1])
            first = socks[-1].recv(1)
            if first != datas[i][:1]:
                raise OSError(f"connection {i}: its first byte came back as {first!r}")

        def one(i):
            try:
                results[i] = tcp_echo(port, datas[i][1:], sock=socks[i]) == datas[i][1:]
            except OSError as e:
                results[i] = e
        threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(CONNECTIONS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(40)
        report["many"] = results
        quit_server(port)

    t.boot(append=f"{ECHO} token={t.token}", disk=True, net=[("tcp", 7)],
           host_actions=[(LISTENING, clients)])
    if "big" not in report:
        t.fail("the host's clients never finished (see the errors above)")
    length, same, seconds = report["big"]
    t.check(same, f"16 MiB sent to the guest came back with the same MD5 ({length} bytes back, "
                  f"{BIG * 2 / seconds / 1e6:.1f} MB/s both ways together)")
    good = sum(1 for r in report.get("many", []) if r is True)
    t.check(good == CONNECTIONS, f"{good} of {CONNECTIONS} concurrent connections echoed their 256 KiB intact"
            + "".join(f"; #{i}: {r}" for i, r in enumerate(report.get("many", [])) if r is not True)[:300])
    t.expect(rf"^net_echo: tcp: {CONNECTIONS + 1} connections, {BIG + CONNECTIONS * EACH} bytes echoed$")


# UDP: QEMU's user network with restrict=on (always, here) drops every
# datagram the guest sends except to its own services, so a host client
# cannot get answers from a UDP server in the guest (checked: the same
# echo answers with restrict=off). Its TFTP server is one of those
# services: the guest's busybox tftp fetches files from a host folder.
# Blocks of 512 bytes (TFTP's default), 1,468 (a full frame) and 8,192
# (each datagram in six IP fragments, put together by the guest).
TFTP_BLOCKS = [512, 1468, 8192]
TFTP_FILE = 1 << 20


@lab.test(points=10, timeout=30.0, name="udp-tftp", depends=["nic"])
def udp_tftp(t):
    """UDP over the card both ways: the guest's busybox tftp fetches a
    1 MiB file of random bytes from QEMU's TFTP server (10.0.2.2) three
    times, with blocks of 512, 1,468 and 8,192 bytes (the last arrive in
    IP fragments); each copy has the host file's MD5."""
    folder = os.path.join(t.tmp, "tftp")
    os.makedirs(folder)
    data = os.urandom(TFTP_FILE)
    with open(os.path.join(folder, "blob"), "wb") as f:
        f.write(data)
    fetch = "; ".join(f"busybox tftp -g -r blob -l /tmp/b{n} -b {n} 10.0.2.2 && md5sum /tmp/b{n}"
                      for n in TFTP_BLOCKS)
    t.boot(append=f'init=/bin/sh token={t.token} -- -c "{fetch}"', disk=True, net=[], tftp=folder)
    want = hashlib.md5(data).hexdigest()
    for n in TFTP_BLOCKS:
        t.expect(rf"^{want}  /tmp/b{n}$")


# Exercise 1 (the receive refill) and 2 (the transmit completion): both
# stall a transfer longer than the queues; exercise 3 (the netif's output)
# sends nothing at all, not even DHCP's discover.
lab.exercise_tests[1] = ["tcp-host"]
lab.exercise_tests[2] = ["tcp-host"]
lab.exercise_tests[3] = ["nic"]
