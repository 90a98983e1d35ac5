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

With a disk (the root file system image, build/fsimg.img; see fsimg/README.md):

    @lab.test(points=10)
    def fs_stat(t):
        t.run_user("fs_stat", disk=True)  # init=/usr/lib/kestrel/lab4/fs_stat, on a copy
                                          # of the image; on the host, in a copy of the tree
        t.check_same_file("f")            # a file it wrote: same in the image and on the host

    @lab.test(points=5)
    def bad_magic(t):                     # the kernel refuses a broken disk, without panicking
        img, what = t.corrupted_image("superblock-magic")
        t.boot(append=f"init=hello token={t.token}", disk=img, fsck=False)
        t.expect(r"^kestrel: .*vda.*magic")   # whatever the kernel's message is

Each boot with a disk gets its own copy of the image, in the test's
temporary folder, and e2fsck -fn checks it when QEMU has exited: errors
fail the test (fsck=False skips the check, for images broken on purpose).
"""
import glob
import importlib.util
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading

import boot as boot_mod
import fsimg_tools
import host_trees
from qemu import Disk, Net, describe_exit


# The grader's boots show every kernel message, KERN_DEBUG included: the
# ENOSYS reports the report lists are debug messages that `make qemu` hides.
GRADER_LOGLEVEL = "loglevel=8"


def with_loglevel(append):
    """The command line with GRADER_LOGLEVEL added before init's arguments
    (the words after " -- ") unless it sets a log level itself."""
    if re.search(r"(^| )(loglevel=\S*|quiet|debug)( |$)", append.split(" -- ")[0]):
        return append
    head, sep, tail = append.partition(" -- ")
    return f"{head} {GRADER_LOGLEVEL}".strip() + (sep + tail if sep else "")


class Verdict:
    PASS = "PASS"
    FAIL = "FAIL"            # the kernel ran but printed the wrong thing
    PANIC = "PANIC"          # the kernel panicked when the test did not expect it
    TIMEOUT = "TIMEOUT"      # the kernel did not power off in time
    RESET = "RESET"          # the CPU reset: a triple fault, usually
    SKIP = "SKIP"            # not run: a test it depends on did not pass, or what it
                             # needs is not there (t.skip: the capstone's MediaServer);
                             # counted neither as passed nor as failed
    ERROR = "ERROR"          # the grader itself could not run the test


class Abort(Exception):
    """Raised by t.fail() to stop a test early."""


class Skip(Exception):
    """Raised by t.skip(why): the test cannot run here (not a failure)."""


class Test:
    def __init__(self, lab, func, name, points, depends, timeout):
        self.lab, self.func, self.name = lab, func, name
        self.points, self.depends, self.timeout = points, depends, timeout

    @property
    def full_name(self):
        return f"{self.lab.key}/{self.name}"


class Lab:
    def __init__(self, number, title):
        self.number, self.title = number, title
        self.tests = []
        # {exercise: [test names]}: tests that fail, and fail quickly, when
        # that exercise alone is left blank. The checkpoint proof (make
        # test) grades just these for each blank; without an entry it
        # grades the whole lab up to its first failure.
        self.exercise_tests = {}

    @property
    def key(self):
        """Its folder under labs/ and its tests' prefix: lab1, lab2... and
        final (the capstone, which has no number and no exercises)."""
        return f"lab{self.number}" if isinstance(self.number, int) else str(self.number)

    def include(self, *names):
        """Runs the lab's test files (labs/labN/NAME.py, one per part of a
        large lab) with this Lab as their global `lab`, in the order given:
        the tests they declare join the lab in that order."""
        here = os.path.dirname(os.path.abspath(sys._getframe(1).f_code.co_filename))
        for name in names:
            path = os.path.join(here, f"{name}.py")
            spec = importlib.util.spec_from_file_location(f"labdef_{self.key}_{name}", path)
            mod = importlib.util.module_from_spec(spec)
            mod.lab = self
            spec.loader.exec_module(mod)

    def program_test(self, name, program, points, timeout, depends=(), doc="", cpus=None):
        """Declares the most common test: user program `program` of the
        root image runs as the kernel's first process and on the host
        (Context.run_user with disk=True), outputs and exit statuses
        compared. doc is the test's description."""
        def run(t):
            t.run_user(program, disk=True, cpus=cpus)
        run.__doc__ = doc
        run.__name__ = program
        self.test(points=points, timeout=timeout, name=name, depends=list(depends or ()))(run)

    def program_test_per_cpus(self, name, program, points, timeout, depends=(), doc="", cpus=(1, 4)):
        """program_test once per CPU count, named NAME-1cpu, NAME-4cpu...:
        one CPU finds lost wake-ups and missing preemption, several find
        races and missed TLB shootdowns. Each count after the first
        depends on the first, so a kernel that cannot run the program at
        all (no threads yet) pays for one boot, not one per count."""
        first = f"{name}-{cpus[0]}cpu"
        for n in cpus:
            after = [first] if n != cpus[0] else []
            self.program_test(f"{name}-{n}cpu", program, points, timeout, depends=list(depends) + after,
                              doc=f"{doc} ({n} CPU{'s' if n > 1 else ''})", cpus=n)

    def test(self, points, depends=(), timeout=2.0, name=None):
        """Declares a test. timeout is in seconds on hardware-speed
        virtualization (KVM); the grader scales it for TCG."""
        def register(func):
            known = {t.name for t in self.tests}
            missing = [d for d in depends if d not in known]
            if missing:
                # Tests run in the order they are declared, so a test can
                # only depend on one declared before it.
                raise ValueError(f"lab {self.number}: test {name or func.__name__} depends on "
                                 f"{', '.join(missing)}, which is not declared before it")
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
        self.image_path = None      # the disk (vda) of the last boot, to inspect after it
        self.host_root = None       # the host's copy of the tree, after run_user(disk=True)
        self.net = None             # the last boot's network card (a qemu.Net), if it had one
        self.fsck_results = []      # fsimg_tools.FsckResult of each disk after each boot
        self.skipped = None         # why, when t.skip() ended the test
        self._tmp = None
        self._host_trees = []       # host_trees.Tree the host's runs used

    @property
    def tmp(self):
        """This test's own temporary folder (tests may run in parallel),
        removed when the test ends."""
        if self._tmp is None:
            self._tmp = tempfile.mkdtemp(prefix=f"kestrel-{self.test.lab.key}-{self.test.name}-")
        return self._tmp

    def close(self):
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        for tree in self._host_trees:
            host_trees.give_back(tree)
        self._host_trees = []

    # --- disks ------------------------------------------------------------

    @property
    def image(self):
        """build/fsimg.img (or under the grader's --build)."""
        return os.path.join(self.options.build, "fsimg.img")

    @property
    def staged_root(self):
        """The tree the image was made from (build/fsimg/root)."""
        return os.path.join(self.options.build, "fsimg", "root")

    def fresh_image(self, name=None):
        """A new copy of the image in this test's folder; ImageError (the
        test cannot run) if the image is missing or older than a user program."""
        users = glob.glob(os.path.join(self.options.build, "user", "lab*", "*"))
        fsimg_tools.require_image(self.image, newer_than=users)
        name = name or f"disk{len(os.listdir(self.tmp))}.img"
        return fsimg_tools.copy_image(self.image, os.path.join(self.tmp, name))

    def corrupted_image(self, kind, **kwargs):
        """A fresh copy broken in one way (fsimg_tools.CORRUPTIONS:
        "superblock-magic", "dirent-rec-len", "block-pointer"; kwargs
        choose the victim): (path, what was broken). Boot it with fsck=False."""
        path = self.fresh_image(f"{kind}.img")
        what = fsimg_tools.CORRUPTIONS[kind](path, **kwargs)
        self.notes.append(f"disk image broken on purpose: {what}")
        return path, what

    def _disk_paths(self, disk):
        """disk: True (a fresh copy of the image), a path (used as is if in
        this test's folder, else copied there), or a list of those."""
        out = []
        for d in (disk if isinstance(disk, (list, tuple)) else [disk]):
            if d is True:
                out.append(self.fresh_image())
            elif os.path.dirname(os.path.abspath(d)) == self.tmp:
                out.append(d)
            else:
                out.append(fsimg_tools.copy_image(d, os.path.join(self.tmp, os.path.basename(d))))
        return out

    def _check_disks(self, paths):
        """e2fsck -fn each disk after QEMU has exited; errors fail the test
        and keep the image next to the log."""
        for i, path in enumerate(paths):
            r = fsimg_tools.fsck(path)
            self.fsck_results.append(r)
            name = "vd" + chr(ord("a") + i)
            if r.clean:
                self.marks.append(Mark("GOOD", f"e2fsck -fn: {name} is clean after the run"))
                continue
            keep = os.path.join(self.options.logdir, self.test.lab.key, f"{self.test.name}-{name}.img")
            os.makedirs(os.path.dirname(keep), exist_ok=True)
            r.kept = fsimg_tools.copy_image(path, keep)
            self.marks.append(Mark("BAD", f"{r.summary()} on {name} after the run (see below)"))

    def image_file(self, path):
        """The contents (bytes) of `path` in the last boot's disk."""
        return fsimg_tools.read_file(self.image_path, path)

    def debugfs(self, *commands):
        """What debugfs prints for `commands` on the last boot's disk."""
        return fsimg_tools.debugfs(self.image_path, *commands)

    def check_same_file(self, path):
        """Requires `path` (relative to /) to hold the same bytes in the
        guest's disk as in the host's copy of the tree after run_user(disk=True)."""
        rel = path.lstrip("/")
        try:
            host = open(os.path.join(self.host_root, rel), "rb").read()
        except OSError as e:
            return self.check(False, f"/{rel}: the host run left no such file ({e.strerror})")
        try:
            guest = self.image_file("/" + rel)
        except fsimg_tools.ImageError:
            return self.check(False, f"/{rel} is missing from the disk (the host run made it, {len(host)} bytes)")
        return self.check(guest == host, f"/{rel} on the disk is the same as on Linux "
                                         f"({len(guest)} bytes; Linux: {len(host)} bytes)")

    # --- running things ---------------------------------------------------

    def boot(self, test=None, args="", mem=None, cpu_model=None, cpus=None, append=None,
             disk=None, fsck=True, fail_read_sector=None, console_input=None, kill_on=None, kill_delay=0.0,
             net=None, host_actions=None, tftp=None):
        """Boots the kernel running self-test `test` (default: this test's
        name). mem ("256M"), cpus and cpu_model ("qemu64", TCG only)
        override the machine; append replaces the whole command line.
        disk=True attaches a fresh copy of the root image as vda (a path,
        or a list, attaches those), checked with e2fsck after the run
        unless fsck=False; t.image_path is then vda's copy. With
        fail_read_sector, reads of that sector of vda fail (EIO). With
        console_input, a list of (pattern, bytes, delay) steps, the test
        types at the serial console (boot.ConsoleInput).
        kill_on (a regex, {token} as in expect), QEMU is killed kill_delay
        seconds after the first line matching it: a power cut, no
        power-off expected.
        net, a list of (proto, guest port) ("tcp" or "udp"), adds a network
        card on QEMU's user network with those ports forwarded from free
        ports of the host's 127.0.0.1 (t.host_port(guest port) says which)
        and QEMU's TFTP server giving host folder tftp (10.0.2.2, port 69);
        host_actions, a list of (pattern, function), start function(match)
        on the host when the guest prints a line matching pattern ({token}
        as in expect); what a function raises fails the test.
        Returns the BootResult; checks then look at its output."""
        if append is None:
            append = f"test={test or self.test.name} token={self.token} {args}".strip()
        append = with_loglevel(append)
        o = self.options
        if cpus:
            self.notes.append(f"booted with {cpus} CPU(s)")
        disks = self._disk_paths(disk) if disk else []
        self.image_path = disks[0] if disks else None
        for i, d in enumerate(disks):
            self.notes.append(f"booted with disk vd{chr(ord('a') + i)}: {os.path.basename(d)} in {self.tmp}"
                              + ("" if fsck else " (not checked by e2fsck)"))
        actions = [(self._pattern(p), fn) for p, fn in host_actions or ()]
        def run(disk_paths, log_cpu):
            self.net = Net.forwarding(net, tftp) if net is not None else None
            return boot_mod.boot(o.kernel, append, self.boot_timeout(),
                                 o.accel, cpus or o.cpus, mem or o.mem, cpu_model,
                                 disks=[Disk(d, scratch=True, fail_read_sector=fail_read_sector if i == 0 else None)
                                        for i, d in enumerate(disk_paths)],
                                 console_input=console_input,
                                 kill_on=self._pattern(kill_on) if kill_on else None,
                                 kill_delay=kill_delay, log_cpu=log_cpu, net=self.net, host_actions=actions)
        # QEMU's exception log (-d int) only serves to explain a triple
        # fault, and it costs every run: a register dump for each page
        # fault and interrupt (50 MB for mmap-many, 20-30% of QEMU's time).
        # So a boot runs without it, and one that resets runs again with it.
        self.result = run(disks, log_cpu=False)
        if net is not None and any("Could not set up host forwarding rule" in l.text for l in self.result.lines):
            # Another program took a free port before QEMU bound it: once more, with others.
            self.result = run(disks, log_cpu=False)
        for error in self.result.host_errors:
            self.marks.append(Mark("BAD", f"on the host: {error}"))
        if fsck:
            self._check_disks(disks)
        if self.result.reset and o.accel == "tcg":
            self._log_reset(run, disk, disks)
        return self.result

    def host_port(self, guest_port, proto="tcp"):
        """The host's port (on 127.0.0.1) that reaches the guest's
        `guest_port` in the current boot (boot(net=...))."""
        return self.net.host_port(guest_port, proto)

    def _log_reset(self, run, disk, disks):
        """Boots again the way the boot that reset did, this time with
        QEMU's exception log, and keeps that log in self.result.cpu_log.
        A disk=True is a fresh copy again; other disks are copies of what
        the first boot left."""
        specs = disk if isinstance(disk, (list, tuple)) else [disk]
        again = [self.fresh_image(f"again-{os.path.basename(p)}") if d is True
                 else fsimg_tools.copy_image(p, p + ".again") for d, p in zip(specs, disks)]
        rerun = run(again, log_cpu=True)
        if rerun.reset:
            self.result.cpu_log = rerun.cpu_log
        else:
            how = "it timed out" if rerun.timed_out else describe_exit(rerun.status)
            self.notes.append(f"a second boot, with QEMU's exception log, did not reset ({how}): "
                              "the triple fault depends on timing, so no exceptions can be shown")

    def boot_timeout(self):
        """Seconds a boot may take: the test's timeout times the grader's
        scale (TCG, TIMEOUT_SCALE), or less with grade.py --reference."""
        o = self.options
        timeout = self.test.timeout * o.timeout_scale
        cap = getattr(o, "timeout_caps", {}).get(self.test.full_name)
        return min(timeout, cap) if cap else timeout

    @property
    def host_timeout(self):
        return getattr(self.options, "host_timeout", 60)

    def run_user(self, program, cpus=None, args="", disk=False, fsck=True, host_netns=False):
        """Runs user program `program` (user/labN/<program>.c, built static)
        twice: as the kernel's first process, and on the host, where Linux
        is the oracle. Checks that its output and exit status are the
        same; returns the GuestRun (output lines without the kernel's own
        "kestrel: " lines, and the kernel's report of how it ended).

        With disk=True (or an image path) the kernel loads the program from
        the disk (init=/usr/lib/kestrel/labN/<program>), and the host runs
        it in a copy of the image's tree (build/fsimg/root, t.host_root)
        as its current directory, so relative paths name the same files.
        With host_netns=True the host runs it in a network namespace of
        its own (enter_own_netns)."""
        lab = self.test.lab.number
        exe = os.path.join(self.options.build, "user", f"lab{lab}", program)
        if disk:
            init = fsimg_tools.guest_program(lab, program)
            if not os.path.exists(os.path.join(self.staged_root, init.lstrip("/"))):
                raise fsimg_tools.ImageError(f"{init} is not in the image ({os.path.relpath(exe)} missing?): "
                                             "run make fsimg")
            host = self._boot_and_host(
                lambda: self.boot(append=f"init={init} token={self.token} {args}".strip(), cpus=cpus,
                                  disk=disk, fsck=fsck),
                lambda root: os.path.join(root, init.lstrip("/")), init, copy_root=True, netns=host_netns)
        else:
            init = program
            host = self._boot_and_host(
                lambda: self.boot(append=f"init={program} token={self.token} {args}".strip(), cpus=cpus),
                lambda root: exe, init, copy_root=False, netns=host_netns)
        guest = GuestRun(self.result.lines)
        self.notes.append(f"ran {host.exe} on the host" + (f" in {self.host_root}" if disk else "") +
                          f": exit status {host.returncode}, {len(host.lines)} lines")
        return self._compare_runs(host, guest, init, program)

    def _boot_and_host(self, boot, host_exe, argv0, copy_root, args=(), env=None, netns=False):
        """Runs boot() and, side by side in a thread, the host's part: a
        copy of the image's tree (t.host_root) if copy_root, then the
        program host_exe(that copy) with argv[0] = argv0 and arguments args
        (or args(that copy)) in it. The two are
        independent, and the host's part (30 MiB to copy, programs that
        sleep) would otherwise add to every test's time. Returns the
        HostRun, its exe set; a host run that does not finish fails the
        test as _on_host says."""
        self.tmp                     # made here, not in both threads at once
        if netns and os.geteuid() != 0:
            self.fail("the host side of this test runs in a network namespace of its own, which needs root: "
                      "run the grader as root, or with sudo")
        done = {}

        def host():
            try:
                cwd = None
                if copy_root:
                    tree = host_trees.take(self.staged_root)
                    self._host_trees.append(tree)
                    cwd = tree.path
                exe = host_exe(cwd)
                done["run"] = run_on_host(exe, argv0, cwd=cwd, args=list(args(cwd) if callable(args) else args), env=env,
                                          timeout=self.host_timeout, netns=netns)
                done["run"].exe, done["root"] = exe, cwd
            except BaseException as e:          # raised again below, in the test's thread
                done["error"] = e
        thread = threading.Thread(target=host, name=f"host {argv0}")
        thread.start()
        try:
            boot()
        finally:
            thread.join()
        if copy_root:
            self.host_root = done.get("root")
        error = done.get("error")
        if isinstance(error, subprocess.TimeoutExpired):
            self.marks.append(Mark("BAD", f"{argv0} did not finish on the host (Linux) within {error.timeout:.0f}s: "
                                          "on a slow machine, try TIMEOUT_SCALE=3"))
            raise Abort()
        if error is not None:
            raise error
        self.host_lines = done["run"].lines
        return done["run"]

    def run_command(self, path, args=(), host_exe=None, host_env=None, host_netns=False):
        """Runs program `path` of the image with arguments `args`: as the
        kernel's first process (cwd "/"), and on the host (in a copy of
        the image's tree as cwd, so relative paths in args name the same
        files), then compares output and exit status as run_user does.
        The host runs host_exe (default: the same path on the host, which
        is where the image's copy of a host program came from)."""
        quoted = " ".join(f'"{a}"' for a in args)
        host = self._boot_and_host(
            lambda: self.boot(append=f"init={path} token={self.token} -- {quoted}".strip(), disk=True),
            lambda root: host_exe or path, path, copy_root=True, args=args, env=host_env, netns=host_netns)
        guest = GuestRun(self.result.lines)
        self.notes.append(f"ran {host_exe or path} {' '.join(args)} on the host in {self.host_root}: exit status "
                          f"{host.returncode}, {len(host.lines)} lines")
        return self._compare_runs(host, guest, path, os.path.basename(path))

    # busybox's shell, the same binary on both sides (Debian's busybox-static).
    BUSYBOX = "/bin/busybox"

    def run_script(self, script, host_netns=False):
        """Runs shell script user/labN/scripts/<script> with busybox sh,
        in the kernel (from the image, cwd "/") and on the host (in a copy
        of the image's tree), and compares output and exit status as
        run_user does. Its output goes through a pipe on both sides
        (`sh script 2>&1 | cat`), so programs that ask isatty() (ls
        choosing columns) behave the same."""
        lab = self.test.lab.number
        rel = fsimg_tools.guest_program(lab, script).lstrip("/")
        if not os.path.exists(os.path.join(self.staged_root, rel)):
            raise fsimg_tools.ImageError(f"/{rel} is not in the image: run make fsimg")
        # The host's /tmp is shared with everything else on the machine:
        # the scripts use $TMPDIR (unset in the guest: /tmp, a tmpfs there).
        host_tmp = os.path.join(self.tmp, "host-tmp")
        os.makedirs(host_tmp, exist_ok=True)
        return self.run_command("/bin/sh", ["-c", f"sh {rel} 2>&1 | cat"], host_exe=self.BUSYBOX,
                                host_env={"TMPDIR": host_tmp}, host_netns=host_netns)

    def _on_host(self, exe, argv0, **kw):
        """run_on_host, its output kept for the log; a host run that does
        not finish fails the test with a message, not a grader error."""
        try:
            host = run_on_host(exe, argv0, **kw)
        except subprocess.TimeoutExpired as e:
            self.marks.append(Mark("BAD", f"{argv0} did not finish on the host (Linux) within {e.timeout:.0f}s: "
                                          "on a slow machine, try TIMEOUT_SCALE=3"))
            raise Abort()
        self.host_lines = host.lines
        return host

    def _compare_runs(self, host, guest, init, name):
        start = self.expect(rf"^kestrel: starting init: {re.escape(init)} ")
        if not start:
            return guest
        self.compare_output(host.lines, guest.lines)
        if guest.end is None:
            self.marks.append(Mark("MISSING", f"the kernel's \"kestrel: init ({name}) exited ...\" line"))
        else:
            self.check(guest.end == host.end,
                       f"{name} ended with {guest.end} in the kernel; on Linux, with {host.end}")
        return guest

    def compare_output(self, expected, got):
        """Line-by-line comparison of a program's output with Linux's."""
        for i in range(max(len(expected), len(got))):
            # From a panic on (and the blank line it starts with), the panic
            # report follows: comparing it with Linux's lines would bury it.
            panic_at = next((j for j in (i, i + 1) if j < len(got) and got[j].text.startswith("PANIC:")
                             and (j == i or not got[i].text.strip())), None)
            if panic_at is not None:
                rest = f"{expected[i]!r} and {len(expected) - i - 1} more lines" if i < len(expected) \
                    else "nothing more"
                self.marks.append(Mark("BAD", f"line {i + 1}: the kernel panicked here; Linux printed {rest}",
                                       got[panic_at]))
                break
            if i >= len(got):
                self.marks.append(Mark("MISSING", f"line {i + 1} (Linux printed it): {expected[i]!r}"))
            elif i >= len(expected):
                self.marks.append(Mark("BAD", f"line {i + 1}: {got[i].text!r}, which Linux did not print", got[i]))
            elif got[i].text == expected[i]:
                self.marks.append(Mark("GOOD", f"line {i + 1}: {expected[i]!r}", got[i]))
            else:
                self.marks.append(Mark("BAD", f"line {i + 1}: {got[i].text!r}, Linux printed {expected[i]!r}",
                                       got[i]))

    def host_program(self, source, args=()):
        """Compiles a C program for the host (Linux is the oracle) and
        returns what it prints when run with arguments args."""
        exe = os.path.join(self.options.build, "host", os.path.splitext(os.path.basename(source))[0])
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        if not os.path.exists(exe) or os.path.getmtime(exe) < _newest_mtime(os.path.dirname(source)):
            subprocess.run(["gcc", "-O1", "-w", "-o", exe, source], check=True)
        return subprocess.run([exe, *args], check=True, capture_output=True, text=True).stdout

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

    def skip(self, why):
        """Ends the test as SKIP: it cannot run on this machine (why says
        what is missing and how to get it). Not a pass, not a failure."""
        self.skipped = why
        raise Skip(why)

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


def enter_own_netns():
    """In a child, before exec: a network namespace of its own, where no
    other program's packets arrive (a raw ICMP socket sees every ICMP
    packet of its namespace), with lo up and ping sockets allowed to every
    group, as Debian's systemd allows them (the kernel's default, "1 0",
    allows none). Needs root, as the grader runs."""
    import ctypes
    import fcntl
    import socket
    import struct
    CLONE_NEWNET, SIOCSIFFLAGS, IFF_UP = 0x40000000, 0x8914, 0x1     # <linux/sched.h>, <linux/sockios.h>, <linux/if.h>
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET)")
    with open("/proc/sys/net/ipv4/ping_group_range", "w") as f:
        f.write("0 2147483647")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", IFF_UP))


def run_on_host(exe, argv0, cwd=None, args=(), env=None, timeout=60, netns=False):
    """Runs exe on the host the way the kernel runs its first process:
    argv[0] = argv0 (then args), no stdin, no core dumps, stdout and stderr
    on one pipe, every signal at its default action and none blocked. (A
    command started with & by a shell without job control, as CI runners
    may start the suite, ignores SIGINT and SIGQUIT, and exec keeps that.)
    netns: in a network namespace of its own (enter_own_netns)."""
    import resource
    import signal

    def like_first_process():
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        for sig in signal.valid_signals():
            if sig not in (signal.SIGKILL, signal.SIGSTOP):
                try:
                    signal.signal(sig, signal.SIG_DFL)
                except (OSError, ValueError):
                    pass
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        if netns:
            enter_own_netns()
    p = subprocess.run([argv0, *args], executable=exe, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, preexec_fn=like_first_process, timeout=timeout, cwd=cwd,
                       env={"HOME": "/", "TERM": "linux", **(env or {})})
    return HostRun(p.stdout.decode(errors="replace").splitlines(), p.returncode)


class Found:
    """A regex match that also knows the output line it matched."""
    def __init__(self, match, line):
        self.match, self.line = match, line

    def __getitem__(self, i):
        return self.match.group(i)


def _newest_mtime(folder):
    return max(os.path.getmtime(os.path.join(folder, f)) for f in os.listdir(folder))
