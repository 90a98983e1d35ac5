#!/usr/bin/env python3
"""Console transcripts in the handout, made by real runs of the kernel.

A fenced block in handout/docs/ that follows the line

    <!-- transcript: NAME -->

is the console output of RECIPES[NAME] below: the `make qemu` command it
stands for (CMDLINE, with or without the root disk), the lines typed at
the prompts, and which lines of the output the handout quotes. This
script boots the kernel the way `make qemu` does (it asks make for the
command, `make -n qemu`), types the input, captures the console as a
terminal shows it, and then

  --check   compares each marked block with the run, after NORMALISE
            (what legitimately differs between builds and runs), and
            exits 1 if any differs; `make test` runs this;
  --update  rewrites each marked block with the run's output, verbatim.

  scripts/handout-transcripts.py --check [NAME...]
  scripts/handout-transcripts.py --update [NAME...]
  scripts/handout-transcripts.py --show NAME...   (what a run quotes)
  scripts/handout-transcripts.py --list

The kernel and the root image must be built first (make kernel fsimg).
The root disk is a scratch copy of build/fsimg.img, shown under its real
name. Each run takes a second or two under TCG.
"""
import argparse
import difflib
import glob
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "handout", "docs")
FSIMG = "build/fsimg.img"
MARK_RX = re.compile(r"^\s*<!-- transcript: ([\w-]+) -->\s*$")

# What may differ between the handout and a fresh run, and nothing else:
# each pattern's matches become the same placeholder on both sides.
NORMALISE = [
    (r"\b0x[0-9a-f]{5,}\b", "0x<addr>"),        # addresses move with every build
    (r"\b[0-9a-f]{16}\b", "<addr>"),            # the same, as backtraces print them
    (r"\+0x[0-9a-f]+\b", "+0x<off>"),           # offsets into functions
    (r"\b\d+ ticks\b", "<n> ticks"),            # ticks: how fast the host ran
    (r"\b\d+ switches\b", "<n> switches"),      # which CPU ran the process
    (r"sched_lock: \d+ acquisitions, \d+ found it held, \d+(\.\d+)? ms",   # contention: timing
     "sched_lock: <n> acquisitions, <n> found it held, <n> ms"),
    (r"\b\d+ counts per tick\b", "<n> counts per tick"),   # timer calibration
    (r"TSC at \d+(\.\d+)? MHz", "TSC at <n> MHz"),
    (r"says \d+ s since", "says <n> s since"),  # the wall clock
    (r"\b\d+ frames managed, \d+ free \(\d+ MiB\)",   # with the kernel's size
     "<n> frames managed, <n> free (<n> MiB)"),
    (r"\b\d+ sectors \(\d+ MiB\)", "<n> sectors (<n> MiB)"),  # the root image grows with its programs
    (r"PT  \[ *\d+\]", "PT  [<i>]"),           # which page of the image, which stack slot
    (r'getrandom\("(\\x[0-9a-f]{2})*"', 'getrandom("<random>"'),  # the tracer's line: random bytes
    (r"time\(NULL\) = \d+", "time(NULL) = <now>"),    # the tracer's line: the wall clock
    (r"(uptime|freeram|procs|bufferram)=\d+", r"\1=<n>"),  # the tracer's sysinfo: the machine's state
    (r"totalram=\d+", "totalram=<n>"),         # the same: less the kernel, which grows with each lab
]


def normalise(line):
    for rx, placeholder in NORMALISE:
        line = re.sub(rx, placeholder, line)
    return line.rstrip()


# --- Picking the quoted lines out of a run -----------------------------------

def from_to(start, end=None):
    """The lines from the first matching `start` to the next matching `end`
    (both included; to the last line without `end`)."""
    def pick(lines):
        i = next(k for k, l in enumerate(lines) if re.search(start, l))
        if end is None:
            return lines[i:]
        j = next(k for k in range(i, len(lines)) if re.search(end, lines[k]))
        return lines[i:j + 1]
    return pick


def matching(*patterns):
    """Every line matching one of the patterns, in order."""
    return lambda lines: [l for l in lines if any(re.search(p, l) for p in patterns)]


def joined(*picks, gap="..."):
    """Several picks, with a `gap` line between them."""
    def pick(lines):
        out = []
        for p in picks:
            if out:
                out.append(gap)
            out += p(lines)
        return out
    return pick


def fold_run(pick, pattern, keep):
    """`pick`, with the first run of lines matching pattern cut after its
    first `keep` lines, the rest folded into one note."""
    def fold(lines):
        lines = pick(lines)
        start = next((i for i, l in enumerate(lines) if re.search(pattern, l)), None)
        if start is None:
            return lines
        end = start
        while end < len(lines) and re.search(pattern, lines[end]):
            end += 1
        if end - start <= keep + 1:
            return lines
        note = f"        ... {end - start - keep} more like these: the loader's search of the library path ..."
        return lines[:start + keep] + [note] + lines[end:]
    return fold


def wrapped_command(width=72):
    """The "+ qemu-system-x86_64 ..." line, wrapped between options (an
    option stays with its value) and the next lines indented."""
    def pick(lines):
        line = next(l for l in lines if l.startswith("+ "))
        words = re.findall(r'"[^"]*"|\S+', line)
        groups, out = [], []
        for w in words:
            if groups and not w.startswith("-") and groups[-1][0].startswith("-") and len(groups[-1]) == 1:
                groups[-1].append(w)
            else:
                groups.append([w])
        current = ""
        for g in (" ".join(g) for g in groups):
            if current and len(current) + 1 + len(g) > width:
                out.append(current)
                current = "     "
            current = f"{current} {g}" if current else g
        return out + [current]
    return pick


def everything(lines):
    return lines


def settled_shutdown(lines):
    """Everything, but after `poweroff` only busybox init's own messages:
    init's shutdown races with the shell it is ending, which may print its
    next prompt before or amid them (glued to one of them) and
    "Terminated" for a job the SIGTERM ended. Those come and go from run
    to run; init's lines and their order do not."""
    i = next((k for k, l in enumerate(lines) if l.rstrip().endswith("# poweroff")), None)
    if i is None:
        return lines
    after = [re.sub(r"^(\S+@\S+:\S*# )+", "", l) for l in lines[i + 1:]]
    return lines[:i + 1] + [l for l in after if l.strip() not in ("", "Terminated")]


@dataclass
class Recipe:
    cmdline: str = ""
    disk: bool = True             # the root image, as `make qemu`; False: DISK=
    cpu: str = ""                 # QEMU's CPU model under TCG (make's CPU=), e.g. qemu64
    inputs: list = field(default_factory=list)    # typed one per prompt
    prompt: str = r"(#|K>)$"      # the console waits for input when its last line ends so
    pick: object = everything     # lines -> the lines the handout quotes
    show_make: bool = False       # start with "$ make qemu ...", make's echo and the "+" line
    direct: bool = False          # run grade/qemu.py directly (no disk), not `make qemu`
    timeout: float = 30

    def make_args(self):
        args = []
        if self.cmdline:
            args.append(f"CMDLINE={self.cmdline}")
        if not self.disk:
            args.append("DISK=")
        if self.cpu:
            args.append(f"CPU={self.cpu}")
        return args


@dataclass
class Combined:
    """The quoted lines of several recipes, one after the other."""
    parts: list
    pick: object = everything


# What setup.md types at the shell; recipes that quote other lines of the
# same boot share its run.
MAKE_QEMU = dict(inputs=["uname -a", "ls /", "poweroff"], show_make=True)

RECIPES = {
    # setup.md: `make qemu` boots busybox init's shell from the root image.
    "make-qemu": Recipe(**MAKE_QEMU, pick=settled_shutdown),
    # setup.md: without a disk, the kernel monitor.
    "make-qemu-monitor": Recipe(disk=False, inputs=["help", "ticks", "poweroff"], show_make=True,
                                pick=joined(from_to(r"^\$ make qemu", r"^memmap"),
                                            from_to(r"^mm: \d+ MiB"))),
    # tools.md: the command grade/qemu.py runs, and the monitor's backtrace.
    "qemu-py-command": Recipe(cmdline="test=backtrace token=1234abcd", direct=True, disk=False,
                              pick=wrapped_command()),
    # tools.md: the monitor's backtrace.
    "monitor-backtrace": Recipe(disk=False, inputs=["backtrace", "int3", "poweroff"],
                                pick=from_to(r"^K> backtrace", r"^breakpoint at")),
    # lab1.md: the banner, and the boot self-test.
    "lab1-banner": Recipe(cmdline="test=boot token=1234abcd", disk=False,
                          pick=matching(r"^kestrel: (booting|command line|interrupts on)")),
    "lab1-boot": Recipe(cmdline="test=boot token=1234abcd", disk=False,
                        pick=matching(r"^boot: ")),
    "lab1-page-fault": Recipe(cmdline="test=page-fault token=1234abcd", disk=False,
                              pick=from_to(r"^EXCEPTION #PF", r"^  CR2=")),
    "lab1-backtrace": Recipe(cmdline="test=backtrace token=1234abcd", disk=False,
                             pick=from_to(r"^backtrace: recursing", r"^backtrace: returned")),
    # lab2.md: the memory map, and the kernel's own page tables.
    "lab2-memmap": Recipe(cmdline="test=boot token=1234abcd", disk=False,
                          pick=from_to(r"^memmap: ", r"^mm: \d+ MiB")),
    "lab2-paging": Recipe(cmdline="test=boot token=1234abcd", disk=False,
                          pick=matching(r"^paging: kernel page tables", r"^mm: \d+ frames managed")),
    "lab2-no-smep": Recipe(cmdline="test=boot token=1234abcd", disk=False, cpu="qemu64",
                           pick=matching(r"^paging: kernel page tables")),
    # an even token: the test overflows a kernel stack (odd: the boot stack)
    "lab2-guard": Recipe(cmdline="test=guard token=1234abce", disk=False,
                         pick=joined(from_to(r"^guard: overflowing", r"^  CS="),
                                     from_to(r"^  kernel stack overflow", r"^PANIC"), gap="  ...")),
    "lab2-double-free": Recipe(cmdline="test=double-free token=1234abcd", disk=False,
                               pick=from_to(r"^double-free: ", r"^PANIC")),
    # an odd token: the test writes to the kernel's code
    "lab2-ro-write": Recipe(cmdline="test=ro-write token=1234abcd", disk=False,
                            pick=joined(from_to(r"^ro-write: ", r"^  RIP="),
                                        from_to(r"^  page walk", r"^PANIC"), gap="  ...")),
    # lab3.md: the syscall log of the first process, and how pid 1 ends.
    "lab3-syscall-log": Recipe(cmdline="init=hello syscall_log", show_make=True,
                               pick=joined(matching(r"^\$ make qemu"),
                                           from_to(r"^kestrel: starting init", r"^argc:"),
                                           from_to(r"^hello from write\(1\)", r"^\[pid 1\] write\(1,"),
                                           from_to(r"^returning 3", r"exited with code"))),
    "lab3-init-exits": Recipe(cmdline="init=hello", disk=False,
                              pick=from_to(r"^kestrel: cpu0: ", r"exited with code")),
    "lab3-enosys": Combined([Recipe(cmdline="debug", inputs=["poweroff"],
                                    pick=matching(r"^kestrel: syscall 41 ")),
                             Recipe(cmdline="init=syscall_errors debug", disk=False,
                                    pick=matching(r"^kestrel: syscall \d+ does not exist"))]),
    "lab3-user-faults": Combined([Recipe(cmdline="init=segv", disk=False,
                                         pick=matching(r"^kestrel: pid \d+ .* killed by")),
                                  Recipe(cmdline="init=wait_status", disk=False,
                                         pick=matching(r"^kestrel: pid \d+ .* killed by SIG(ILL|FPE)"))]),
    "lab4-glibc-hello": Recipe(cmdline="init=/usr/lib/kestrel/lab4/glibc_hello syscall_log",
                               # the loader's search of the library path folded into one line
                               pick=fold_run(joined(
                                   from_to(r"^kestrel: starting init", r"^\[pid 1\] mmap\(NULL, 8392704"),
                                   from_to(r"^gmtime\(", r"exit_group"),
                                   matching(r"exited with code"), gap="   ..."),
                                   r"\] (openat|newfstatat)\(.*= -1 ENOENT", keep=3)),
    # lab5.md: the find-what-a-program-needs workflow, on busybox free (Debian's
    # free is /usr/bin/free from Lab 7 on), without Lab 7's /proc, as in Lab 5.
    "lab5-trace-free": Recipe(inputs=["umount /proc", "trace busybox free", "poweroff"],
                              pick=from_to(r"# trace busybox free$", r"\+\+\+ exited")),
    "lab4-init-sh": Recipe(cmdline="init=/bin/sh", inputs=["exit"],
                           pick=matching(r"can't access tty")),
    # lab4.md: the disk in the boot log.
    "lab4-disk": Recipe(**MAKE_QEMU,
                        pick=from_to(r"^pci: ", r"^kestrel: root filesystem")),
}


# --- Running -----------------------------------------------------------------

def clean_env():
    """The environment without make's and the Makefile's variables, so a run
    is `make qemu` with its defaults (ACCEL=tcg, CPUS=2, MEM=512M)."""
    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "ACCEL", "CPUS", "MEM", "CPU", "CMDLINE",
              "DISK", "EXTRA", "V", "BUILD", "GNUMAKEFLAGS"):
        env.pop(v, None)
    return env


def make_command(recipe):
    """The one command `make qemu` runs for this recipe, as make echoes it."""
    p = subprocess.run(["make", "--no-print-directory", "-n", "qemu", *recipe.make_args()],
                       cwd=ROOT, env=clean_env(), capture_output=True, text=True)
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    if p.returncode != 0 or len(lines) != 1 or "grade/qemu.py" not in lines[0]:
        sys.exit("handout-transcripts: `make qemu` would do more than boot "
                 "(build first: make kernel fsimg):\n" + p.stdout + p.stderr)
    return lines[0]


def render(raw):
    """What a terminal shows for raw console bytes: escape sequences (the
    shell's cursor-position query) vanish, a carriage return goes back to
    the start of the line and what follows overwrites it."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw.decode("utf-8", "replace"))
    lines = []
    for line in text.split("\n"):
        shown = []
        for i, part in enumerate(line.split("\r")):
            shown[:len(part)] = part
        lines.append("".join(shown).rstrip())
    return lines


class Console:
    def __init__(self, cmd, timeout):
        # A session of its own: grade/qemu.py and the QEMU it starts end together.
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=clean_env(), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.out = b""
        self.deadline = time.monotonic() + timeout

    def read(self, seconds):
        """Reads for up to `seconds`; False once QEMU has exited."""
        ready, _, _ = select.select([self.proc.stdout], [], [], max(0, seconds))
        if not ready:
            return True
        data = os.read(self.proc.stdout.fileno(), 65536)
        self.out += data
        return bool(data)

    def wait_prompt(self, prompt, quiet=0.3):
        """Until the console ends with the prompt and then stays quiet."""
        while time.monotonic() < self.deadline:
            if re.search(prompt, render(self.out)[-1]):
                size = len(self.out)
                if not self.read(quiet) or len(self.out) == size:
                    return
            elif not self.read(0.1):
                return
        raise TimeoutError("no prompt")

    def finish(self):
        """Reads until QEMU exits; False if it is still running at the deadline."""
        while time.monotonic() < self.deadline and self.read(0.2):
            pass
        try:
            self.proc.wait(timeout=5 if time.monotonic() < self.deadline else 0.1)
            return True
        except subprocess.TimeoutExpired:
            return False

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


_runs = {}     # recipes that differ only in what they quote share a run


def run(name, recipe):
    """The lines the handout should quote for recipe `name`."""
    if isinstance(recipe, Combined):
        return recipe.pick([l for part in recipe.parts for l in run(name, part)])
    key = (recipe.cmdline, recipe.disk, recipe.cpu, tuple(recipe.inputs), recipe.show_make, recipe.direct)
    if key not in _runs:
        _runs[key] = console_lines(name, recipe)
    try:
        return recipe.pick(_runs[key])
    except StopIteration:
        raise RuntimeError(f"{name}: the run does not have the lines the recipe quotes; it said:\n"
                           + "\n".join(_runs[key]))


def console_lines(name, recipe):
    """Everything the run shows, as a terminal would."""
    if recipe.direct:
        # As tools.md types it: python3 grade/qemu.py --kernel build/kernel.elf --append ...
        shown = "python3 grade/qemu.py --kernel build/kernel.elf --append " + shlex.quote(recipe.cmdline)
    else:
        shown = make_command(recipe)
    with tempfile.TemporaryDirectory(prefix="kestrel-transcript-") as tmp:
        cmd = shown
        if recipe.disk:
            scratch = os.path.join(tmp, "fsimg.img")
            shutil.copyfile(os.path.join(ROOT, FSIMG), scratch)
            cmd = shown.replace(f"--disk {FSIMG}", f"--disk {scratch}")
        console = Console(shlex.split(cmd), recipe.timeout)
        try:
            for line in recipe.inputs:
                console.wait_prompt(recipe.prompt)
                console.proc.stdin.write(line.encode() + b"\n")
                console.proc.stdin.flush()
            if not console.finish():
                raise TimeoutError(f"still running after {recipe.timeout:.0f} s (a recipe ends with a power-off)")
        except (TimeoutError, BrokenPipeError) as e:
            raise RuntimeError(f"{name}: {e}; the console said:\n" + "\n".join(render(console.out)[-20:]))
        finally:
            console.close()
        lines = render(console.out.replace(scratch.encode(), FSIMG.encode()) if recipe.disk else console.out)
    while lines and not lines[-1]:
        lines.pop()
    if recipe.show_make:
        typed = "make qemu" + "".join(" " + (re.sub(r"=(.*)", r'="\1"', a) if " " in a else a)
                                      for a in recipe.make_args())
        lines = [f"$ {typed}", shown] + lines
    return lines


# --- The handout's marked blocks ---------------------------------------------

@dataclass
class Block:
    path: str
    name: str
    start: int          # index of the first line inside the fence
    end: int            # index of the closing fence
    indent: str
    lines: list


def find_blocks():
    blocks = []
    for path in sorted(glob.glob(os.path.join(DOCS, "**", "*.md"), recursive=True)):
        text = open(path).read().split("\n")
        in_fence = False            # a marker shown inside a code block is an example
        for i, line in enumerate(text):
            if re.match(r"^\s*```", line):
                in_fence = not in_fence
            m = MARK_RX.match(line)
            if not m or in_fence:
                continue
            j = i + 1
            while j < len(text) and not text[j].strip():
                j += 1
            fence = re.match(r"^(\s*)```", text[j]) if j < len(text) else None
            if not fence:
                sys.exit(f"{os.path.relpath(path, ROOT)}:{i + 1}: no fenced block after the transcript mark")
            indent = fence[1]
            k = j + 1
            while k < len(text) and not text[k].startswith(indent + "```"):
                k += 1
            if k == len(text):
                sys.exit(f"{os.path.relpath(path, ROOT)}:{j + 1}: the transcript's block never ends")
            body = [l[len(indent):] if l.startswith(indent) else l.lstrip() for l in text[j + 1:k]]
            blocks.append(Block(path, m[1], j + 1, k, indent, body))
    return blocks


def update(block, lines):
    text = open(block.path).read().split("\n")
    text[block.start:block.end] = [(block.indent + l).rstrip() if l else "" for l in lines]
    open(block.path, "w").write("\n".join(text))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--update", action="store_true")
    mode.add_argument("--list", action="store_true")
    mode.add_argument("--show", action="store_true", help="print what the runs would quote")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()

    blocks = find_blocks()
    for b in blocks:
        if b.name not in RECIPES:
            sys.exit(f"{os.path.relpath(b.path, ROOT)}: transcript {b.name} has no recipe in {__file__}")
    marked = {b.name for b in blocks}
    if args.list:
        for name in RECIPES:
            where = [os.path.relpath(b.path, DOCS) for b in blocks if b.name == name]
            print(f"{name:20} {', '.join(where) or '(not quoted)'}")
        return 0
    names = args.names or [n for n in RECIPES if n in marked]
    failed = 0
    for name in names:
        if name not in RECIPES:
            sys.exit(f"no recipe {name}")
        t0 = time.monotonic()
        try:
            lines = run(name, RECIPES[name])
        except RuntimeError as e:
            print(f"FAIL  {name}: {e}")
            failed += 1
            continue
        if args.show:
            print(f"--- {name}\n" + "\n".join(lines))
            continue
        # Last first, so that the earlier blocks' line numbers still hold.
        for b in sorted([b for b in blocks if b.name == name], key=lambda b: (b.path, b.start), reverse=True):
            where = f"{os.path.relpath(b.path, ROOT)}:{b.start}"
            if args.update:
                update(b, lines)
                print(f"updated {name} ({where})")
                continue
            want = [normalise(l) for l in b.lines]
            got = [normalise(l) for l in lines]
            if want == got:
                print(f"ok    {name} ({where}, {time.monotonic() - t0:.1f}s)")
            else:
                failed += 1
                print(f"FAIL  {name} ({where}): the handout differs from the run (- handout, + run, normalised)")
                for d in list(difflib.unified_diff(want, got, lineterm="", n=1))[2:]:
                    print("      " + d)
                print(f"      if the run is right: scripts/handout-transcripts.py --update {name},"
                      " and reread the text around the block")
        blocks = find_blocks()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
