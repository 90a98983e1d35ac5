#!/usr/bin/env python3
"""Benchmarks (make bench). Prints one line per figure, each the median of
several runs: these machines are noisy (±25% run to run), so compare
medians, not single runs.

  - boot: time from starting QEMU to the first serial line and to power-off;
  - benchmarks in the guest: kernel self-tests (test=bench-*) and user
    programs run as the first process (init=bench_*), which print lines
    "bench: <what>: <number> <unit> (...)", each run in a fresh boot;
  - the user programs also run on the host, for a sense of scale (native
    Linux, not Linux under the same QEMU: no Linux kernel image here).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grade"))
from boot import boot  # noqa: E402

# What to boot (the kernel command line), the CPUs to give QEMU, and the
# host program to compare with. Lab 2: pages; Lab 3: processes.
GUEST_BENCHES = [
    ("test=bench-pages", None, None),
    ("init=bench_proc", 1, "build/user/lab3/bench_proc"),
]
FIGURE = re.compile(r"^bench: (.+?): (\d+(?:\.\d+)?) (.*)$")


def boot_bench(args):
    first, total = [], []
    for _ in range(args.runs):
        r = boot(args.kernel, "test=boot token=0", timeout=30, accel=args.accel)
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
        fmt = ".2f" if statistics.median(values) < 10 else ".0f"
        print(f"bench {what} ({where}, {len(values)} runs): {statistics.median(values):{fmt}} "
              f"{unit.split(' (')[0]} median (min {min(values):{fmt}}, max {max(values):{fmt}})")


def guest_bench(args, cmdline, cpus, host_program):
    """Boots `cmdline` several times; the median of each figure it prints."""
    figures = {}        # what -> (values, unit)
    for _ in range(args.kernel_runs):
        r = boot(args.kernel, f"{cmdline} token=0", timeout=60, accel=args.accel, cpus=cpus or 2)
        if not r.powered_off:
            print(f"bench {cmdline}: the kernel did not finish cleanly (status {r.status}):")
            print("\n".join("  " + l.text for l in r.lines[-10:]))
            return False
        collect([l.text for l in r.lines], figures)
    if not figures:
        print(f"bench {cmdline}: printed no figures")
        return False
    show(figures, f"guest, {args.accel}" + (f", {cpus} CPU" if cpus else ""))
    if host_program:
        host = {}
        for _ in range(args.kernel_runs):
            out = subprocess.run([os.path.join(ROOT, host_program)], capture_output=True, text=True, timeout=60)
            collect(out.stdout.splitlines(), host)
        show(host, "host Linux, native")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--accel", default="tcg", choices=["tcg", "kvm"])
    ap.add_argument("--runs", type=int, default=11, help="boots for the boot-time figures")
    ap.add_argument("--kernel-runs", type=int, default=5, help="boots per in-kernel benchmark")
    args = ap.parse_args()
    boot_bench(args)
    ok = all([guest_bench(args, *b) for b in GUEST_BENCHES])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
