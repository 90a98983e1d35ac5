"""Lab 5, Part A: the strace-format tracer, checked against Linux's strace.

Run by labs/lab5/lab.py, which provides `lab`.

Each test runs a program under the tracer in the kernel (`trace -o`, from
the root image) and under `strace -f` on the host, compares the program's
output and exit status as the other labs do, then the two traces line by
line after the normalization grade/strace_compare.py documents (pids,
addresses, the environment, times...). A difference is shown side by side
at the first line where a task's traces part.
"""
from strace_compare import run_traced

PROGRAMS = "./usr/lib/kestrel"

# The checkpoint proof grades these for each blank exercise.
lab.exercise_tests[1] = ["trace-decode"]       # the result: "= -1 ENOENT (...)"
lab.exercise_tests[2] = ["trace-decode"]       # strings and buffers


@lab.test(points=10, timeout=30.0, name="trace-decode")
def trace_decode(t):
    """A static musl program making calls with known arguments, one of
    each kind the tracer decodes: flags (O_, AT_, PROT_, MAP_, SA_),
    strings (short, cut at 32 bytes, escaped), output buffers shown after
    the call, stat, iovec, pollfd, signal sets and actions, rlimits,
    errors with their names and texts."""
    run_traced(t, f"{PROGRAMS}/lab5/trace_decode")


@lab.test(points=10, timeout=30.0, name="trace-forkwait")
def trace_forkwait(t):
    """A parent forks, the child writes and exits with 7, the parent
    waits: two tasks' lines, the child's "+++ exited with 7 +++", wait4's
    status decoded, and the SIGCHLD the parent takes."""
    run_traced(t, f"{PROGRAMS}/lab5/trace_forkwait")


# Linux answers time(), clock_gettime() and gettimeofday() in the vDSO,
# without a system call; Kestrel has no vDSO until Part C, so the guest
# makes these calls and the host does not (dropped from the guest's trace
# only when the host's has none of them).
VDSO_CALLS = ("time", "clock_gettime", "gettimeofday", "getcpu")


@lab.test(points=10, timeout=60.0, name="trace-glibc-hello")
def trace_glibc_hello(t):
    """Lab 4's glibc hello, dynamically linked: the loader's calls (its
    library search, mmap of libc's segments, mprotect), stdio, malloc
    through brk and mmap, /etc/localtime."""
    run_traced(t, f"{PROGRAMS}/lab4/glibc_hello", guest_only_calls=VDSO_CALLS)


@lab.test(points=10, timeout=60.0, name="trace-busybox-ls")
def trace_busybox_ls(t):
    """busybox ls -l of a fixed folder of the image (etc): getdents64,
    lstat of each entry, the columns written to a pipe."""
    run_traced(t, "./bin/busybox ls -l etc", guest_only_calls=VDSO_CALLS)
