#!/usr/bin/env python3
"""Proves the debugging workflow works: starts QEMU halted with a gdb stub
(as make qemu-gdb does), drives gdb-multiarch in batch mode with the same
gdbinit students get, stops at kmain and checks what gdb sees there: the
PVH start_info magic behind kmain's first argument."""
import os
import socket
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grade"))
from qemu import qemu_command  # noqa: E402

KERNEL = os.path.join(ROOT, "build", "kernel.elf")
PVH_START_MAGIC = 0x336ec578
KERNEL_VIRT_BASE = 0xffffffff80000000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = free_port()
    qemu = subprocess.Popen(qemu_command(KERNEL, "test=boot", gdb_port=port),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".gdbinit") as init:
            tmpl = open(os.path.join(ROOT, "scripts", "gdbinit.tmpl")).read()
            init.write(tmpl.replace("@GDBPORT@", str(port)).replace("@KERNEL@", KERNEL))
            init.flush()
            gdb = subprocess.run(
                ["gdb-multiarch", "-batch", "-nx", "-x", init.name,
                 "-ex", "hbreak kmain", "-ex", "continue",
                 "-ex", "info symbol $pc",
                 "-ex", f"printf \"magic=%#x\\n\", *(unsigned int *)($rdi + {KERNEL_VIRT_BASE:#x})",
                 "-ex", "kill"],
                capture_output=True, text=True, timeout=60)
    finally:
        qemu.kill()
        qemu.wait()
    out = gdb.stdout + gdb.stderr
    ok_pc = "kmain in section .text" in out
    ok_magic = f"magic={PVH_START_MAGIC:#x}" in out
    if ok_pc and ok_magic:
        print(f"gdb: stopped at kmain and read start_info magic {PVH_START_MAGIC:#x}: PASS")
        return 0
    print("gdb test FAILED. gdb said:\n" + out)
    return 1


if __name__ == "__main__":
    sys.exit(main())
