"""Linux as the oracle for system-call traces: a program's `strace -f`
on the host compared with Kestrel's `trace` of the same program.

    run_traced(t, "./usr/lib/kestrel/lab5/trace_forkwait")

runs the shell command line in the kernel (from the root image, cwd /)
as `trace -o /trace.out COMMAND </dev/null | cat`, and on the host (in a
copy of the image's tree) as `strace -f -o FILE COMMAND </dev/null | cat`; compares the
program's output and exit status as run_user does, then the two traces,
and shows the first divergence side by side. compare() alone compares two
trace texts (the capstone's MediaServer -h against a saved strace).

What legitimately differs between the two runs is normalized by the rules
in RULES, each with its reason; nothing is skipped wholesale:

  * one task's lines are compared with the same task's: tasks are named
    by where they come from ("p" the first, "p.1" its first child...),
    since two CPUs interleave them differently on every run, on Linux too;
  * a signal line ("--- SIGCHLD {...} ---") is compared with the task's
    other signal lines, not at its place among the calls: when a signal
    comes depends on when the child exits, which differs run to run;
  * strace's unfinished/resumed pairs are joined back into one line;
  * the dynamic loader's library search and its first private pages
    (TASK_RULES: fold_library_search, drop_loader_malloc) depend on the
    host's /etc/ld.so.cache and the CPU's feature levels;
  * extra rules per test (known=...) say what differs and why: a
    (pattern, replacement, reason) rewrites both traces, a function (its
    docstring says why) rewrites each task's lines, and a guest-only
    call name (e.g. clock_gettime, which Linux answers in the vDSO) is
    dropped from the guest's trace only when the host's has no such call;
    a function marked whole_trace = True rewrites the whole {task: lines}
    (the capstone's: a task that runs another program than Linux's, and
    its children).
"""
import os
import re
import shutil

import fsimg_tools
from testing import GuestRun, Mark

GUEST_TRACE = "/trace.out"

# (pattern, replacement, why): applied to every line of both traces.
RULES = [
    (r"0x[0-9a-f]+ /\* \d+ vars? \*/", "ENVP", "execve's environment: the shell's on each side"),
    (r"\b0x[0-9a-f]{8,}\b", "0xADDR",
     "addresses: Linux randomizes them (ASLR) and lays memory out its own way; "
     "shorter numbers (link-time addresses, file offsets, sizes) are compared"),
    (r'getrandom\("(\\x[0-9a-f]{2})*"', 'getrandom("RANDOM"', "random bytes"),
    (r"tv_sec=\d+, tv_nsec=\d+", "tv_sec=T, tv_nsec=N", "times"),
    (r"si_utime=\d+, si_stime=\d+", "si_utime=T, si_stime=T", "CPU times in SIGCHLD's siginfo"),
    (r"si_uid=\d+", "si_uid=UID", "the grader's user id on the host; root in the guest"),
]


def fold_library_search(lines):
    """The dynamic loader's search for a library, folded into one line
    "(the loader finds NAME)" before the openat that opens it. Linux's
    loader reads the host's /etc/ld.so.cache (openat, newfstatat, mmap of
    it, close; munmap once done); the image has no cache, so Kestrel's
    loader tries each glibc-hwcaps and tls folder in turn (openat and
    newfstatat failing with ENOENT), and which folders it tries depends on
    the CPU's feature levels. Only the library found is compared."""
    out, searching, cache = [], False, None
    for i, line in enumerate(lines):
        if line.startswith('openat(AT_FDCWD, "/etc/ld.so.cache"'):
            searching = True
            m = re.search(r"\) = (\d+)$", line)
            cache = {"fd": m[1]} if m else None
            continue
        if searching and cache and "size" not in cache:
            m = re.match(rf'newfstatat\({cache["fd"]}, "", \{{st_mode=\S+, st_size=(\d+), ', line)
            if m:
                cache["size"] = m[1]
                continue
        if searching and cache and re.match(rf'(mmap\(NULL, {cache.get("size")}, PROT_READ, MAP_PRIVATE, '
                                            rf'{cache["fd"]}, 0\)|close\({cache["fd"]}\))', line):
            continue
        if searching and re.search(r"= -1 ENOENT", line) and re.match(r"(openat|newfstatat)\(AT_FDCWD, \"/", line):
            continue
        if searching and line.startswith("openat(AT_FDCWD, ") and re.search(r"\.so[.\d]*\", .*= \d+$", line):
            out.append(f"(the loader finds {line.split(chr(34))[1].rsplit('/', 1)[-1]})")
            searching = False
        if cache and "size" in cache and re.match(rf"munmap\(0x\w+, {cache['size']}\) = 0$", line):
            cache = None        # the cache's mapping, unmapped when the loader is done
            continue
        out.append(line)
    return out


def drop_loader_malloc(lines):
    """The loader's own anonymous read-write mmaps before it sets up the
    thread pointer (arch_prctl ARCH_SET_FS) are its minimal malloc's
    pages: how many and when depends on the size of its first allocations,
    which grow with the CPU's glibc-hwcaps levels (x86-64-v2 under QEMU,
    up to v4 on the host). Dropped from both traces; the program's own
    mmaps (after ARCH_SET_FS) are compared."""
    out, before = [], any(l.startswith("arch_prctl(ARCH_SET_FS") for l in lines)
    for line in lines:
        if line.startswith("arch_prctl(ARCH_SET_FS"):
            before = False
        if before and re.match(r"mmap\(NULL, \d+, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\)",
                               line):
            continue
        out.append(line)
    return out


def readdir_order(lines):
    """Runs of lstat-like calls (newfstatat of "DIR/NAME") come in the
    order readdir gave the names, which is the file system's: ext2's in
    the image (creation order), the host's own (ext4's hash order, say).
    Each run is compared as a sorted list."""
    out, run = [], []
    for line in lines + [None]:
        if line is not None and re.match(r'newfstatat\(AT_FDCWD, "[^"]*/[^"]*", ', line):
            run.append(line)
            continue
        out += sorted(run)
        run = []
        if line is not None:
            out.append(line)
    return out


def outside_tree(*paths):
    """A rule for files named by absolute paths that the host reads from
    its own / (the program runs in a copy of the image's tree, not in a
    chroot): what the calls on such a file return (its size, its bytes,
    how many of them) is not compared; that it is opened, read and
    closed, and with what, is."""
    def rule(lines):
        out, fd = [], None
        for line in lines:
            m = re.match(r'openat\(AT_FDCWD, "([^"]+)", .*\) = (\d+)$', line)
            if m and m[1] in paths:
                fd = m[2]
            elif fd and line.startswith(f"close({fd})"):
                fd = None
            elif fd and re.match(rf"(read|pread64|newfstatat|lseek)\({fd}, ", line):
                line = re.sub(r"st_size=\d+", "st_size=(host's)", line)
                line = re.sub(rf'^read\({fd}, ".*"(\.\.\.)?, (\d+)\) = \d+$', rf"read({fd}, (host's), \2) = (host's)",
                              line)
            out.append(line)
        return out
    rule.__doc__ = f"{', '.join(paths)}: the host's own. " + outside_tree.__doc__
    return rule


# Rules on one task's lines (after RULES), for what is not one line's.
TASK_RULES = [fold_library_search, drop_loader_malloc]

LINE = re.compile(r"^(?:\[pid +(\d+)\] |(\d+) +)?(.*)$")
RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")
UNFINISHED = " <unfinished ...>"
FORK = re.compile(r"^(?:fork|vfork|clone|clone3)\(.*\) = (\d+)$")


def parse(text):
    """[(pid, line)] of a trace, strace's or the tracer's, unfinished and
    resumed halves joined (at the resumed half's place)."""
    events, open_calls = [], {}
    for raw in text.splitlines():
        m = LINE.match(raw.rstrip())
        pid = int(m[1] or m[2] or 0)
        line = re.sub(r"\) +=", ") =", m[3])      # strace pads results to a column
        if line.endswith(UNFINISHED):
            open_calls[pid] = line[:-len(UNFINISHED)]
            continue
        r = RESUMED.match(line)
        if r and pid in open_calls:
            line = open_calls.pop(pid) + r[2]
        elif line.startswith("+++ ") and pid in open_calls:
            events.append((pid, open_calls.pop(pid) + UNFINISHED))
        events.append((pid, line))
    events += [(pid, line + " <unfinished ...>") for pid, line in open_calls.items()]
    return events


def task_names(events):
    """pid -> "p", "p.1", "p.1.2"...: the first task, then each task's
    children in the order its fork/clone calls returned them."""
    children = {}
    for pid, line in events:
        m = FORK.match(line)
        if m:
            children.setdefault(pid, []).append(int(m[1]))
    if not events:
        return {}
    names, todo = {events[0][0]: "p"}, [events[0][0]]
    while todo:
        pid = todo.pop(0)
        for i, c in enumerate(children.get(pid, []), 1):
            names[c] = f"{names[pid]}.{i}"
            todo.append(c)
    return names


HEAP_SPAN = 64 << 20


def relative_to_heap(line, base):
    """Addresses in the heap as BRK+offset: Linux starts the heap (brk) at
    a random distance past the program (ASLR), Kestrel right after it; the
    offsets into it are the same."""
    def rel(m):
        v = int(m[0], 16)
        return f"BRK+{v - base:#x}" if base <= v < base + HEAP_SPAN else m[0]
    return re.sub(r"\b0x[0-9a-f]+\b", rel, line)


def normalize(events, rules=()):
    """{task name: [line]} with pids named, heap addresses relative to the
    heap's start, and RULES (then rules) applied."""
    names = task_names(events)
    tasks, heap = {}, {}
    for pid, line in events:
        if line.startswith("execve("):
            heap.pop(pid, None)
        m = re.match(r"brk\(NULL\) = (0x[0-9a-f]+)$", line)
        if m and pid not in heap:
            heap[pid] = int(m[1], 16)
        if pid in heap:
            line = relative_to_heap(line, heap[pid])
        for real, name in names.items():
            line = re.sub(rf"((?:fork|vfork|clone|clone3|gettid|getpid|getppid|set_tid_address|wait4)\(.*\) = )"
                          rf"{real}$", rf"\g<1>{name}", line)
            line = re.sub(rf"\b(wait4|kill|tgkill|tkill)\({real}\b", rf"\1({name}", line)
            line = re.sub(rf"\bsi_pid={real}\b", f"si_pid={name}", line)
        for pattern, replacement, _ in list(RULES) + [r for r in rules if not callable(r)]:
            line = re.sub(pattern, replacement, line)
        tasks.setdefault(names.get(pid, f"pid {pid}"), []).append(line)
    return tasks


def _split_signals(lines):
    return [l for l in lines if not l.startswith("--- ")], sorted(l for l in lines if l.startswith("--- "))


def _drop_guest_only(host, guest, calls):
    """Guest lines of the calls `calls`, when the host's trace has none."""
    host_calls = {l.split("(")[0] for l in host}
    guest_calls = {l.split("(")[0] for l in guest}
    dropped = [c for c in calls if c not in host_calls and c in guest_calls]
    return [l for l in guest if l.split("(")[0] not in dropped], dropped


def side_by_side(host, guest, at, context=3, width=60):
    """Lines around the first difference (index at), Linux left, Kestrel right."""
    def cut(s):
        return s if len(s) <= width else s[:width - 3] + "..."
    out = [f"{'Linux (strace -f)':<{width}} | Kestrel (trace)"]
    for i in range(max(0, at - context), min(max(len(host), len(guest)), at + context + 1)):
        h = host[i] if i < len(host) else "(no more lines)"
        g = guest[i] if i < len(guest) else "(no more lines)"
        out.append(f"{cut(h):<{width}} {'|' if h == g else '*'} {cut(g)}")
    if at < len(host):
        out.append(f"Linux's line {at + 1} in full:   {host[at]}")
    if at < len(guest):
        out.append(f"Kestrel's line {at + 1} in full: {guest[at]}")
    return out


def compare(host_text, guest_text, known=(), guest_only_calls=()):
    """(ok, report lines): the traces compared task by task after
    normalization; the report shows the first divergence of each task."""
    host = normalize(parse(host_text), known)
    guest = normalize(parse(guest_text), known)
    ok, report = True, []
    for rule in [r for r in known if getattr(r, "whole_trace", False)]:
        host, guest = rule(host), rule(guest)
    for rule in TASK_RULES + [r for r in known if callable(r) and not getattr(r, "whole_trace", False)]:
        host = {task: rule(lines) for task, lines in host.items()}
        guest = {task: rule(lines) for task, lines in guest.items()}
    for task in sorted(set(host) | set(guest)):
        h, hs = _split_signals(host.get(task, []))
        g, gs = _split_signals(guest.get(task, []))
        g, dropped = _drop_guest_only(h, g, guest_only_calls)
        if dropped:
            report.append(f"task {task}: the guest's {', '.join(dropped)} calls left out (Linux makes none)")
        if task not in guest or task not in host:
            ok = False
            report.append(f"task {task}: only in {'Linux' if task in host else 'Kestrel'}'s trace")
            continue
        diff = next((i for i in range(max(len(h), len(g))) if i >= len(h) or i >= len(g) or h[i] != g[i]), None)
        if diff is not None:
            ok = False
            report.append(f"task {task}: first difference at its line {diff + 1} "
                          f"(Linux: {len(h)} lines, Kestrel: {len(g)})")
            report += ["  " + l for l in side_by_side(h, g, diff)]
        else:
            report.append(f"task {task}: {len(h)} lines the same")
        if hs != gs:
            ok = False
            report.append(f"task {task}: signals differ: Linux {hs}, Kestrel {gs}")
    return ok, report


def run_traced(t, command, known=(), guest_only_calls=()):
    """Runs shell command line `command` traced in the kernel and under
    strace on the host (see the module's comment), compares the outputs,
    exit statuses and traces; returns (host trace, guest trace) texts."""
    strace = shutil.which("strace")
    if not strace:
        t.fail("strace is not installed on the host (scripts/setup.sh installs it)")
    # stdin from /dev/null, stdout a pipe, on both sides (as run_on_host's).
    guest_cmd = f"trace -o {GUEST_TRACE} {command} </dev/null | cat"
    host_file = os.path.join(t.tmp, "linux.strace")
    host = t._boot_and_host(lambda: t.boot(append=f'init=/bin/sh token={t.token} -- "-c" "{guest_cmd}"', disk=True),
                            lambda root: t.BUSYBOX, "/bin/sh", copy_root=True,
                            args=["-c", f"{strace} -f -o {host_file} {command} </dev/null | cat"])
    guest = GuestRun(t.result.lines)
    t.notes.append(f"ran {command} under strace -f on the host in {t.host_root}: exit status {host.returncode}")
    t._compare_runs(host, guest, "/bin/sh", "sh")
    try:
        guest_text = t.image_file(GUEST_TRACE).decode(errors="replace")
    except fsimg_tools.ImageError as e:
        t.fail(f"no trace in the guest's {GUEST_TRACE}: {e}")
    host_text = open(host_file, errors="replace").read()
    keep = os.path.join(t.options.logdir, t.test.lab.key, f"{t.test.name}")
    os.makedirs(os.path.dirname(keep), exist_ok=True)
    for suffix, text in ((".linux.strace", host_text), (".kestrel.trace", guest_text)):
        with open(keep + suffix, "w") as f:
            f.write(text)
    t.notes.append(f"the traces: {keep}.linux.strace and {keep}.kestrel.trace")
    ok, report = compare(host_text, guest_text, known, guest_only_calls)
    for line in report:
        t.marks.append(Mark("GOOD" if ok or "lines the same" in line else "BAD", f"trace: {line}"))
    return host_text, guest_text
