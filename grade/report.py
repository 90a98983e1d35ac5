"""Turning a finished test into a verdict and an explanation a student can
act on: which lines were expected and seen (GOOD), seen but forbidden
(BAD), expected but never seen (MISSING); the panic message with its
backtrace mapped to file:line; the CPU state at a triple fault."""
import os
import re
import subprocess

from qemu import describe_exit
from testing import Mark, Verdict

CONTEXT_LINES = 60     # output lines shown around the interesting ones
BACKTRACE_RX = re.compile(r"^\s*#\d+ \[([0-9a-f]{16})\]")
# Lines every report lists whatever the verdict, so nothing unimplemented
# hides behind a pass (the syscall labs print these).
NOTABLE_RX = re.compile(r"ENOSYS|unimplemented", re.I)


def decide(ctx):
    """The verdict of a test whose function has returned."""
    r = ctx.result
    if r is None:
        return Verdict.FAIL if ctx.failed_marks else Verdict.PASS
    if r.timed_out:
        return Verdict.TIMEOUT
    if r.reset:
        return Verdict.RESET
    if r.panicked and not ctx.expect_panic:
        return Verdict.PANIC
    if ctx.expect_panic and not r.panicked:
        ctx.marks.append(Mark("BAD", f"expected the kernel to panic, but: {describe_exit(r.status)}"))
    elif not ctx.expect_panic and not r.powered_off and not r.killed:
        ctx.marks.append(Mark("BAD", f"expected a clean power-off, but: {describe_exit(r.status)}"))
    return Verdict.FAIL if ctx.failed_marks else Verdict.PASS


def explain(ctx, verdict, kernel):
    """Report lines for a test that did not pass (and notable lines for any)."""
    out = []
    r = ctx.result
    if verdict != Verdict.PASS:
        out += ctx.notes        # how the test ran, e.g. "booted with -m 384M"
    if r is not None:
        if any("KVM internal error" in l.text for l in r.lines):
            out.append("QEMU's KVM backend failed to emulate an instruction (\"KVM internal error\"): "
                       "this machine's KVM (often nested virtualization) cannot run this guest. "
                       "That is the host, not your kernel: grade with ACCEL=tcg.")
        if verdict == Verdict.TIMEOUT:
            out.append(f"no power-off within {r.seconds:.1f}s: the kernel hung or is waiting for something")
        if verdict == Verdict.RESET:
            out.append("the CPU reset without the kernel powering off: a triple fault "
                       "(an exception while the IDT or stack is unusable, e.g. in boot.S)")
            out += _fault_chain_summary(r.fault_chain(), kernel)
        if verdict == Verdict.PANIC:
            out += _panic_summary(r.lines, kernel)
    if verdict not in (Verdict.PASS, Verdict.SKIP):
        out += _annotated_output(ctx)
    for f in ctx.fsck_results:
        if not f.clean:
            out += _fsck_report(f)
    # A line the test itself expected (say, the ENOSYS a test provokes on
    # purpose) is no surprise and is not listed.
    expected = {m.line.index for m in ctx.marks if m.kind == "GOOD" and m.line is not None}
    notable = [l.text for l in (r.lines if r else [])
               if NOTABLE_RX.search(l.text) and l.index not in expected]
    if notable:
        out.append(f"{len(notable)} line(s) mention ENOSYS/unimplemented:")
        out += ["    " + t for t in notable]
    return out


def _annotated_output(ctx):
    lines = ctx.result.lines if ctx.result else []
    marked, why = {}, {}
    for m in ctx.marks:
        if m.line is not None:
            marked[m.line.index] = m.kind
            if m.kind == "BAD":
                why[m.line.index] = m.text
    out = []
    if lines:
        # Show everything when short; else the marked lines, their
        # neighbours and the tail, where things usually went wrong.
        keep = set(range(len(lines))) if len(lines) <= CONTEXT_LINES else (
            {i + d for i in marked for d in (-1, 0, 1)} | set(range(len(lines) - 25, len(lines))))
        out.append("kernel output:")
        prev = -1
        for i in sorted(k for k in keep if 0 <= k < len(lines)):
            if i != prev + 1:
                out.append("    ...")
            out.append(f"  {marked.get(i, ''):7s} {lines[i].text}")
            if i in why and why[i] != lines[i].text:
                out.append(f"          ^ {why[i]}")     # what was wrong with it (Linux's line, say)
            prev = i
        if prev != len(lines) - 1:
            out.append("    ...")
    else:
        out.append("kernel output: (nothing at all: did it reach kmain? try make qemu-gdb)")
    for m in ctx.marks:
        if m.line is None and m.kind != "GOOD":
            out.append(f"  {m.kind:7s} {m.text}")
    return out


FSCK_LINES = 40      # e2fsck output lines shown; the log has them all


def _fsck_report(f):
    """What e2fsck -fn said about a disk the kernel left with errors."""
    out = [f"{f.summary()} on the disk after the run" +
           (f"; the image is kept as {os.path.relpath(f.kept)} (debugfs it)" if f.kept else "") + ":"]
    lines = [l for l in f.output.splitlines() if l.strip() and not l.startswith("e2fsck ")]
    out += ["    " + l for l in lines[:FSCK_LINES]]
    if len(lines) > FSCK_LINES:
        out.append(f"    ... ({len(lines) - FSCK_LINES} more lines)")
    return out


def _panic_summary(lines, kernel):
    out = []
    start = next((l.index for l in lines if "PANIC:" in l.text), None)
    if start is None:
        return ["the kernel exited with the panic status but printed no PANIC line"]
    out.append(lines[start].text.strip())
    trace = [l.text for l in lines[start + 1:start + 40] if BACKTRACE_RX.match(l.text)]
    where = _addr2line(kernel, [BACKTRACE_RX.match(t).group(1) for t in trace])
    for t, w in zip(trace, where):
        out.append(f"    {t.strip()}  {w}")
    if not trace:
        out.append("    (no backtrace printed)")
    return out


VECTOR_NAMES = {0: "#DE", 1: "#DB", 3: "#BP", 6: "#UD", 8: "#DF", 10: "#TS", 11: "#NP",
                12: "#SS", 13: "#GP", 14: "#PF"}


def _fault_chain_summary(chain, kernel):
    if not chain:
        return ["    (no exception log: QEMU logs exceptions under TCG only)"]
    out = ["the exceptions that ended in the triple fault (from QEMU's -d int log):"]
    for vector, err, cpl, rip, _ in chain:
        where = _addr2line(kernel, [f"{rip:x}"])[0]
        out.append(f"    {VECTOR_NAMES.get(vector, f'vector {vector}')} error code {err:#x} "
                   f"at RIP {rip:#x} (ring {cpl}) {where}")
    first = chain[0][4]
    wanted = ("RAX", "RSI", "R8 ", "R12", "RIP", "EAX", "ESI", "EIP", "CR0", "EFER")
    regs = [l for l in first if l.startswith(wanted)]
    if regs:
        out.append("  CPU state at the first of them:")
        out += ["    " + l for l in regs]
    return out


def _addr2line(kernel, addresses):
    """file:line (function) for each hex address, or '' when unknown."""
    if not addresses:
        return []
    try:
        res = subprocess.run(["addr2line", "-f", "-s", "-e", kernel] + ["0x" + a for a in addresses],
                             capture_output=True, text=True, timeout=10)
        pairs = res.stdout.splitlines()
        out = []
        for i in range(len(addresses)):
            func, loc = pairs[2 * i], pairs[2 * i + 1]
            out.append("" if loc.startswith("??") else f"({func} at {loc.split(' ')[0]})")
        return out
    except (OSError, subprocess.SubprocessError, IndexError):
        return [""] * len(addresses)
