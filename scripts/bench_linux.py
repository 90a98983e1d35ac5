#!/usr/bin/env python3
"""Kestrel against Linux in the same QEMU (make bench-linux): not a test.

Boots Kestrel and Debian's own Linux kernel (the image package that
linux-image-cloud-amd64 depends on, fetched with `apt-get download` into
build/linux/ and unpacked with `dpkg -x`, never installed) in the same QEMU
(same machine, CPU model, memory, TCG, one CPU), alternating, each running
the same static programs:

  - bench_proc, bench_files, bench_mm, bench_ipc: "bench: <what>: <n> <unit>"
    lines, timed by the guest's own clock;
  - bench_workload.sh under busybox sh: a loop of 200 /bin/true, tar cf and
    gzip of a few MB, timed by the host from when each "bench-step:" line
    arrives, and "boot to init": QEMU's start to the script's first line;
  - Lab 8: bench_net (TCP on 127.0.0.1, AF_UNIX), bench_epoll, and
    bench_mediaserver (MediaServer's start to serving) when the capstone's
    image was built (make fsimg MEDIASERVER=1);
  - Lab 9, through a virtio-net card on QEMU's user network, on 2 CPUs
    (as make bench runs them): "card", the host's TCP echo to net_echo
    in the guest (bandwidth and round trip, measured by the host: bench.py's
    net_client), and "players", MediaServer's concurrent host players
    sustained (scripts/bench_players.py; with the capstone's image). Linux
    loads its own virtio_net module (and the modules it needs, from the
    same package) and takes the address Kestrel gets from QEMU's DHCP,
    10.0.2.15/24, statically.

Linux boots with -kernel vmlinuz -initrd build/linux/initramfs.cpio and
mitigations=off (Kestrel has none, so neither pays for them): the
bench programs and busybox-static, and /init, a busybox sh script that brings
up the loopback interface, runs what kbench= on the command line names and
powers off. Kestrel runs them from its root image (build/fsimg.img), as the
grader does. For MediaServer, Linux boots initramfs-mediaserver.cpio, the same
plus /opt/mediaserver and the libraries of the capstone's staged tree
(build/fsimg-mediaserver/root), and Kestrel the capstone's image.

Prints, for each figure, the median of each kernel and the ratio
Kestrel/Linux of the times (of the inverses for MB/s: below 1, Kestrel is
faster), the number of runs, and each guest clock's skew against the host's
(from the "bench-clock:" lines bench_mm and bench_ipc print last).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grade"))
from boot import boot  # noqa: E402
from qemu import Disk, EXIT_OK  # noqa: E402
import fsimg_tools  # noqa: E402
from qemu import Net  # noqa: E402
import bench  # noqa: E402
import bench_players  # noqa: E402

LINUX_DIR = os.path.join(ROOT, "build", "linux")
# Linux without its CPU-vulnerability mitigations (page-table isolation,
# retpolines, buffer clearing on every entry): Kestrel has none, and under
# TCG their cost would count as Kestrel's advantage.
LINUX_CMDLINE = "mitigations=off"
META_PACKAGE = "linux-image-cloud-amd64"
BUSYBOX = "/bin/busybox"
PROGRAMS = ["lab3/bench_proc", "lab4/bench_files", "lab4/bench_mm", "lab4/bench_ipc", "lab5/sig_bench",
            "lab6/prog_bench", "lab8/bench_net", "lab8/bench_epoll", "lab8/bench_mediaserver",
            "lab9/net_echo"]
WORKLOAD = "lab4/bench_workload.sh"

# name: (Kestrel's command line, whether Kestrel needs the root image, or
# "mediaserver": the capstone's image, and Linux the initramfs with MediaServer).
# Linux runs /init with kbench=<name>: see INIT below.
BENCHES = {
    "proc": ("init=bench_proc", False),
    "files": ("init=/usr/lib/kestrel/lab4/bench_files", True),
    "mm": ("init=/usr/lib/kestrel/lab4/bench_mm", True),
    "ipc": ("init=/usr/lib/kestrel/lab4/bench_ipc", True),
    "signals": ("init=/usr/lib/kestrel/lab5/sig_bench", True),
    "threads": ("init=/usr/lib/kestrel/lab6/prog_bench", True),
    "workload": ("init=/bin/sh -- /usr/lib/kestrel/lab4/bench_workload.sh", True),
    "net": ("init=/usr/lib/kestrel/lab8/bench_net", True),
    "epoll": ("init=/usr/lib/kestrel/lab8/bench_epoll", True),
    "mediaserver": ("init=/usr/lib/kestrel/lab8/bench_mediaserver", "mediaserver"),
    "card": (bench.NET_BENCH, True),
    "players": (bench_players.KESTREL_CMDLINE, "players"),
}
# Lab 9's, through the card: on 2 CPUs (the others run on 1), the host's
# side started by the guest's ready line.
CARD_BENCHES = {"card", "players"}
NEEDS_MEDIASERVER = {"mediaserver", "players"}
# The modules Linux needs for the card, found with their dependencies
# (.modinfo's depends=) in the fetched package; /init loads them in order.
CARD_MODULES = ["virtio_pci", "virtio_net"]
CARD_ADDRESS, CARD_GATEWAY = "10.0.2.15/24", "10.0.2.2"     # what QEMU's DHCP gives Kestrel
MS_IMAGE = "fsimg-mediaserver.img"                      # in the build folder
MS_STAGED = os.path.join("fsimg-mediaserver", "root")   # the tree it was made from
MS_DIR = "opt/mediaserver"

# Linux's /init. Kernel parameters of the form name=value that the kernel
# does not know reach init as environment variables: $kbench.
INIT = """#!/bin/busybox sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
ip link set lo up
P=/usr/lib/kestrel
card_up() {
    for m in MODULES; do insmod /lib/modules/$m.ko || echo "init: insmod $m failed"; done
    ip link set eth0 up && ip addr add ADDRESS dev eth0 && ip route add default via GATEWAY
}
case "$kbench" in
proc) $P/lab3/bench_proc ;;
files) cd /tmp && $P/lab4/bench_files ;;
mm) $P/lab4/bench_mm ;;
ipc) $P/lab4/bench_ipc ;;
signals) $P/lab5/sig_bench ;;
threads) $P/lab6/prog_bench ;;
workload) cd / && sh $P/lab4/bench_workload.sh ;;
net) $P/lab8/bench_net ;;
epoll) $P/lab8/bench_epoll ;;
mediaserver) $P/lab8/bench_mediaserver ;;
card) card_up && $P/lab9/net_echo ;;
players) card_up && cd /opt/mediaserver && ulimit -n 20000 && . /root/players.sh ;;
*) echo "init: unknown kbench=$kbench" ;;
esac
echo "bench-init: done"
poweroff -f
"""

# The figures of the summary table, in the order: (what, where).
TABLE = ["getpid round trip", "fork+exit+wait", "pipe ping-pong", "open+read+close of a small file",
         "page fault", "mmap+touch+munmap 16 MiB", "fork+exec+wait", "pipe bandwidth",
         "signal delivery round trip", "thread create+join", "futex ping-pong between two threads",
         "mutex lock+unlock, uncontended", "mutex lock+unlock, 4 threads contending", "200x /bin/true", "tar cf", "gzip", "boot to init",
         "TCP loopback bandwidth", "TCP loopback EOF after the last byte", "TCP loopback round trip",
         "AF_UNIX stream bandwidth", "AF_UNIX stream EOF after the last byte", "AF_UNIX stream round trip",
         "epoll_ctl ADD", "epoll_wait, 1 of 1,000 fds ready", "epoll_wait, 1 of 1 fd ready", "poll, 1 of 1,000 fds ready",
         "MediaServer start to serving", "MediaServer API request",
         "host->guest TCP echo, each way", "host->guest TCP round trip, 1 byte",
         bench_players.SUSTAINED_FIGURE] + [f"MediaServer {n} players, lowest player" for n in bench_players.COUNTS]
# Units of rates (more is better): their ratio is Linux's over Kestrel's.
RATES = ("MB/s", "frames/s", "players")
FIGURE = re.compile(r"^bench: (.+?): (\d+(?:\.\d+)?) (.*)$")
CLOCK = re.compile(r"^bench-clock: (\d+) (\d+)$")
STEP = re.compile(r"^bench-step: (.+)$")


# --- Linux: the kernel and the initramfs ------------------------------------

def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def fetch_linux():
    """build/linux/vmlinuz: Debian's cloud kernel, downloaded and unpacked
    (never installed) the first time."""
    vmlinuz = os.path.join(LINUX_DIR, "vmlinuz")
    if os.path.exists(vmlinuz):
        return vmlinuz
    os.makedirs(LINUX_DIR, exist_ok=True)
    try:
        deps = run(["apt-cache", "depends", META_PACKAGE])
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"bench-linux: apt-cache cannot tell which kernel {META_PACKAGE} is ({e}): "
                 "Debian or Ubuntu with package lists (apt-get update) needed")
    m = re.search(r"Depends: (linux-image-\S+)", deps)
    if not m:
        sys.exit(f"bench-linux: cannot tell which kernel {META_PACKAGE} depends on:\n{deps}")
    print(f"bench-linux: fetching {m[1]} (apt-get download, dpkg -x into {LINUX_DIR})", flush=True)
    run(["apt-get", "download", m[1]], cwd=LINUX_DIR)
    deb = next(f for f in os.listdir(LINUX_DIR) if f.startswith(m[1] + "_") and f.endswith(".deb"))
    unpacked = os.path.join(LINUX_DIR, "root")
    run(["dpkg", "-x", os.path.join(LINUX_DIR, deb), unpacked])
    image = next(f for f in os.listdir(os.path.join(unpacked, "boot")) if f.startswith("vmlinuz-"))
    os.symlink(os.path.join("root", "boot", image), vmlinuz)
    return vmlinuz


class Cpio:
    """A "newc" cpio archive, as the kernel unpacks an initramfs: written
    directly, so that /dev/console needs no root to be made."""

    def __init__(self):
        self.data = bytearray()
        self.ino = 1

    def _entry(self, name, mode, body=b"", rdev=(0, 0)):
        fields = [self.ino, mode, 0, 0, 1, 0, len(body), 0, 0, rdev[0], rdev[1], len(name) + 1, 0]
        self.ino += 1
        self.data += b"070701" + b"".join(b"%08X" % f for f in fields) + name.encode() + b"\0"
        self.data += b"\0" * (-len(self.data) % 4) + body
        self.data += b"\0" * (-len(self.data) % 4)

    def dir(self, name):
        self._entry(name, 0o040755)

    def file(self, name, body, mode=0o755):
        self._entry(name, 0o100000 | mode, body)

    def symlink(self, name, target):
        self._entry(name, 0o120777, target.encode())

    def chardev(self, name, major, minor):
        self._entry(name, 0o020600, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return bytes(self.data)


def make_initramfs(build, mediaserver=False):
    """initramfs.cpio; with mediaserver, initramfs-mediaserver.cpio: the
    same and MediaServer with its libraries, from the capstone's staged tree."""
    path = os.path.join(LINUX_DIR, "initramfs-mediaserver.cpio" if mediaserver else "initramfs.cpio")
    c = Cpio()
    modules = card_modules()
    labs = sorted({"usr/lib/kestrel/" + os.path.dirname(p) for p in PROGRAMS + [WORKLOAD]})
    for d in ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "tmp", "root",
              "usr/lib", "usr/lib/kestrel"] + labs:
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3)
    with open(BUSYBOX, "rb") as f:
        c.file("bin/busybox", f.read())
    for applet in run([BUSYBOX, "--list-full"]).split():
        if applet != "bin/busybox":
            c.symlink(applet, "/bin/busybox")
    c.file("init", INIT.replace("MODULES", " ".join(m for m, _ in modules)).replace("ADDRESS", CARD_ADDRESS)
           .replace("GATEWAY", CARD_GATEWAY).encode())
    c.dir("lib")
    c.dir("lib/modules")
    for name, module in modules:
        with open(module, "rb") as f:
            c.file(f"lib/modules/{name}.ko", f.read(), 0o644)
    for p in PROGRAMS:
        with open(os.path.join(build, "user", p), "rb") as f:
            c.file("usr/lib/kestrel/" + p, f.read())
    with open(os.path.join(ROOT, "user", WORKLOAD.replace("/", "/scripts/")), "rb") as f:
        c.file("usr/lib/kestrel/" + WORKLOAD, f.read(), 0o644)
    if mediaserver:
        add_mediaserver(c, os.path.join(build, MS_STAGED))
    with open(path, "wb") as f:
        f.write(c.finish())
    return path


def add_mediaserver(c, staged):
    """/opt/mediaserver and the libraries MediaServer loads (ldd), as the
    capstone's image has them; libraries as plain files at ldd's paths."""
    c.dir("opt")
    c.dir(MS_DIR)
    for name in sorted(os.listdir(os.path.join(staged, MS_DIR))):
        with open(os.path.join(staged, MS_DIR, name), "rb") as f:
            c.file(f"{MS_DIR}/{name}", f.read(), 0o755 if name == "MediaServer" else 0o644)
    # "players": config-test.ini open to every address, and the guest's
    # side of scripts/bench_players.py, which /init sources.
    config = os.path.join(LINUX_DIR, "mediaserver-" + bench_players.NET_CONFIG)
    secret = bench_players.net_config(os.path.join(staged, MS_DIR), config)
    with open(config, "rb") as f:
        c.file(f"{MS_DIR}/{bench_players.NET_CONFIG}", f.read(), 0o644)
    c.file("root/players.sh", (f"MSENV='env -i PATH={bench_players.msrun.PATH} HOME=/root'\n"
                               + bench_players.guest_script(secret)).encode(), 0o644)
    made = set()
    for line in run(["ldd", os.path.join(staged, MS_DIR, "MediaServer")]).splitlines():
        m = re.match(r"^\s*(?:\S+ => )?/(\S+) \(0x[0-9a-f]+\)$", line)
        if not m:
            continue
        parts = m[1].split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            if d not in made and d not in ("usr", "usr/lib"):
                c.dir(d)
                made.add(d)
        with open(os.path.join(staged, m[1]), "rb") as f:
            c.file(m[1], f.read())


def card_modules():
    """[(name, path)] of CARD_MODULES and what they depend on, each after
    its dependencies (their .modinfo "depends=" strings)."""
    found = {}
    for folder, _, files in os.walk(os.path.join(LINUX_DIR, "root", "lib", "modules")):
        for f in files:
            if f.endswith(".ko"):
                found[f[:-3].replace("-", "_")] = os.path.join(folder, f)
    order = []

    def add(name):
        if name in (n for n, _ in order):
            return
        if name not in found:
            sys.exit(f"bench-linux: no module {name}.ko in {LINUX_DIR}/root/lib/modules (the card needs it)")
        with open(found[name], "rb") as f:
            m = re.search(rb"depends=([^\0]*)\0", f.read())
        for dep in (m[1].decode().split(",") if m and m[1] else []):
            add(dep.replace("-", "_"))
        order.append((name, found[name]))
    for name in CARD_MODULES:
        add(name)
    return order


# --- One boot, and what it printed ------------------------------------------

def figures_of(result, host_figures=None):
    """{figure: value} and the clock skew (guest/host - 1) of one boot;
    host_figures ({what: ([value], unit)}): those the host measured."""
    out, clock, steps = {}, [], []
    for what, (values, unit) in (host_figures or {}).items():
        out[what] = (values[-1], unit)
    for line in result.lines:
        text = line.text.strip()
        m = FIGURE.match(text)
        if m:
            out[m[1]] = (float(m[2]), m[3].split()[0])
        m = CLOCK.match(text)
        if m:
            clock.append((int(m[2]) / 1e9, line.time))
        m = STEP.match(text)
        if m:
            steps.append((m[1], line.time))
    for (name, t0), (_, t1) in zip(steps, steps[1:]):
        if name not in ("start", "setup"):
            out[name] = ((t1 - t0) * 1000, "ms")
    if steps:
        out["boot to init"] = (steps[0][1] * 1000, "ms")
    return out, clock_skew(clock)


def clock_skew(marks):
    """The guest clock's rate over the host's, minus 1, from the
    "bench-clock:" lines: [(guest seconds, host seconds)]. Each line reaches
    the host late by some delay >= 0; the line of least (host - guest) in
    each half is the least delayed, and the line through those two gives
    the rate."""
    if len(marks) < 10:
        return None
    half = len(marks) // 2
    a = min(marks[:half], key=lambda m: m[1] - m[0])
    b = min(marks[half:], key=lambda m: m[1] - m[0])
    if b[0] - a[0] < 0.5:
        return None
    return (b[0] - a[0]) / (b[1] - a[1]) - 1


def card(args, name, figures):
    """For Lab 9's benchmarks: the card's network and the host's side,
    which fills `figures`; {} for the others."""
    if name not in CARD_BENCHES:
        return {}
    if name == "card":
        net = Net.forwarding([("tcp", 7)])
        ready, host = r"^net_echo: listening", lambda m: bench.net_client(net.host_port(7), figures)
    else:
        net = Net.forwarding(bench_players.PORTS)
        ready = bench_players.READY
        host = lambda m: bench_players.host_side(net, args.clip, figures, log=lambda s: None)  # noqa: E731
    return {"net": net, "host_actions": [(re.compile(ready), host)], "cpus": 2}


def boot_kestrel(args, kernel, name, tmp, figures):
    cmdline, disk = BENCHES[name]
    disks = []
    if disk == "players":
        disks = [Disk(bench_players.kestrel_disk(os.path.join(args.build, MS_IMAGE), tmp, args.players_config),
                      scratch=True)]
    elif disk:
        image = os.path.join(args.build, MS_IMAGE) if disk == "mediaserver" else args.image
        disks = [Disk(fsimg_tools.copy_image(image, os.path.join(tmp, "vda.img")), scratch=True)]
    options = {"cpus": 1, **card(args, name, figures)}
    r = boot(kernel, f"{cmdline} token=0", timeout=args.timeout, accel=args.accel, mem=args.mem, disks=disks,
             log_cpu=False, **options)
    ok = r.powered_off and not r.host_errors
    return r, ok


def boot_linux(args, name, vmlinuz, initrd, figures):
    options = {"cpus": 1, **card(args, name, figures)}
    r = boot(vmlinuz, f"console=ttyS0 quiet {LINUX_CMDLINE} kbench={name}", timeout=args.timeout, accel=args.accel,
             mem=args.mem, initrd=initrd, log_cpu=False, **options)
    # poweroff -f: QEMU exits 0 (ACPI), not through isa-debug-exit.
    ok = (r.status in (0, EXIT_OK) and any(l.text.strip() == "bench-init: done" for l in r.lines)
          and not r.host_errors)
    return r, ok


# --- The report ----------------------------------------------------------------

def median(xs):
    return statistics.median(xs) if xs else None


def show(results, skews, runs, kestrels):
    """The table: a column per kernel, then Kestrel/Linux for each Kestrel."""
    print(f"\nKestrel vs Linux, same QEMU ({runs} boots of each kernel per program, alternating; medians)")
    columns = kestrels + ["linux"]
    print(f"{'figure':40}" + "".join(f" {c:>14}" for c in columns) + "".join(f" {c[:4] + '/L':>7}" for c in kestrels))
    seen = set().union(*(results[c] for c in columns))
    names = [n for n in TABLE if n in seen] + sorted(seen - set(TABLE))
    for what in names:
        unit = next(results[c][what][0][1] for c in columns if what in results[c])
        # frames/s near the 95% mark of 25 need their tenths.
        fmt = lambda v: "-" if v is None else (f"{v:.0f}" if unit == "players" else f"{v:.1f}"  # noqa: E731
                                               if unit == "frames/s" else f"{v:.2f}" if v < 10 else f"{v:.0f}")
        med = {c: median([v for v, _ in results[c].get(what, [])]) for c in columns}
        line = f"{what:40}" + "".join(f" {fmt(med[c]):>9} {unit[:4]:4}" for c in columns)
        for c in kestrels:
            k, lx = med[c], med["linux"]
            ratio = (lx / k if unit.startswith(RATES) else k / lx) if k and lx else None
            line += f" {'-' if ratio is None else f'{ratio:.2f}':>7}"
        print(line)
    print("K/L: Kestrel's time over Linux's (for MB/s, frames/s and players, Linux's over Kestrel's): "
          "below 1, Kestrel is faster.")
    for kernel in columns:
        sk = skews[kernel]
        if sk:
            print(f"guest clock skew vs host, {kernel}: median {median(sk) * 100:+.3f}% "
                  f"(min {min(sk) * 100:+.3f}%, max {max(sk) * 100:+.3f}%, {len(sk)} measurements)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--other-kernel", metavar="ELF", help="a second Kestrel (say, before a change), "
                    "booted in turn with the others: its own column")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--image", default=fsimg_tools.IMAGE)
    ap.add_argument("--accel", default="tcg", choices=["tcg", "kvm"])
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--runs", type=int, default=5, help="boots of each kernel per program")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per boot")
    ap.add_argument("--only", action="append", choices=list(BENCHES), help="just these programs")
    ap.add_argument("--initramfs-only", action="store_true", help="fetch Linux, build the initramfs, stop")
    args = ap.parse_args()

    vmlinuz = fetch_linux()
    initrd = make_initramfs(args.build)
    benches = args.only or list(BENCHES)
    initrds = {b: initrd for b in benches}
    for ms in NEEDS_MEDIASERVER & set(benches):
        ms_image = os.path.join(args.build, MS_IMAGE)
        if os.path.exists(ms_image) and os.path.isdir(os.path.join(args.build, MS_STAGED, MS_DIR)):
            fsimg_tools.require_image(ms_image, newer_than=[os.path.join(args.build, "user", "lab8", "bench_mediaserver")])
            initrds[ms] = initrds.get("mediaserver-cpio") or make_initramfs(args.build, mediaserver=True)
            initrds["mediaserver-cpio"] = initrds[ms]
        else:
            print(f"bench-linux: {ms} skipped, no {os.path.relpath(ms_image, ROOT)} "
                  "(make fsimg MEDIASERVER=1, with the capstone's folder in ../shared/mediaserver)")
            benches.remove(ms)
    if args.initramfs_only:
        print(f"bench-linux: {vmlinuz} and {', '.join(sorted(set(initrds.values())))} are ready")
        return 0
    fsimg_tools.require_image(args.image)
    kestrels = {"kestrel": args.kernel}
    if args.other_kernel:
        kestrels["other"] = args.other_kernel
    results = {k: {} for k in list(kestrels) + ["linux"]}
    skews = {k: [] for k in results}
    failed = 0
    with tempfile.TemporaryDirectory(prefix="kestrel-bench-linux-") as tmp:
        if "players" in benches:
            args.clip = bench_players.make_clip(tmp)
            args.players_config = os.path.join(tmp, bench_players.NET_CONFIG)
            bench_players.net_config(os.path.join(args.build, MS_STAGED, MS_DIR), args.players_config)
        for i in range(args.runs):
            for bench in benches:
                for kernel in results:
                    host_figures = {}
                    if kernel in kestrels:
                        r, ok = boot_kestrel(args, kestrels[kernel], bench, tmp, host_figures)
                    else:
                        r, ok = boot_linux(args, bench, vmlinuz, initrds[bench], host_figures)
                    if not ok:      # counted out (n= in the table), not fatal: TCG on a busy host
                        failed += 1
                        print(f"bench-linux: {kernel} {bench} run {i + 1} did not finish cleanly "
                              f"(status {r.status}, {r.seconds:.0f} s{'; ' if r.host_errors else ''}"
                              f"{'; '.join(r.host_errors)}); its figures are left out:")
                        print("\n".join("  " + l.text for l in r.lines[-5:]))
                        continue
                    figures, skew = figures_of(r, host_figures)
                    for what, value in figures.items():
                        results[kernel].setdefault(what, []).append(value)
                    if skew is not None:
                        skews[kernel].append(skew)
                    print(f"  run {i + 1} {bench:8} {kernel:7} {r.seconds:5.1f} s: "
                          + ", ".join(f"{w} {v:.4g} {u}" for w, (v, u) in figures.items())
                          + ("" if skew is None else f", clock skew {skew * 100:+.3f}%"), flush=True)
    show(results, skews, args.runs, list(kestrels))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
