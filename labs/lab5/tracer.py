"""Lab 5, Part A: the strace-format tracer, checked against Linux's strace.

Run by labs/lab5/lab.py, which provides `lab`.

Each test runs a program under the tracer in the kernel (`trace -o`, from
the root image) and under `strace -f` on the host, compares the program's
output and exit status as the other labs do, then the two traces line by
line after the normalization grade/strace_compare.py documents (pids,
addresses, the environment, times...). A difference is shown side by side
at the first line where a task's traces part.
"""
import fsimg_tools
from strace_compare import outside_tree, readdir_order, run_traced

PROGRAMS = "./usr/lib/kestrel"

# The checkpoint proof grades these for each blank exercise.
lab.exercise_tests[1] = ["trace-decode"]       # the result: "= -1 ENOENT (...)"
lab.exercise_tests[2] = ["trace-decode"]       # strings and buffers


# The machine's own values in the structures trace_decode asks for: the
# host's name and memory are not the guest's. The fields' names and order
# are compared.
MACHINE_VALUES = [
    (r'nodename="[^"]*"', 'nodename="(the machine\'s)"', "the host's name"),
    (r"(uptime|loads|totalram|freeram|sharedram|bufferram|totalswap|freeswap|procs|totalhigh|freehigh|mem_unit)"
     r"=(\[[\d, ]*\]|\d+)", r"\1=(the machine's)", "sysinfo's figures"),
    # Linux's statx also reports the mount's id; Kestrel's has none to give.
    (r"(stx_mask=[A-Z_|]*?)\|STATX_MNT_ID\b", r"\1", "no mount ids in Kestrel's statx"),
]


@lab.test(points=10, timeout=30.0, name="trace-decode")
def trace_decode(t):
    """A static musl program making calls with known arguments, one of
    each kind the tracer decodes: flags (O_, AT_, PROT_, MAP_, SA_),
    strings (short, cut at 32 bytes, escaped), output buffers shown after
    the call, stat, iovec, pollfd, signal sets and actions, rlimits,
    utsname, sysinfo, timespec, errors with their names and texts."""
    run_traced(t, f"{PROGRAMS}/lab5/trace_decode", known=MACHINE_VALUES)


@lab.test(points=10, timeout=30.0, name="trace-forkwait")
def trace_forkwait(t):
    """A parent forks, the child writes and exits with 7, the parent
    waits: two tasks' lines, the child's "+++ exited with 7 +++", wait4's
    status decoded, and the SIGCHLD the parent takes."""
    run_traced(t, f"{PROGRAMS}/lab5/trace_forkwait")


# glibc registers a restartable sequence at start-up; Kestrel answers
# ENOSYS on purpose, as a Linux built without CONFIG_RSEQ does
# (kernel/syscall/process.c), and glibc goes on without one.
NO_RSEQ = (r"^(rseq\(.*\)) = (0|-1 ENOSYS .*)$", r"\1 = 0 on Linux, ENOSYS on Kestrel (no CONFIG_RSEQ)",
           "Kestrel has no restartable sequences, on purpose")


@lab.test(points=10, timeout=60.0, name="trace-glibc-hello")
def trace_glibc_hello(t):
    """Lab 4's glibc hello, dynamically linked: the loader's calls (its
    library search, mmap of libc's segments, mprotect), stdio, malloc
    through brk and mmap, /etc/localtime."""
    run_traced(t, f"{PROGRAMS}/lab4/glibc_hello", known=[NO_RSEQ])


# busybox finds its own file through /proc/self/exe; Kestrel has no procfs
# until Lab 7, so its readlink fails (busybox does not need the answer).
NO_PROCFS = (r'^readlink\("/proc/self/exe", .*$', 'readlink("/proc/self/exe", ...) (no procfs until Lab 7)',
             "Kestrel has no /proc yet")
# ... and what busybox allocated from the answer moves its later heap
# blocks: the directory buffer's place in the heap is not compared.
HEAP_AFTER_PROCFS = (r"getdents64\((\d+), BRK\+0x[0-9a-f]+", r"getdents64(\1, (a heap block)",
                     "heap blocks after the /proc/self/exe answer")


@lab.test(points=10, timeout=60.0, name="trace-busybox-ls")
def trace_busybox_ls(t):
    """busybox ls -l of a fixed folder of the image (etc): getdents64,
    lstat of each entry, the columns written to a pipe. busybox looks up
    owners in /etc/passwd and /etc/group by absolute path: on the host,
    the host's own files (outside_tree)."""
    run_traced(t, "./bin/busybox ls -l etc", known=[NO_RSEQ, NO_PROCFS, HEAP_AFTER_PROCFS, readdir_order,
                                                         outside_tree("/etc/group", "/etc/passwd")])


@lab.test(points=5, timeout=60.0, name="trace-glibc-fork")
def trace_glibc_fork(t):
    """glibc's fork, which is clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|
    CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=...): the clone line with its
    named arguments, the child's calls, wait4 and SIGCHLD."""
    run_traced(t, f"{PROGRAMS}/lab5/trace_fork", known=[NO_RSEQ])


@lab.test(points=10, timeout=60.0, name="trace-signals")
def trace_signals(t):
    """Signals in the trace: "--- SIGUSR1 {si_signo=..., si_code=SI_USER,
    ...} ---" before the handler's calls and its rt_sigreturn, a pause()
    that SIGALRM ends ("= ? ERESTARTNOHAND", then EINTR), a child killed
    by SIGTERM ("+++ killed by SIGTERM +++") and the SIGCHLD that follows."""
    run_traced(t, f"{PROGRAMS}/lab5/trace_signals")


@lab.test(points=5, timeout=60.0, name="trace-timers", depends=["trace-signals"])
def trace_timers(t):
    """POSIX timers in the trace: timer_create's sigevent and the id it
    wrote ("[0]"), timer_settime's TIMER_ABSTIME and itimerspecs,
    timer_gettime, timer_getoverrun, timer_delete and their errors, and
    the timer's signal ("--- SIGUSR1 {..., si_code=SI_TIMER, si_timerid=0,
    si_overrun=0, si_int=7, si_ptr=0x7} ---") ending a pause()."""
    run_traced(t, f"{PROGRAMS}/lab5/trace_timers")


@lab.test(points=0, timeout=40.0, name="trace-setuid")
def trace_setuid(t):
    """A user who traces a set-user-ID program gets no privilege from it
    (Linux refuses it to a ptraced program too): busybox su, traced by
    user 1000, says it must be suid instead of reading /etc/shadow as root
    under the user's eyes. Traced by root, su works. Kestrel's own feature
    (Linux has no such prctl), so the expected lines are written here; no
    points, since it guards a hole rather than an exercise."""
    script = fsimg_tools.guest_program(5, "trace_setuid.sh")
    t.boot(append=f"init=/bin/sh token={t.token} -- {script}", disk=True)
    t.expect(r"^su: must be suid to work properly$")
    t.expect(r"^user: 1$")
    t.expect(r"^1000$")
    t.expect(r"^root: 0$")
