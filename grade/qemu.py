#!/usr/bin/env python3
"""How the kernel is run in QEMU: the one place that builds the command line.

`make qemu`, `make qemu-gdb`, the grader and the boot benchmark all come
here, so what a student runs by hand is what the grader runs.

Run directly:  grade/qemu.py --kernel build/kernel.elf [--interactive] [--gdb PORT] [--append ...]
                             [--disk build/fsimg.img] [--disk-ro other.img] [--net tcp:80,tcp:7]
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass

# The kernel powers off through QEMU's isa-debug-exit device, which exits
# with (value << 1) | 1. Values from kernel/include/kernel/power.h.
EXIT_OK = (0x10 << 1) | 1        # 33: the kernel powered off normally
EXIT_PANIC = (0x11 << 1) | 1     # 35: panic()
# With -no-reboot, a CPU reset (a triple fault, usually) makes QEMU exit 0:
# the kernel never exits with 0 itself.
EXIT_RESET = 0


@dataclass
class Disk:
    """A raw disk image on a virtio-blk PCI device: the first is the
    kernel's vda, the next vdb... A scratch disk (the grader's per-test
    copy) skips the host's flushes (cache=unsafe): nothing of it need
    survive a host crash, and flushes would only slow the tests."""
    path: str
    readonly: bool = False
    scratch: bool = False
    # Reads of this sector fail with EIO (QEMU's blkdebug driver between
    # the device and the image): for tests of the kernel's error paths.
    fail_read_sector: int = None


def blkdebug_config(d):
    """Writes the blkdebug rules for d next to its image; returns the path."""
    path = d.path + ".blkdebug"
    with open(path, "w") as f:
        f.write(f'[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "{d.fail_read_sector}"\n')
    return path


def disk_options(disks):
    """QEMU arguments for `disks` (Disk objects or plain paths)."""
    out = []
    for i, d in enumerate(disks):
        if isinstance(d, str):
            d = Disk(d)
        name = "vd" + chr(ord("a") + i)
        if d.fail_read_sector is None:
            drive = f"file={d.path},format=raw,if=none,id={name}"
        else:
            drive = (f"driver=raw,file.driver=blkdebug,file.config={blkdebug_config(d)},"
                     f"file.image.filename={d.path},if=none,id={name}")
        if d.readonly:
            drive += ",readonly=on"
        if d.scratch:
            drive += ",cache=unsafe"
        out += ["-drive", drive, "-device", f"virtio-blk-pci,drive={name}"]
    return out


@dataclass
class Net:
    """A virtio-net card on QEMU's user network (Lab 9). restrict=on, always:
    the guest reaches nothing outside the QEMU process; the host reaches the
    guest only through `forwards`, {(proto, guest port): host port}, each
    bound on 127.0.0.1 (never a fixed port: Net.forwarding picks free ones,
    so that two runs can coexist)."""
    forwards: dict
    # A host folder QEMU's own TFTP server (10.0.2.2, UDP port 69) serves
    # to the guest: with restrict=on QEMU drops every other datagram the
    # guest sends, answers to forwarded UDP included.
    tftp: str = None

    @staticmethod
    def forwarding(ports, tftp=None):
        """A Net forwarding each (proto, guest port) of `ports` ("tcp" or
        "udp") from a free port of the host's 127.0.0.1."""
        return Net({(proto, guest): free_port(proto) for proto, guest in ports}, tftp)

    def host_port(self, guest, proto="tcp"):
        return self.forwards[(proto, guest)]


def free_port(proto="tcp"):
    """A port of 127.0.0.1 nobody uses now (the kernel's pick for port 0).
    Another program could take it before QEMU binds it: QEMU then fails to
    start, saying so ("Could not set up host forwarding rule")."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def net_options(net):
    """QEMU arguments for a Net."""
    # restrict=on and forwards bound to 127.0.0.1 only, always (see Net).
    options = ["user,id=n0,restrict=on"] + [f"hostfwd={proto}:127.0.0.1:{host}-:{guest}"
                                             for (proto, guest), host in sorted(net.forwards.items())]
    if net.tftp:
        options.append(f"tftp={net.tftp}")
    return ["-netdev", ",".join(options), "-device", "virtio-net-pci,netdev=n0"]


def qemu_command(kernel, append="", accel="tcg", cpus=2, mem="512M",
                 interactive=False, gdb_port=None, cpu_log=None, cpu_model=None, disks=(), initrd=None,
                 net=None):
    """The argument list that boots `kernel` with command line `append`.
    cpu_model overrides the CPU (e.g. "qemu64": no SMEP/SMAP) under TCG;
    disks (Disk objects or paths) become vda, vdb...; initrd is for
    booting Linux the same way (scripts/bench_linux.py); net (a Net) adds
    a network card."""
    cmd = ["qemu-system-x86_64",
           "-machine", "q35", "-accel", accel,
           # TCG emulates any CPU; "max" has every feature it can do (NX,
           # SMEP, SMAP...). Under KVM the guest sees the host's CPU.
           "-cpu", "host" if accel == "kvm" else (cpu_model or "max"),
           "-smp", str(cpus), "-m", mem,
           # Only the devices the kernel drives: no VGA, no NIC unless asked
           # for (net), no option ROMs.
           "-nodefaults", "-no-user-config", "-display", "none",
           # Reset means failure: exit instead of rebooting forever.
           "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-kernel", kernel, "-append", append]
    cmd += disk_options(disks)
    if net:
        cmd += net_options(net)
    if initrd:
        cmd += ["-initrd", initrd]
    if interactive:
        # Ctrl-a x quits, Ctrl-a c switches to the QEMU monitor.
        cmd += ["-serial", "mon:stdio"]
    else:
        cmd += ["-serial", "stdio", "-monitor", "none"]
    if gdb_port:
        # Start halted and wait for gdb on a TCP port.
        cmd += ["-S", "-gdb", f"tcp::{gdb_port}"]
    if cpu_log:
        # Log every exception with the CPU state (TCG only) and the
        # "Triple fault" event, so the grader can explain a reset.
        cmd += ["-d", "int,cpu_reset", "-D", cpu_log]
    return cmd


def describe_exit(status):
    """A few words for a QEMU exit status."""
    return {EXIT_OK: "kernel powered off", EXIT_PANIC: "kernel panicked",
            EXIT_RESET: "CPU reset (triple fault?)"}.get(status, f"QEMU exited with status {status}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default="build/kernel.elf")
    ap.add_argument("--append", default="")
    ap.add_argument("--accel", default=os.environ.get("ACCEL", "tcg"), choices=["tcg", "kvm"])
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--cpu-model", help="QEMU CPU model under TCG (default max), e.g. qemu64")
    ap.add_argument("--interactive", action="store_true")
    ap.add_argument("--gdb", type=int, metavar="PORT")
    # One list, so vda, vdb... follow the order on the command line.
    ap.add_argument("--disk", dest="disks", action="append", default=[], metavar="IMG",
                    type=lambda p: Disk(p), help="a raw disk image (repeatable: vda, vdb...)")
    ap.add_argument("--disk-ro", dest="disks", action="append", metavar="IMG",
                    type=lambda p: Disk(p, readonly=True), help="the same, read-only")
    ap.add_argument("--net", metavar="PROTO:PORT,...",
                    help="a network card; forward these guest ports from free ports of the host's 127.0.0.1")
    args = ap.parse_args()
    if not shutil.which("qemu-system-x86_64"):
        sys.exit("qemu-system-x86_64 not found: run scripts/setup.sh (or make doctor)")
    for d in args.disks:
        if not os.path.exists(d.path):
            sys.exit(f"qemu: no disk image {d.path}" + (": run make fsimg" if d.path.endswith("fsimg.img") else ""))
    net = None
    if args.net is not None:
        try:
            ports = [(f.split(":")[0], int(f.split(":")[1])) for f in args.net.split(",") if f]
        except (IndexError, ValueError):
            sys.exit(f"qemu: --net {args.net}: give PROTO:PORT,... (tcp:80,tcp:7)")
        net = Net.forwarding(ports)
        for (proto, guest), host in sorted(net.forwards.items()):
            print(f"net: host 127.0.0.1:{host} ({proto}) goes to the guest's port {guest}", file=sys.stderr)
    cmd = qemu_command(args.kernel, args.append, args.accel, args.cpus, args.mem,
                       args.interactive, args.gdb, cpu_model=args.cpu_model, disks=args.disks, net=net)
    print("+ " + " ".join(f'"{c}"' if (" " in c or not c) else c for c in cmd), file=sys.stderr)
    try:
        status = subprocess.call(cmd)
    except KeyboardInterrupt:
        status = 130
    # A clean power-off is success for make; anything else is worth a word.
    if status == EXIT_OK:
        sys.exit(0)
    if status == EXIT_RESET:
        # Interactively, exit 0 is also how Ctrl-a x (or gdb's kill) ends QEMU.
        print("\n*** QEMU quit (Ctrl-a x, or gdb's kill), or the CPU reset (a triple fault)", file=sys.stderr)
        sys.exit(0)
    print(f"\n*** {describe_exit(status)}", file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    main()
