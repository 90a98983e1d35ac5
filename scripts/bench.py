#!/usr/bin/env python3
"""Benchmarks (make bench). Prints one line per figure, each the median of
several runs: these machines are noisy (±25% run to run), so compare
medians, not single runs.

  - boot: time from starting QEMU to the first serial line and to power-off;
  - benchmarks in the guest: kernel self-tests (test=bench-*) and user
    programs run as the first process (init=bench_*), which print lines
    "bench: <what>: <number> <unit> (...)", each run in a fresh boot;
  - the user programs also run on the host, for a sense of scale (native
    Linux; `make bench-linux`, scripts/bench_linux.py, compares with Linux
    in the same QEMU);
  - Lab 9, through the network card: the host's TCP echo to the guest
    (NET_BENCH), and MediaServer's concurrent host players sustained
    (scripts/bench_players.py; needs the capstone's image).

A benchmark with disk=True boots with a fresh copy of the root image
(build/fsimg.img, make fsimg) as vda each time, checked by e2fsck after the
run; its host program runs in a copy of the image's tree as its current
directory, as the grader's run_user(disk=True) does. A benchmark with
image="mediaserver" boots the capstone's image instead
(build/fsimg-mediaserver.img, make fsimg MEDIASERVER=1), and is skipped with
a message when it is absent; it has no host run.
"""
import argparse
import collections
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grade"))
from boot import boot  # noqa: E402
from qemu import Disk, Net  # noqa: E402
import fsimg_tools  # noqa: E402
import bench_players  # noqa: E402

# What to boot (the kernel command line), the CPUs to give QEMU, the host
# program to compare with, and whether to attach a copy of the root image
# (e.g. Bench("init=/usr/lib/kestrel/lab4/bench_fs", host="build/user/lab4/bench_fs",
# disk=True)). Lab 2: pages; Lab 3: processes; Lab 4: files, memory, pipes;
# Lab 5: signals and the tracer; Lab 6: futexes and threads; Lab 7: /proc and ps;
# Lab 8: sockets, epoll, MediaServer serving. image="mediaserver": the capstone's
# image (build/fsimg-mediaserver.img) instead of the root image.
Bench = collections.namedtuple("Bench", "cmdline cpus host disk image", defaults=(None, None, False, None))
GUEST_BENCHES = [
    Bench("test=bench-pages"),
    Bench("init=bench_proc", cpus=1, host="build/user/lab3/bench_proc"),
    Bench("init=/usr/lib/kestrel/lab4/bench_files", cpus=1, host="build/user/lab4/bench_files", disk=True),
    Bench("init=/usr/lib/kestrel/lab4/bench_mm", cpus=1, host="build/user/lab4/bench_mm", disk=True),
    Bench("init=/usr/lib/kestrel/lab4/bench_ipc", cpus=1, host="build/user/lab4/bench_ipc", disk=True),
    Bench("init=/usr/lib/kestrel/lab5/sig_bench", cpus=1, host="build/user/lab5/sig_bench", disk=True),
    # Lab 5: the tracer (on the host: strace, for scale).
    Bench("init=/usr/lib/kestrel/lab5/bench_trace", cpus=1, host="build/user/lab5/bench_trace", disk=True),
    # Lab 6, Part C: futex ping-pong and futex mutexes between processes, on 1 and on 4 CPUs.
    Bench("init=/usr/lib/kestrel/lab6/futex_bench", cpus=1, host="build/user/lab6/futex_bench", disk=True),
    Bench("init=/usr/lib/kestrel/lab6/futex_bench", cpus=4, host="build/user/lab6/futex_bench", disk=True),
    # Lab 6, Part E: thread create+join, futex ping-pong between two threads, a pthread mutex
    # uncontended and contended by 4 threads; on 1 CPU (switches) and on 4 (wake-ups across CPUs).
    Bench("init=/usr/lib/kestrel/lab6/prog_bench", cpus=1, host="build/user/lab6/prog_bench", disk=True),
    Bench("init=/usr/lib/kestrel/lab6/prog_bench", cpus=4, host="build/user/lab6/prog_bench", disk=True),
    # Lab 6: a CPU-bound 4-thread program pinned to 1 CPU, then on all 4: the speed-up.
    Bench("init=/usr/lib/kestrel/lab6/smp_bench", cpus=4, host="build/user/lab6/smp_bench", disk=True),
    # Lab 7: Debian's ps aux with 50 more processes, a /proc listing, one /proc/self/stat read.
    Bench("init=/usr/lib/kestrel/lab7/prog_ps_bench", cpus=1, host="build/user/lab7/prog_ps_bench", disk=True),
    # Lab 8: TCP on 127.0.0.1 and AF_UNIX stream bandwidth and round trip between two processes;
    # epoll_ctl and epoll_wait with 1,000 eventfds (and poll, for contrast).
    Bench("init=/usr/lib/kestrel/lab8/bench_net", cpus=1, host="build/user/lab8/bench_net", disk=True),
    Bench("init=/usr/lib/kestrel/lab8/bench_epoll", cpus=1, host="build/user/lab8/bench_epoll", disk=True),
    # Lab 8 and the capstone: MediaServer from exec to its first HTTP API answer, on 2 CPUs as
    # the tests run it (labs/final/msrun.py); no host run (it wants /opt/mediaserver).
    Bench("init=/usr/lib/kestrel/lab8/bench_mediaserver", cpus=2, disk=True, image="mediaserver"),
]
IMAGES = {"mediaserver": "fsimg-mediaserver.img"}      # beside the root image, in the build folder
# Lab 9: the host reaches the guest's TCP echo server (user/lab9/net_echo)
# through the card and QEMU's user network: bandwidth of 32 MiB echoed
# (each byte crosses twice), and a 1-byte request's round trip.
NET_BENCH = "init=/usr/lib/kestrel/lab9/net_echo"
NET_BYTES = 32 << 20
NET_ROUND_TRIPS = 500
FIGURE = re.compile(r"^bench: (.+?): (\d+(?:\.\d+)?) (.*)$")


def boot_bench(args):
    first, total = [], []
    for _ in range(args.runs):
        r = boot(args.kernel, "test=boot token=0", timeout=30, accel=args.accel, log_cpu=False)
        if not r.powered_off or not r.lines:
            sys.exit(f"bench: the boot test did not power off cleanly (status {r.status})")
        first.append(next(l.time for l in r.lines if l.text.strip()))
        total.append(r.seconds)
    ms = lambda xs: statistics.median(xs) * 1000   # noqa: E731
    print(f"bench boot ({args.accel}, {args.runs} runs): first serial line {ms(first):.0f} ms median "
          f"(min {min(first) * 1000:.0f}, max {max(first) * 1000:.0f})")
    print(f"bench boot ({args.accel}, {args.runs} runs): power-off {ms(total):.0f} ms median "
          f"(min {min(total) * 1000:.0f}, max {max(total) * 1000:.0f})")


def collect(lines, figures):
    for text in lines:
        m = FIGURE.match(text)
        if m:
            figures.setdefault(m[1], ([], m[3]))[0].append(float(m[2]))


def show(figures, where):
    for what, (values, unit) in figures.items():
        # Players are whole; frames/s near the 95% mark of 25 need their tenths.
        fmt = {"players": ".0f", "frames/s": ".1f"}.get(unit, ".2f" if statistics.median(values) < 10 else ".0f")
        print(f"bench {what} ({where}, {len(values)} runs): {statistics.median(values):{fmt}} "
              f"{unit.split(' (')[0]} median (min {min(values):{fmt}}, max {max(values):{fmt}})")


def guest_bench(args, cmdline, cpus, host_program, disk, image=None):
    """Boots `cmdline` several times; the median of each figure it prints."""
    path = os.path.join(os.path.dirname(os.path.abspath(args.image)), IMAGES[image]) if image else args.image
    if image and not os.path.exists(path):
        print(f"bench {cmdline}: skipped, no {os.path.relpath(path, ROOT)} "
              f"(make fsimg MEDIASERVER=1, with the capstone's folder in ../shared/mediaserver)")
        return True
    with tempfile.TemporaryDirectory(prefix="kestrel-bench-") as tmp:
        return _guest_bench(args, cmdline, cpus, host_program, disk, path, tmp)


def _guest_bench(args, cmdline, cpus, host_program, disk, image, tmp):
    figures = {}        # what -> (values, unit)
    if disk:
        # make rebuilds the capstone's image only while MEDIASERVER is
        # remembered: it must hold this build's program (init=.../labN/NAME).
        program = re.search(r"/usr/lib/kestrel/(\S+)", cmdline)
        fsimg_tools.require_image(image, newer_than=[] if image == args.image or not program else
                                  [os.path.join(os.path.dirname(os.path.abspath(args.image)), "user", program[1])])
    for _ in range(args.kernel_runs):
        disks = [Disk(fsimg_tools.copy_image(image, os.path.join(tmp, "vda.img")), scratch=True)] if disk else []
        r = boot(args.kernel, f"{cmdline} token=0", timeout=60, accel=args.accel, cpus=cpus or 2, disks=disks,
                 log_cpu=False)
        if not r.powered_off:
            print(f"bench {cmdline}: the kernel did not finish cleanly (status {r.status}):")
            print("\n".join("  " + l.text for l in r.lines[-10:]))
            return False
        for d in disks:
            check = fsimg_tools.fsck(d.path)
            if not check.clean:
                print(f"bench {cmdline}: {check.summary()} after the run:\n{check.output}")
                return False
        collect([l.text for l in r.lines], figures)
    if not figures:
        print(f"bench {cmdline}: printed no figures")
        return False
    show(figures, f"guest, {args.accel}" + (f", {cpus} CPU" if cpus else ""))
    if host_program:
        host = {}
        for i in range(args.kernel_runs):
            cwd = fsimg_tools.copy_tree(args.staged, os.path.join(tmp, f"host-root{i}")) if disk else None
            out = subprocess.run([os.path.join(ROOT, host_program)], capture_output=True, text=True,
                                 timeout=60, cwd=cwd)
            collect(out.stdout.splitlines(), host)
            if cwd:
                shutil.rmtree(cwd, ignore_errors=True)
        show(host, "host Linux, native")
    return True


def net_client(port, figures):
    """The host's side of NET_BENCH: figures of one boot, then QUIT."""
    data = os.urandom(NET_BYTES)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
        sender = threading.Thread(target=c.sendall, args=(data,), daemon=True)
        t0 = time.monotonic()
        sender.start()
        got = 0
        while got < len(data):
            piece = c.recv(1 << 20)
            if not piece:
                raise OSError(f"the echo ended after {got} bytes")
            got += len(piece)
        seconds = time.monotonic() - t0
        sender.join()
    figures.setdefault("host->guest TCP echo, each way", ([], "MB/s"))[0].append(NET_BYTES / seconds / 1e6)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        times = []
        for _ in range(NET_ROUND_TRIPS):
            t0 = time.monotonic()
            c.sendall(b"x")
            if c.recv(1) != b"x":
                raise OSError("the round trip's byte did not come back")
            times.append(time.monotonic() - t0)
    figures.setdefault("host->guest TCP round trip, 1 byte", ([], "us"))[0].append(statistics.median(times) * 1e6)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
        c.sendall(b"QUIT\n")


def net_bench(args):
    """NET_BENCH in several boots, the host's client through the card."""
    figures = {}
    with tempfile.TemporaryDirectory(prefix="kestrel-bench-") as tmp:
        for _ in range(args.kernel_runs):
            disk = Disk(fsimg_tools.copy_image(args.image, os.path.join(tmp, "vda.img")), scratch=True)
            net = Net.forwarding([("tcp", 7)])
            r = boot(args.kernel, f"{NET_BENCH} token=0", timeout=120, accel=args.accel, cpus=2, disks=[disk],
                     log_cpu=False, net=net,
                     host_actions=[(re.compile(r"^net_echo: listening"), lambda m: net_client(net.host_port(7), figures))])
            if not r.powered_off or r.host_errors:
                print(f"bench {NET_BENCH}: did not finish cleanly (status {r.status}): {'; '.join(r.host_errors)}")
                return False
    show(figures, f"guest, {args.accel}, 2 CPU, through QEMU's user network")
    return True


def players_bench(args):
    """MediaServer behind the card, more and more host players
    (scripts/bench_players.py), in several boots of the capstone's image."""
    build = os.path.dirname(os.path.abspath(args.image))
    image = os.path.join(build, IMAGES["mediaserver"])
    folder = os.path.join(build, "fsimg-mediaserver", "root", "opt", "mediaserver")
    if not os.path.exists(image) or not os.path.isdir(folder):
        print(f"bench {bench_players.SUSTAINED_FIGURE}: skipped, no {os.path.relpath(image, ROOT)} "
              f"(make fsimg MEDIASERVER=1, with the capstone's folder in ../shared/mediaserver)")
        return True
    fsimg_tools.require_image(image)
    figures = {}
    with tempfile.TemporaryDirectory(prefix="kestrel-bench-") as tmp:
        config = os.path.join(tmp, bench_players.NET_CONFIG)
        bench_players.net_config(folder, config)
        clip = bench_players.make_clip(tmp)
        for _ in range(args.kernel_runs):
            disk = Disk(bench_players.kestrel_disk(image, tmp, config), scratch=True)
            net = Net.forwarding(bench_players.PORTS)
            host = lambda m: bench_players.host_side(net, clip, figures)  # noqa: E731
            r = boot(args.kernel, f"{bench_players.KESTREL_CMDLINE} token=0", timeout=600, accel=args.accel,
                     cpus=2, disks=[disk], log_cpu=False, net=net,
                     host_actions=[(re.compile(bench_players.READY), host)])
            if not r.powered_off or r.host_errors:
                print(f"bench {bench_players.SUSTAINED_FIGURE}: did not finish cleanly (status {r.status}): "
                      f"{'; '.join(r.host_errors)}")
                print("\n".join("  " + l.text for l in r.lines[-10:]))
                return False
    show(figures, f"guest, {args.accel}, 2 CPU, through QEMU's user network")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--accel", default="tcg", choices=["tcg", "kvm"])
    ap.add_argument("--runs", type=int, default=11, help="boots for the boot-time figures")
    ap.add_argument("--kernel-runs", type=int, default=5, help="boots per in-kernel benchmark")
    ap.add_argument("--image", default=fsimg_tools.IMAGE, help="the root image for disk=True benchmarks")
    ap.add_argument("--only", metavar="TEXT",
                    help="only the guest benchmarks whose command line contains TEXT (e.g. lab6/), no boot figures")
    args = ap.parse_args()
    args.staged = os.path.join(os.path.dirname(os.path.abspath(args.image)), "fsimg", "root")
    benches = [b for b in GUEST_BENCHES if not args.only or args.only in b.cmdline]
    net = not args.only or args.only in NET_BENCH
    players = not args.only or args.only in ("players", "lab9/")
    if not benches and not net and not players:
        sys.exit(f"bench: no benchmark's command line contains {args.only!r}")
    if not args.only:
        boot_bench(args)
    ok = all([guest_bench(args, *b) for b in benches])
    if net:
        ok = net_bench(args) and ok
    if players:
        ok = players_bench(args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
