#!/usr/bin/env python3
"""Boot-time benchmark: time from starting QEMU to the kernel's first serial
line, and to power-off, for the "boot" self-test. Prints the median of
several runs (these machines are noisy: compare medians, not single runs)."""
import argparse
import os
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grade"))
from boot import boot  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--accel", default="tcg", choices=["tcg", "kvm"])
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
