"""Boot the kernel once and capture what it says.

A boot runs QEMU with the serial console on a pipe, timestamps each line
as it arrives (so tests can check timing, like the timer test), and stops
at the kernel's power-off, at a CPU reset, or at the timeout.
"""
import collections
import os
import re
import select
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field

from qemu import EXIT_OK, EXIT_PANIC, EXIT_RESET, qemu_command


@dataclass
class Line:
    index: int
    time: float          # seconds since QEMU started
    text: str


@dataclass
class BootResult:
    command: list
    lines: list = field(default_factory=list)
    status: int = None   # QEMU's exit status, None on timeout
    timed_out: bool = False
    killed: bool = False     # the grader killed QEMU on purpose (kill_on, a failed host action)
    seconds: float = 0.0
    cpu_log: list = field(default_factory=list)  # tail of QEMU's exception log
    host_errors: list = field(default_factory=list)  # what host actions raised (HostActions)

    @property
    def powered_off(self):
        return self.status == EXIT_OK

    @property
    def panicked(self):
        return self.status == EXIT_PANIC

    @property
    def reset(self):
        return self.status == EXIT_RESET and not self.timed_out

    def fault_chain(self):
        """The exceptions that led to a triple fault, oldest first, each
        with its register dump, from QEMU's -d int log (TCG only)."""
        return parse_fault_chain(self.cpu_log)

    def text(self):
        return "\n".join(l.text for l in self.lines)


# QEMU's exception log (-d int) is written to a FIFO we drain as it comes,
# keeping only the tail: enough to explain a triple fault, bounded however
# long the kernel runs.
CPU_LOG_TAIL = 3000


class ConsoleInput:
    """What to type at the serial console, step by step: each step is
    (pattern, data, delay): once an output line (or the unfinished line
    being printed, such as a shell prompt) matches regex pattern, data
    (bytes) is typed delay seconds later. Steps run in order, each
    looking only at output that came after the previous one was typed."""
    def __init__(self, steps):
        self.steps = list(steps)
        self.due = None          # when the current step's data goes, once matched

    def output(self, text, now):
        if self.steps and self.due is None and re.search(self.steps[0][0], text):
            self.due = now + self.steps[0][2]

    def type_due(self, stdin, now):
        if self.due is None or now < self.due:
            return
        stdin.write(self.steps.pop(0)[1])
        stdin.flush()
        self.due = None


class HostActions:
    """What the host does while the guest runs (Lab 9: a client on the
    host talks to a server in the guest through QEMU's port forwarding):
    each action is (pattern, function); the first output line matching
    compiled regex `pattern` starts function(match) on a thread of its
    own, once. Whatever a function raises is kept in the result's
    host_errors, and ends the boot (the test has failed: waiting for the
    timeout would only cost time); a function must bound its own waits
    (socket timeouts), since the boot waits for it at the end."""
    def __init__(self, actions):
        self.waiting = list(actions)
        self.threads = []
        self.errors = []
        self.failed = threading.Event()

    def output(self, text):
        for action in list(self.waiting):
            m = action[0].search(text)
            if m:
                self.waiting.remove(action)
                t = threading.Thread(target=self._run, args=(action[1], m), daemon=True)
                t.start()
                self.threads.append(t)

    def _run(self, fn, match):
        try:
            fn(match)
        except Exception as e:          # the test reports it as a failed check
            self.errors.append(f"{getattr(fn, '__name__', 'host action')}: {type(e).__name__}: {e}")
            self.failed.set()

    def join(self, deadline):
        for t in self.threads:
            t.join(max(deadline - time.monotonic(), 0.1))
            if t.is_alive():
                self.errors.append("a host action was still running when the boot ended")


def boot(kernel, append, timeout, accel="tcg", cpus=2, mem="512M", cpu_model=None, disks=(),
         console_input=None, initrd=None, log_cpu=True, kill_on=None, kill_delay=0.0,
         net=None, host_actions=None):
    """Boots once; disks are qemu.Disk objects or image paths (vda, vdb...);
    console_input, a list of ConsoleInput steps, types at the console;
    initrd goes to QEMU's -initrd (for booting Linux); log_cpu=False leaves
    out QEMU's exception log, which slows every fault and interrupt (the
    benchmarks, and the grader's boots: testing.Context.boot asks for the
    log only in a second boot of one that reset). kill_on (a compiled
    regex): QEMU is killed kill_delay
    seconds after a line matches, as a power cut would stop the machine.
    net (a qemu.Net) adds a network card; host_actions, a list of
    (compiled regex, function), run on the host while the guest does
    (HostActions)."""
    with tempfile.TemporaryDirectory(prefix="kestrel-") as tmp:
        fifo = os.path.join(tmp, "qemu.log")
        os.mkfifo(fifo)
        # O_RDWR keeps a writer on the FIFO, so it never reads as EOF
        # before QEMU opens it.
        log_fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        try:
            return _run(kernel, append, timeout, accel, cpus, mem, cpu_model,
                        fifo if log_cpu else None, log_fd, disks, initrd,
                        ConsoleInput(console_input) if console_input else None, kill_on, kill_delay,
                        net, HostActions(host_actions) if host_actions else None)
        finally:
            os.close(log_fd)


def _run(kernel, append, timeout, accel, cpus, mem, cpu_model, fifo, log_fd, disks, initrd, typing=None,
         kill_on=None, kill_delay=0.0, net=None, host=None):
    cmd = qemu_command(kernel, append, accel, cpus, mem, cpu_log=fifo, cpu_model=cpu_model, disks=disks,
                       initrd=initrd, net=net)
    result = BootResult(command=cmd)
    tail = collections.deque(maxlen=CPU_LOG_TAIL)
    log_pending = b""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if typing else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out_fd = proc.stdout.fileno()
    os.set_blocking(out_fd, False)
    pending = b""
    deadline = start + timeout
    kill_at = None
    while True:
        now = time.monotonic()
        if kill_at is not None and now >= kill_at:
            result.killed = True         # a power cut: no chance to write anything back
            proc.kill()
            break
        if now > deadline:
            result.timed_out = True
            proc.kill()
            break
        if host and host.failed.is_set():
            result.killed = True         # a host action failed: the test has too
            proc.kill()
            break
        wait = min(0.05, deadline - now, kill_at - now if kill_at is not None else 0.05)
        ready, _, _ = select.select([out_fd, log_fd], [], [], max(wait, 0))
        if log_fd in ready:
            log_pending += _drain(log_fd)[0]
            *complete, log_pending = log_pending.split(b"\n")
            tail.extend(l.decode("utf-8", "replace") for l in complete)
        if out_fd in ready:
            chunk, eof = _drain(out_fd)
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                _add_line(result, raw, time.monotonic() - start)
                if typing:
                    typing.output(result.lines[-1].text, time.monotonic())
                if host:
                    host.output(result.lines[-1].text)
                if kill_on and kill_at is None and kill_on.search(result.lines[-1].text):
                    kill_at = time.monotonic() + kill_delay
            if typing and pending:
                typing.output(pending.decode("utf-8", "replace"), time.monotonic())
            if kill_at is not None and time.monotonic() >= kill_at:
                continue                 # killed at the top of the loop
            if eof:                      # QEMU closed its output: it is exiting
                break
        if typing:
            try:
                typing.type_due(proc.stdin, time.monotonic())
            except BrokenPipeError:
                typing = None
    try:
        result.status = proc.wait(timeout=max(deadline - time.monotonic(), 1))
    except subprocess.TimeoutExpired:
        result.timed_out = True
        proc.kill()
        proc.wait()
    if result.timed_out:
        result.status = None
    if pending:
        _add_line(result, pending, time.monotonic() - start)
    if host:
        host.join(max(deadline, time.monotonic() + 2))
        result.host_errors = host.errors
    log_pending += _drain(log_fd)[0]
    tail.extend(l.decode("utf-8", "replace") for l in log_pending.split(b"\n"))
    result.cpu_log = list(tail)
    result.seconds = time.monotonic() - start
    proc.stdout.close()
    return result


def _drain(fd):
    """(everything readable now, whether the writer has closed)."""
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return b"".join(chunks), False
        if not data:
            return b"".join(chunks), True
        chunks.append(data)


def _add_line(result, raw, t):
    text = raw.decode("utf-8", "replace").rstrip("\r")
    result.lines.append(Line(len(result.lines), t, text))


EXCEPTION_RX = re.compile(r"^\s*\d+: v=([0-9a-f]{2}) e=([0-9a-f]{4}) i=\d cpl=(\d) IP=[0-9a-f]{4}:([0-9a-f]+)")


def parse_fault_chain(log):
    """[(vector, error code, cpl, rip, register dump lines)] for the
    exceptions just before QEMU's "Triple fault" line."""
    try:
        end = max(i for i, l in enumerate(log) if l.startswith("Triple fault"))
    except ValueError:
        return []
    chain = []
    i = end - 1
    # Walk back over the exception entries that belong to the final chain:
    # each is preceded by "check_exception old: X new: Y"; the chain starts
    # where old is 0xffffffff (no exception in progress).
    while i >= 0:
        m = EXCEPTION_RX.match(log[i])
        if m:
            regs = []
            for l in log[i + 1:end]:
                if EXCEPTION_RX.match(l) or l.startswith("check_exception"):
                    break
                regs.append(l)
            chain.insert(0, (int(m[1], 16), int(m[2], 16), int(m[3]), int(m[4], 16), regs))
            if i > 0 and log[i - 1].startswith("check_exception old: 0xffffffff"):
                break
        i -= 1
    return chain
