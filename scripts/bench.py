#!/usr/bin/env python3
"""Benchmarks (make bench). Prints one line per figure, each the median of
several runs: these machines are noisy (±25% run to run), so compare
medians, not single runs.

  - boot: time from starting QEMU to the first serial line and to power-off;
  - in-kernel benchmarks: self-tests named bench-* that print lines
    "bench: <what>: <number> <unit> (...)", each run in a fresh boot.
"""
import argparse
import os
import re
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grade"))
from boot import boot  # noqa: E402

# Self-tests that measure something, and the lab that brings them.
KERNEL_BENCHES = ["bench-pages"]
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


def kernel_bench(args, name):
    """Boots `name` several times; the median of each figure it prints."""
    figures = {}        # what -> (values, unit)
    for _ in range(args.kernel_runs):
        r = boot(args.kernel, f"test={name} token=0", timeout=60, accel=args.accel)
        if not r.powered_off:
            print(f"bench {name}: the kernel did not finish cleanly (status {r.status}):")
            print("\n".join("  " + l.text for l in r.lines[-10:]))
            return False
        for line in r.lines:
            m = FIGURE.match(line.text)
            if m:
                figures.setdefault(m[1], ([], m[3]))[0].append(float(m[2]))
    if not figures:
        print(f"bench {name}: printed no figures")
        return False
    for what, (values, unit) in figures.items():
        print(f"bench {what} ({args.accel}, {len(values)} boots): {statistics.median(values):.0f} {unit.split(' (')[0]} "
              f"median (min {min(values):.0f}, max {max(values):.0f})")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--accel", default="tcg", choices=["tcg", "kvm"])
    ap.add_argument("--runs", type=int, default=11, help="boots for the boot-time figures")
    ap.add_argument("--kernel-runs", type=int, default=5, help="boots per in-kernel benchmark")
    args = ap.parse_args()
    boot_bench(args)
    ok = all([kernel_bench(args, name) for name in KERNEL_BENCHES])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
