"""The capstone's known differences between MediaServer -h traced on Linux
(../shared/mediaserver/linux-h.strace) and in Kestrel (Lab 5's trace -f):
each rule says what differs and why, for grade/strace_compare.compare's
known=. Everything not rewritten here is compared line by line.
"""
import re

# glibc registers a restartable sequence at start-up; Kestrel answers
# ENOSYS on purpose (no CONFIG_RSEQ, kernel/syscall/process.c; Lab 5's
# trace tests have the same rule) and glibc goes on without one.
NO_RSEQ = (r"^(rseq\(.*\)) = (0|-1 ENOSYS .*)$", r"\1 = 0 on Linux, ENOSYS on Kestrel (no CONFIG_RSEQ)",
           "Kestrel has no restartable sequences, on purpose (Lab 5)")

# A log line's write: its first 32 bytes hold the time, and its length
# the pid's digits (the log prefix "[7637-MediaServer]"). The lines
# themselves are compared, times and pids aside, by the ms-help tests.
LOG_WRITE = (r'^write\(1, "\\33\[36m\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} I \["\.\.\., \d+\) = \d+$',
             r'write(1, "\\33[36mTIME I ["..., (a log line)) = (its length)',
             "a log line's time and pid (its length has the pid's digits)")

LIBRARY_OPEN = re.compile(r'^openat\(AT_FDCWD, "(/[^"]+\.so[.\d]*)", O_RDONLY\|O_CLOEXEC\) = (\d+)$')


def library_builds(lines):
    """The libraries' own sizes: the image gets the grading host's Debian
    packages (libssl3, libcrypto3, libstdc++6, libc6), Linux's trace was
    made on another Debian 12 machine whose point releases may differ
    (libcrypto.so.3: 4742424 bytes there, 4734232 on a later openssl
    3.0.x). While the loader maps a library (its openat to its close),
    the file's size and the mappings' lengths and offsets are not
    compared; which calls, with which protections and flags, are (and
    the RELRO mprotects after, whose lengths happen to agree)."""
    out, fd = [], None
    for line in lines:
        m = LIBRARY_OPEN.match(line)
        if m:
            fd = m[2]
        elif fd and line.startswith(f"close({fd})"):
            fd = None
        elif fd:
            line = re.sub(r"st_size=\d+", "st_size=(library's)", line)
            line = re.sub(r"^mmap\((NULL|0xADDR), \d+, ", r"mmap(\1, (library's), ", line)
            line = re.sub(r", 0x[0-9a-f]+\) = 0xADDR$", ", (offset)) = 0xADDR", line)
        out.append(line)
    return out


def image_shell(tasks):
    """popen("which ffmpeg") runs /bin/sh -c "which ffmpeg": Linux's /bin/sh
    is Debian's dash (dynamically linked; it forks /usr/bin/which, a shell
    script), the image's is busybox's ash (static; its which is an applet
    it runs itself). What the shell does after its execve is the other
    program's, not the kernel's: compared are MediaServer's side (clone3
    CLONE_VM|CLONE_VFORK, the child's dup2 and execve, the pipe read to
    its end, wait4) and the shell's exit status (1: no ffmpeg)."""
    shells = set()
    for task, lines in tasks.items():
        if any(re.match(r'execve\("/bin/sh", .*\) = 0$', l) for l in lines):
            shells.add(task)
    out = {}
    for task, lines in tasks.items():
        if any(task.startswith(s + ".") for s in shells):
            continue                            # the shell's own children
        if task in shells:
            i = next(i for i, l in enumerate(lines) if re.match(r'execve\("/bin/sh", .*\) = 0$', l))
            lines = lines[:i + 1] + [l for l in lines[i + 1:] if l.startswith(("exit_group(", "+++ "))]
        out[task] = lines
    return out


image_shell.whole_trace = True

KNOWN = [NO_RSEQ, LOG_WRITE, library_builds, image_shell]
