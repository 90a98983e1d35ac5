#!/usr/bin/env python3
"""Proves the debugging workflow works: starts QEMU halted with a gdb stub
(as make qemu-gdb does) and drives gdb-multiarch in batch mode with the
same gdbinit students get.

  1. Stopped at kmain, gdb reads the PVH start_info magic behind kmain's
     first argument.
  2. Stopped in a system call of the first process, `bt` ends at
     syscall_entry (its CFI ends the chain; without it gdb walks on into
     the user stack), and the helpers of scripts/kestrel-gdb.py work:
     $current(), kestrel-tasks, kestrel-pagewalk."""
import os
import re
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


def gdb_session(cmdline, commands):
    """What gdb prints running `commands` against a kernel booted with
    `cmdline`, halted at the start."""
    port = free_port()
    qemu = subprocess.Popen(qemu_command(KERNEL, cmdline, gdb_port=port),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".gdbinit") as init:
            tmpl = open(os.path.join(ROOT, "scripts", "gdbinit.tmpl")).read()
            init.write(tmpl.replace("@GDBPORT@", str(port)).replace("@KERNEL@", KERNEL)
                       .replace("@ROOT@", ROOT))
            init.flush()
            args = ["gdb-multiarch", "-batch", "-nx", "-x", init.name]
            for c in commands + ["kill"]:
                args += ["-ex", c]
            gdb = subprocess.run(args, capture_output=True, text=True, timeout=60)
    finally:
        qemu.kill()
        qemu.wait()
    return gdb.stdout + gdb.stderr


def check(results, ok, what, out):
    results.append(ok)
    print(f"gdb: {what}: {'PASS' if ok else 'FAIL'}")
    if not ok:
        print("  gdb said:\n    " + out.replace("\n", "\n    "))


def main():
    results = []
    out = gdb_session("test=boot", [
        "hbreak kmain", "continue", "info symbol $pc",
        f"printf \"magic=%#x\\n\", *(unsigned int *)($rdi + {KERNEL_VIRT_BASE:#x})"])
    check(results, "kmain in section .text" in out and f"magic={PVH_START_MAGIC:#x}" in out,
          f"stopped at kmain and read start_info magic {PVH_START_MAGIC:#x}", out)

    out = gdb_session("init=hello", [
        "hbreak sys_set_tid_address", "continue", "bt",
        "printf \"current=%s tid=%d\\n\", $current()->name, $current()->tid",
        "kestrel-tasks", "kestrel-pagewalk $rip"])
    frames = [re.sub(r"^#\d+\s+(0x[0-9a-f]+ in )?", "", l).split(" (")[0]
              for l in out.splitlines() if re.match(r"^#\d+ ", l)]
    check(results, bool(frames) and frames[-1] == "syscall_entry",
          "bt in a system call ends at syscall_entry: " + " <- ".join(frames), out)
    check(results, "current=hello tid=1" in out, "$current() is the first process", out)
    check(results, re.search(r"^\s+1\s+1 TASK_RUNNING\s+\d+\s+hello$", out, re.M) is not None,
          "kestrel-tasks lists it, running", out)
    check(results, re.search(r"PT\s+\[\s*\d+\] .*\[P .*G\]\n\s+4 KiB page: physical 0x", out) is not None,
          "kestrel-pagewalk walks the kernel text's four levels", out)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
