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
import glob
import os
import re
import sys

import fsimg_tools
from strace_compare import compare
from testing import Mark

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trace_rules  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_DIR = os.path.join(os.path.dirname(ROOT), "shared", "mediaserver")
ORACLE = ["MediaServer", "linux-h.out", "linux-h.strace"]
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# The Linux run's shell had this open-file limit (linux-h.strace's
# prlimit64 RLIMIT_NOFILE); the guest's shell sets the same.
NOFILE = 20000
LINUX_CPUS = 2          # linux-h.strace reads "0-1" from /sys/devices/system/cpu/online


def mediaserver_dir(t):
    """Where MediaServer and Linux's outputs are: $MEDIASERVER, else what
    make fsimg MEDIASERVER=... remembered, else ../shared/mediaserver."""
    remembered = ""
    try:
        remembered = open(os.path.join(t.options.build, "fsimg", "MEDIASERVER")).read().strip()
    except OSError:
        pass
    chosen = os.environ.get("MEDIASERVER") or (remembered if remembered not in ("", "0", "no") else "")
    return DEFAULT_DIR if chosen in ("", "1", "yes") else chosen


def ready(t):
    """(folder, image) when MediaServer can be run; skips the test (with
    the reason) when it is not on this machine; ImageError (the grader
    says ERROR, run make fsimg) when its image is missing or stale."""
    folder = mediaserver_dir(t)
    missing = [f for f in ORACLE if not os.path.exists(os.path.join(folder, f))]
    if missing:
        t.skip(f"MediaServer is not on this machine: no {', '.join(missing)} in {folder} "
               "(put the capstone's folder there, or set MEDIASERVER=DIR)")
    image = os.path.join(t.options.build, "fsimg-mediaserver.img")
    try:
        # Older than a test program or the binary: stale (as t.fresh_image).
        users = glob.glob(os.path.join(t.options.build, "user", "lab*", "*"))
        fsimg_tools.require_image(image, newer_than=[os.path.join(folder, "MediaServer")] + users)
    except fsimg_tools.ImageError as e:
        raise fsimg_tools.ImageError(f"{e} MEDIASERVER=1 (the capstone's image)")
    return folder, image


def run_in_guest(t, image, cpus, command):
    """Boots with the capstone's image and runs `command` in
    /opt/mediaserver after mounting /proc and /sys, as MediaServer's Linux
    ran (clean environment, the open-file limit); its exit status goes to
    /root/s. Returns that status."""
    script = (f"mount -t proc proc /proc && mount -t sysfs sysfs /sys && cd /opt/mediaserver && "
              f"ulimit -n {NOFILE} && env -i PATH={PATH} HOME=/root {command}; echo $? > /root/s")
    t.boot(append=f'init=/bin/sh token={t.token} -- "-c" "{script}"', disk=image, cpus=cpus)
    t.forbid(r"ENOSYS")
    try:
        return int(t.image_file("/root/s").decode().strip())
    except (fsimg_tools.ImageError, ValueError):
        t.fail("the guest's shell wrote no exit status: MediaServer did not end")


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
        folder, image = ready(t)
        status = run_in_guest(t, image, cpus, "./MediaServer -h >/root/h.out")
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
    folder, image = ready(t)
    status = run_in_guest(t, image, LINUX_CPUS, "trace -o /root/t ./MediaServer -h >/dev/null")
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
