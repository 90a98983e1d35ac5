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

    def boot(self, test=None, args="", mem=None, cpu_model=None, cpus=None, append=None):
        """Boots the kernel running self-test `test` (default: this test's
        name). mem ("256M"), cpus and cpu_model ("qemu64", TCG only)
        override the machine; append replaces the whole command line.
        Returns the BootResult; checks then look at its output."""
        if append is None:
            append = f"test={test or self.test.name} token={self.token} {args}".strip()
        o = self.options
        if cpus:
            self.notes.append(f"booted with {cpus} CPU(s)")
        self.result = boot_mod.boot(o.kernel, append, self.test.timeout * o.timeout_scale,
                                    o.accel, cpus or o.cpus, mem or o.mem, cpu_model)
        return self.result

    def run_user(self, program, cpus=None, args=""):
        """Runs user program `program` (user/labN/<program>.c, built static)
        twice: as the kernel's first process, and on the host, where Linux
        is the oracle. Checks that its output and exit status are the
        same; returns the GuestRun (output lines without the kernel's own
        "kestrel: " lines, and the kernel's report of how it ended)."""
        exe = os.path.join(self.options.build, "user", f"lab{self.test.lab.number}", program)
        self.boot(append=f"init={program} token={self.token} {args}".strip(), cpus=cpus)
        guest = GuestRun(self.result.lines)
        host = run_on_host(exe, program)
        self.notes.append(f"ran {exe} on the host: exit status {host.returncode}, {len(host.lines)} lines")
        start = self.expect(rf"^kestrel: starting init: {re.escape(program)} ")
        if not start:
            return guest
        self.compare_output(host.lines, guest.lines)
        if guest.end is None:
            self.marks.append(Mark("MISSING", f"the kernel's \"kestrel: init ({program}) exited ...\" line"))
        else:
            self.check(guest.end == host.end,
                       f"{program} ended with {guest.end} in the kernel; on Linux, with {host.end}")
        return guest

    def compare_output(self, expected, got):
        """Line-by-line comparison of a program's output with Linux's."""
        for i in range(max(len(expected), len(got))):
            if i >= len(got):
                self.marks.append(Mark("MISSING", f"line {i + 1} (Linux printed it): {expected[i]!r}"))
            elif i >= len(expected):
                self.marks.append(Mark("BAD", f"line {i + 1}: {got[i].text!r}, which Linux did not print", got[i]))
            elif got[i].text == expected[i]:
                self.marks.append(Mark("GOOD", f"line {i + 1}: {expected[i]!r}", got[i]))
            else:
                self.marks.append(Mark("BAD", f"line {i + 1}: {got[i].text!r}, Linux printed {expected[i]!r}",
                                       got[i]))

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


class GuestRun:
    """What a user program printed as the kernel's first process: its
    lines (the kernel's own "kestrel: " lines left out) and how it ended,
    from the kernel's last line: "exited with code N" or "killed by signal N"."""
    END_RX = re.compile(r"^kestrel: init \(.*\) (exited with code|killed by signal) (\d+)$")

    def __init__(self, lines):
        self.lines, self.end, self.kernel_lines = [], None, []
        started = False
        for line in lines:
            if line.text.startswith("kestrel: starting init: "):
                started = True
                continue
            if not started:
                continue
            m = self.END_RX.match(line.text)
            if m:
                self.end = ("exit code " if m[1].startswith("exited") else "signal ") + m[2]
                break
            if line.text.startswith("kestrel: "):
                self.kernel_lines.append(line)
            else:
                self.lines.append(line)


class HostRun:
    def __init__(self, lines, returncode):
        self.lines, self.returncode = lines, returncode
        self.end = f"signal {-returncode}" if returncode < 0 else f"exit code {returncode}"


def run_on_host(exe, argv0):
    """Runs exe on the host the way the kernel runs its first process:
    argv[0] = argv0, no stdin, no core dumps, stdout and stderr on one pipe."""
    import resource

    def no_core():
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    p = subprocess.run([argv0], executable=exe, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, preexec_fn=no_core, timeout=60,
                       env={"HOME": "/", "TERM": "linux"})
    return HostRun(p.stdout.decode(errors="replace").splitlines(), p.returncode)


class Found:
    """A regex match that also knows the output line it matched."""
    def __init__(self, match, line):
        self.match, self.line = match, line

    def __getitem__(self, i):
        return self.match.group(i)


def _newest_mtime(folder):
    return max(os.path.getmtime(os.path.join(folder, f)) for f in os.listdir(folder))
