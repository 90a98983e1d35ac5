"""What a lab definition (labs/labN/lab.py) is written with.

    from testing import Lab
    lab = Lab(1, "Booting")

    @lab.test(points=10)
    def boot(t):                      # test "boot"; kernel self-test "boot"
        t.boot()                      # boots with "test=boot token=<random>"
        m = t.expect(r"boot: efer=(0x[0-9a-f]+) .* token={token}")
        t.check(m and int(m[1], 16) & (1 << 10), "EFER.LMA is set")

A test records checks (expect, forbid, check); the grader turns them and
the way the boot ended into a verdict (see Verdict).
"""
import os
import re
import secrets
import subprocess

import boot as boot_mod


class Verdict:
    PASS = "PASS"
    FAIL = "FAIL"            # the kernel ran but printed the wrong thing
    PANIC = "PANIC"          # the kernel panicked when the test did not expect it
    TIMEOUT = "TIMEOUT"      # the kernel did not power off in time
    RESET = "RESET"          # the CPU reset: a triple fault, usually
    SKIP = "SKIP"            # a test this one depends on did not pass
    ERROR = "ERROR"          # the grader itself could not run the test


class Abort(Exception):
    """Raised by t.fail() to stop a test early."""


class Test:
    def __init__(self, lab, func, name, points, depends, timeout):
        self.lab, self.func, self.name = lab, func, name
        self.points, self.depends, self.timeout = points, depends, timeout

    @property
    def full_name(self):
        return f"lab{self.lab.number}/{self.name}"


class Lab:
    def __init__(self, number, title):
        self.number, self.title = number, title
        self.tests = []

    def test(self, points, depends=(), timeout=2.0, name=None):
        """Declares a test. timeout is in seconds on hardware-speed
        virtualization (KVM); the grader scales it for TCG."""
        def register(func):
            self.tests.append(Test(self, func, name or func.__name__.replace("_", "-"),
                                   points, list(depends), timeout))
            return func
        return register


class Mark:
    """One check's outcome, shown in the report."""
    def __init__(self, kind, text, line=None):
        self.kind, self.text, self.line = kind, text, line   # kind: GOOD, BAD, MISSING


class Context:
    """The `t` a test function receives."""

    def __init__(self, test, options):
        self.test = test
        self.options = options
        self.token = secrets.token_hex(8)
        self.result = None          # the BootResult of t.boot()
        self.marks = []
        self.expect_panic = False
        self.notes = []             # how the test ran: shown when it does not pass

    # --- running things ---------------------------------------------------

    def boot(self, test=None, args="", mem=None, cpu_model=None):
        """Boots the kernel running self-test `test` (default: this test's
        name). mem ("256M") and cpu_model ("qemu64", TCG only) override the
        machine. Returns the BootResult; checks then look at its output."""
        append = f"test={test or self.test.name} token={self.token} {args}".strip()
        o = self.options
        self.result = boot_mod.boot(o.kernel, append, self.test.timeout * o.timeout_scale,
                                    o.accel, o.cpus, mem or o.mem, cpu_model)
        return self.result

    def host_program(self, source):
        """Compiles a C program for the host (Linux is the oracle) and
        returns what it prints."""
        exe = os.path.join(self.options.build, "host", os.path.splitext(os.path.basename(source))[0])
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        if not os.path.exists(exe) or os.path.getmtime(exe) < _newest_mtime(os.path.dirname(source)):
            subprocess.run(["gcc", "-O1", "-w", "-o", exe, source], check=True)
        return subprocess.run([exe], check=True, capture_output=True, text=True).stdout

    # --- checks -----------------------------------------------------------

    def _pattern(self, pattern):
        return re.compile(pattern.replace("{token}", self.token))

    def _lines(self):
        if self.result is None:
            raise Abort("the test never booted the kernel")
        return self.result.lines

    def expect(self, pattern, after=None):
        """Requires a line matching regex `pattern` ({token} stands for the
        run's token), after line `after` if given. Returns the match (with
        .line) or None."""
        rx = self._pattern(pattern)
        start = after.line.index + 1 if after is not None else 0
        for line in self._lines()[start:]:
            m = rx.search(line.text)
            if m:
                self.marks.append(Mark("GOOD", rx.pattern, line))
                return Found(m, line)
        self.marks.append(Mark("MISSING", rx.pattern))
        return None

    def expect_sequence(self, patterns):
        """Requires lines matching each pattern, in this order."""
        found, last = [], None
        for p in patterns:
            m = self.expect(p, after=last)
            found.append(m)
            last = m or last
        return found

    def forbid(self, pattern):
        """Fails on any line matching `pattern`."""
        rx = self._pattern(pattern)
        for line in self._lines():
            if rx.search(line.text):
                self.marks.append(Mark("BAD", rx.pattern, line))

    def check(self, ok, message):
        """Records a condition computed by the test."""
        self.marks.append(Mark("GOOD" if ok else "BAD", message))
        return bool(ok)

    def expect_kernel_panic(self):
        """This test provokes a panic: that is the expected ending."""
        self.expect_panic = True

    def fail(self, message):
        self.marks.append(Mark("BAD", message))
        raise Abort(message)

    @property
    def failed_marks(self):
        return [m for m in self.marks if m.kind != "GOOD"]


class Found:
    """A regex match that also knows the output line it matched."""
    def __init__(self, match, line):
        self.match, self.line = match, line

    def __getitem__(self, i):
        return self.match.group(i)


def _newest_mtime(folder):
    return max(os.path.getmtime(os.path.join(folder, f)) for f in os.listdir(folder))
