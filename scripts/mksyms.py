#!/usr/bin/env python3
"""Generate the kernel's built-in symbol table (the .ksyms section).

The kernel is linked twice: first with an empty table, then with the table
this script writes from the first link's symbols. The table lives after
.text in the image (kernel.ld), so filling it in moves no function, and
--check proves that by comparing the two links.

    mksyms.py --empty OUT.S            an empty table for the first link
    mksyms.py KERNEL.ELF OUT.S         the table of KERNEL.ELF's functions
    mksyms.py --check FIRST.ELF FINAL.ELF
"""
import subprocess
import sys


def text_symbols(elf):
    """(address, name) of every function in the kernel, sorted by address."""
    out = subprocess.run(["nm", "-n", "--defined-only", elf], check=True,
                         capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWw":
            addr = int(parts[0], 16)
            # Only the higher-half kernel text: the 32-bit boot code runs
            # before there is anything to print a backtrace with.
            if addr >= 0xffffffff80000000:
                syms.append((addr, parts[2]))
    return syms


def emit(syms, path):
    lines = ['\t.section .ksyms, "a"', "\t.p2align 3",
             "\t.globl ksyms_count, ksyms_addresses, ksyms_name_offsets, ksyms_names",
             f"ksyms_count:\n\t.quad {len(syms)}", "ksyms_addresses:"]
    lines += [f"\t.quad {addr:#x}" for addr, _ in syms]
    lines.append("ksyms_name_offsets:")
    offset = 0
    for _, name in syms:
        lines.append(f"\t.long {offset}")
        offset += len(name) + 1
    lines.append("ksyms_names:")
    lines += [f'\t.asciz "{name}"' for _, name in syms]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main(argv):
    if len(argv) == 3 and argv[1] == "--empty":
        emit([], argv[2])
    elif len(argv) == 4 and argv[1] == "--check":
        first, final = text_symbols(argv[2]), text_symbols(argv[3])
        if first != final:
            moved = [f"{n}: {a:#x} -> {b:#x}" for (a, n), (b, _) in zip(first, final) if a != b]
            sys.exit("mksyms: functions moved between the two links:\n  " + "\n  ".join(moved[:10]))
    elif len(argv) == 3:
        emit(text_symbols(argv[1]), argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
