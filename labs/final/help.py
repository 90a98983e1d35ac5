"""Capstone, stage 1: `MediaServer -h` in Kestrel, compared with Linux.

Run by labs/final/lab.py, which provides `lab`.

The oracle is not a run on the grading host (MediaServer wants its
/opt/mediaserver and a clean environment): it is what Linux printed and
did, saved with the binary (../shared/mediaserver: linux-h.out, and
linux-h.strace from strace -f). The guest runs it the way those were
made: from /opt/mediaserver as ./MediaServer -h, with the environment
PATH and HOME only, and the open-file limit of the Linux run's shell
(20000; Linux's default is 1024).

What legitimately differs in the output is normalised, nothing else:
colour codes (linux-h.out has none), the log prefix's time and pid, and
the -t default, which is the number of CPUs (std::thread::
hardware_concurrency(), which reads /sys/devices/system/cpu/online: 2 on
the Linux that made linux-h.out). The trace is compared by Lab 5's
compare() with the rules of trace_rules.py, each saying why.
"""
import datetime
import os
import re
import sys

from strace_compare import compare
from testing import Mark

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trace_rules  # noqa: E402
from msrun import ready, run_in_guest  # noqa: E402

ORACLE = ["linux-h.out", "linux-h.strace"]
# The Linux that made them had no ffmpeg: -h runs `which ffmpeg`, which
# failed there (linux-h.strace). The capstone's image has Debian's ffmpeg
# for the serving stage, so these tests hide it first.
WITHOUT_FFMPEG = "mv /usr/bin/ffmpeg /usr/bin/ffmpeg.hidden"
LINUX_CPUS = 2          # linux-h.strace reads "0-1" from /sys/devices/system/cpu/online


COLOUR = re.compile(r"\x1b\[[0-9;]*m")
LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (\w) \[MediaServer\] \[\d+-")


def normalise(text, cpus_from=None, cpus_to=None):
    """Lines without colour codes, the log prefix's time and pid as TIME
    and PID; the -t default (the CPU count) cpus_from made cpus_to."""
    out = []
    for line in COLOUR.sub("", text).splitlines():
        line = LOG_PREFIX.sub(r"TIME \1 [MediaServer] [PID-", line)
        if cpus_from is not None:
            line = re.sub(rf"^(  -t  --threads +\S+ +默认:){cpus_from}( +)", rf"\g<1>{cpus_to}\2", line)
        out.append(line)
    return out


def help_test(cpus):
    def ms_help(t):
        folder, image = ready(t, ORACLE)
        status = run_in_guest(t, image, cpus, "./MediaServer -h >/root/h.out", before=WITHOUT_FFMPEG)
        linux = open(os.path.join(folder, "linux-h.out"), encoding="utf-8").read()
        m = re.search(r"^exit=(\d+)$", linux, re.M)
        linux_status = int(m[1])
        expected = normalise(linux[:m.start()].rstrip("\n"), LINUX_CPUS, cpus)
        raw = t.image_file("/root/h.out").decode("utf-8", errors="replace")
        got = normalise(raw.rstrip("\n"))
        t.check(status == linux_status, f"exit status {status} (Linux: {linux_status})")
        diff = next((i for i in range(max(len(expected), len(got)))
                     if i >= len(expected) or i >= len(got) or expected[i] != got[i]), None)
        if diff is None:
            t.marks.append(Mark("GOOD", f"the {len(got)} lines are Linux's (times and pids aside; -t default {cpus})"))
        else:
            t.marks.append(Mark("BAD", f"line {diff + 1} differs from Linux's:"))
            t.marks.append(Mark("BAD", f"  Linux:   {expected[diff] if diff < len(expected) else '(no more lines)'}"))
            t.marks.append(Mark("BAD", f"  Kestrel: {got[diff] if diff < len(got) else '(no more lines)'}"))
        # The log's times are the guest's clock (gettimeofday): today, not 1970.
        stamp = re.match(r"\S*?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", COLOUR.sub("", raw))
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        when = datetime.datetime.strptime(stamp[1], "%Y-%m-%d %H:%M:%S") if stamp else None
        t.check(when is not None and abs((when - now).total_seconds()) < 86400,
                f"the log's time ({stamp[1] if stamp else 'none'}) is the host's date (UTC)")
    ms_help.__doc__ = (f"MediaServer -h on {cpus} CPU(s): Linux's output (linux-h.out) line for line "
                       "after colour codes, times and pids; exit status 255; no ENOSYS; the disk clean")
    return ms_help


# Each boot takes 2-4 s under TCG (MediaServer -h itself about half a
# second: loading 9 MiB of C++, libssl and libcrypto); 1 CPU first, the
# others only if it passed.
lab.test(points=10, timeout=20.0, name="ms-help-1cpu")(help_test(1))
lab.test(points=10, timeout=20.0, name="ms-help-4cpu", depends=["ms-help-1cpu"])(help_test(4))


@lab.test(points=10, timeout=25.0, name="ms-help-trace", depends=["ms-help-1cpu"])
def ms_help_trace(t):
    """MediaServer -h under Lab 5's tracer (trace follows every child, as
    strace -f) on 2 CPUs, as Linux's, compared with linux-h.strace by
    grade/strace_compare.compare with the known differences of
    trace_rules.py (each with its reason)."""
    folder, image = ready(t, ORACLE)
    status = run_in_guest(t, image, LINUX_CPUS, "trace -o /root/t ./MediaServer -h >/dev/null",
                          before=WITHOUT_FFMPEG)
    t.check(status == 255, f"exit status {status} under the tracer (Linux: 255)")
    guest_text = t.image_file("/root/t").decode(errors="replace")
    host_text = open(os.path.join(folder, "linux-h.strace"), errors="replace").read()
    keep = os.path.join(t.options.logdir, t.test.lab.key, t.test.name)
    os.makedirs(os.path.dirname(keep), exist_ok=True)
    with open(keep + ".kestrel.trace", "w") as f:
        f.write(guest_text)
    t.notes.append(f"the guest's trace: {keep}.kestrel.trace; Linux's: {folder}/linux-h.strace")
    ok, report = compare(host_text, guest_text, trace_rules.KNOWN)
    for line in report:
        t.marks.append(Mark("GOOD" if ok or "lines the same" in line else "BAD", f"trace: {line}"))
