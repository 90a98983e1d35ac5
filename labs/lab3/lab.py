"""Lab 3 (processes): the grader's tests.

Most tests run a user program from user/lab3/ twice — as the kernel's first
process and on the host Linux — and compare the two (t.run_user). The
kernel tests (labs/lab3/ktests.c) check what user programs cannot see:
every CPU running, kernel threads and wait queues.

Blanks (exercises) of this lab, for the checkpoint tool: every region
marked "LAB 3" in the tree; see handout/docs/labs/lab3.md.
"""
import re

from testing import Lab, Mark

lab = Lab(3, "Processes: user mode, system calls, scheduling on every CPU")

# The checkpoint proof grades these for each blank exercise (the quickest
# to fail; see the handout's "Tests that need it" table).
lab.exercise_tests = {1: ["hello"], 2: ["hello"], 3: ["syscall-errors"], 4: ["hello"], 5: ["hello"],
                      6: ["fork-tree"], 7: ["fork-tree"], 8: ["fork-tree"], 9: ["fork-tree"], 10: ["smp"]}

N = r"(\d+)"


def tok(t):
    return int(t.token, 16)


def cpu_stats(t):
    """The kernel's per-CPU figures, printed when the first process ends."""
    stats = {}
    for line in t.result.lines:
        m = re.match(r"^kestrel: cpu(\d+): (\d+) switches, (\d+) ticks in user mode$", line.text)
        if m:
            stats[int(m[1])] = (int(m[2]), int(m[3]))
    return stats


# --- every CPU, kernel threads, wait queues -----------------------------------

@lab.test(points=10, timeout=4.0)
def smp(t):
    """All the CPUs QEMU gives start (INIT/SIPI) and each runs kernel threads."""
    cpus = 4 if tok(t) % 2 else 3
    t.boot(cpus=cpus)
    t.expect(rf"^smp: {cpus} of {cpus} CPUs online$")
    m = t.expect(rf"^smp-test: {N} threads ran on CPUs \[([0-9 ]+)\], token={{token}}$")
    if m:
        seen = {int(c) for c in m[2].split()}
        t.check(seen == set(range(cpus)), f"threads ran on every CPU 0..{cpus - 1} (saw {sorted(seen)})")


@lab.test(points=10, timeout=4.0)
def kthreads(t):
    """Kernel threads, context switches, wait queues (wake one, wake all,
    deadlines), and joining a thread for its result."""
    t.boot()
    rounds = 100 + tok(t) % 200
    t.expect(rf"^kthreads: ping-pong: {rounds} rounds, {rounds} wake-ups each way, token={{token}}$")
    t.expect(r"^kthreads: wake_up_one woke 1 of 3 sleepers; wake_up_all woke the other 2$")
    m = t.expect(r"^kthreads: a 30 ms deadline passed after (\d+) ms with -ETIMEDOUT$")
    if m:
        t.check(30 <= int(m[1]) <= 80, f"the deadline took {m[1]} ms (30 to 80 expected)")
    t.expect(rf"^kthreads: joined 8 threads, results sum to {sum(range(8)) * 3 + 8 * (tok(t) % 1000)}$")


# --- lock checking (kernel/include/kernel/lockdep.h) ----------------------------

SITE = r"\+0x[0-9a-f]+"


def lock_names(t):
    """The test's three locks (labs/lab3/ktests_lockdep.c): the token's
    low bit picks mutexes or spinlocks."""
    return ["&mutex_a", "&mutex_b", "&mutex_c"] if tok(t) & 1 else ["spin_a", "spin_b", "spin_c"]


@lab.test(points=5, depends=["kthreads"], name="lockdep-abba")
def lockdep_abba(t):
    """Locks taken in opposite orders (A then B, later B then A; or a
    cycle of three): the lock checker panics at the acquisition that
    closes the cycle, before anything deadlocks, naming where each
    order was taken."""
    t.expect_kernel_panic()
    t.boot()
    names = lock_names(t)
    three = bool(tok(t) & 2)
    held = names[2] if three else names[1]
    closing = "lockdep_order_ca" if three else "lockdep_order_ba"
    q = re.escape
    t.expect(rf'^PANIC: lockdep: lock order inversion: taking "{q(names[0])}" while holding "{q(held)}"')
    t.expect(rf'^  now: holding "{q(held)}" .*, taken at {closing}{SITE}$')
    t.expect(rf'^       taking  "{q(names[0])}" .* at {closing}{SITE}$')
    for earlier in ["ab", "bc"] if three else ["ab"]:
        fn = f"lockdep_order_{earlier}"
        t.expect(rf"^    first seen: held since {fn}{SITE}, then taken at {fn}{SITE} ")
    t.forbid(r"^lockdep-abba: survived")


@lab.test(points=5, depends=["kthreads"], name="lockdep-recursion")
def lockdep_recursion(t):
    """A spinlock or mutex taken again by the CPU or task holding it: a
    panic naming both call sites, instead of a silent hang."""
    t.expect_kernel_panic()
    t.boot()
    name = lock_names(t)[0]
    kind, holder = ("mutex", "task") if tok(t) & 1 else ("spinlock", "CPU")
    t.expect(rf'^PANIC: lockdep: {kind} "{re.escape(name)}" taken again by the {holder} holding it')
    t.expect_sequence([rf"^  first taken at lockdep_take_first{SITE}$",
                       rf"^  taken again at lockdep_take_again{SITE}$"])
    t.forbid(r"^lockdep-recursion: survived")


@lab.test(points=5, depends=["kthreads"], name="lockdep-sleep")
def lockdep_sleep(t):
    """Sleeping with a spinlock held (a mutex, or a timed sleep): a panic
    naming the spinlock and where it was taken."""
    t.expect_kernel_panic()
    t.boot()
    what = "mutex_lock" if tok(t) & 1 else "sleep_until"
    t.expect(rf"^PANIC: lockdep: {what} may sleep, but a spinlock is held$")
    t.expect(rf'^    "spin_a" taken at lockdep_sleep_locked{SITE}$')
    t.forbid(r"^lockdep-sleep: survived")


# --- user programs, compared with Linux -----------------------------------------

@lab.test(points=10, timeout=4.0)
def hello(t):
    """The first process: loaded from the embedded ELF program, entered in
    user mode, writes through write/writev, its exit status reaches the kernel."""
    t.run_user("hello")


@lab.test(points=10, depends=["hello"], timeout=4.0)
def auxv(t):
    """The initial stack: argc, argv, envp and the auxiliary vector as Linux lays them out."""
    t.run_user("auxv")


@lab.test(points=10, depends=["hello"], timeout=4.0, name="syscall-errors")
def syscall_errors(t):
    """Bad numbers get ENOSYS, bad pointers EFAULT (never a crash), bad
    arguments EINVAL; each unknown number is reported once."""
    t.run_user("syscall_errors")
    for nr in ("9999", "-1", "500"):
        t.expect(rf"^kestrel: syscall {nr} does not exist: ENOSYS to pid 1 ")
    reports = [l for l in t.result.lines if re.match(r"^kestrel: syscall 9999 does not exist", l.text)]
    t.check(len(reports) == 1, f"syscall 9999 (called twice) is reported once on the console ({len(reports)} reports)")


@lab.test(points=5, depends=["hello"], timeout=4.0, name="kernel-log")
def kernel_log(t):
    """Log levels: at the console's default level an ENOSYS report
    (KERN_DEBUG) stays off the console but is in the kernel log, which
    syslog(2) reads back ("<7>..."), as busybox dmesg does."""
    t.boot(append=f"init=kernel_log token={t.token} loglevel=7")
    for line in ("SYSLOG_ACTION_SIZE_BUFFER is at least 4 KiB: ok",
                 "syscall(7777): errno ENOSYS",
                 "the report is in the log at level 7 (KERN_DEBUG): ok",
                 "the boot messages are in the log at level 4: ok",
                 "SYSLOG_ACTION_SIZE_UNREAD counts them: ok",
                 "SYSLOG_ACTION_READ_ALL to a bad pointer: errno EFAULT",
                 "SYSLOG_ACTION_CLEAR: ok",
                 "a cleared log no longer has the report: ok",
                 "SYSLOG_ACTION_READ_ALL to NULL: errno EINVAL",
                 "action 99: errno EINVAL"):
        t.expect("^" + re.escape(line) + "$")
    t.forbid(r"^kestrel: syscall 7777")
    t.expect(r"^kestrel: init \(kernel_log\) exited with code 0$")


@lab.test(points=5, depends=["hello"], timeout=4.0, name="syscall-log")
def syscall_log(t):
    """With "syscall_log" on the command line, the kernel logs every call,
    in strace's format. Strings and results are decoded by Lab 5's
    exercises: until then a string shows as its address, a result raw."""
    t.boot(append=f"init=hello syscall_log token={t.token}")
    t.expect(r"^\[pid 1\] arch_prctl\(ARCH_SET_FS, 0x[0-9a-f]+\) = 0$")
    # musl asks whether stdout is a terminal (TIOCGWINSZ); the answer
    # depends on the console driver, the logging does not.
    t.expect(r"^\[pid 1\] ioctl\(1, TIOCGWINSZ, 0x[0-9a-f]+\) = ")
    t.expect(r'^\[pid 1\] write\(1, (0x[0-9a-f]+|"hello from write\(1\)\\n"), 20\) = 20$')
    t.expect(r"^\[pid 1\] exit_group\(3\) = \?$")


@lab.test(points=10, depends=["hello"], timeout=4.0, name="fork-tree")
def fork_tree(t):
    """fork and wait4 across three generations, exit codes collected by pid."""
    t.run_user("fork_tree")


@lab.test(points=10, depends=["fork-tree"], timeout=4.0, name="wait-status")
def wait_status(t):
    """wait4's status encoding for exits and deaths by signal; WNOHANG; ECHILD."""
    t.run_user("wait_status")


@lab.test(points=15, depends=["fork-tree"], timeout=4.0)
def cow(t):
    """Copy-on-write: after fork, each side's writes stay its own."""
    t.run_user("cow")


@lab.test(points=10, depends=["fork-tree"], timeout=8.0, name="many-procs")
def many_procs(t):
    """64 processes at once on 4 CPUs: all finish with the right results,
    and more than one CPU ran user code."""
    t.run_user("many_procs", cpus=4)
    busy = [c for c, (_, user) in cpu_stats(t).items() if user > 0]
    t.check(len(busy) >= 2, f"at least 2 CPUs spent ticks in user mode (CPUs {busy} did)")


@lab.test(points=10, depends=["fork-tree"], timeout=4.0)
def sleep(t):
    """nanosleep and clock_nanosleep (relative and absolute) last as long as
    asked; CLOCK_REALTIME comes from the CMOS clock."""
    t.run_user("sleep")


@lab.test(points=10, depends=["fork-tree"], timeout=4.0)
def segv(t):
    """A child's bad access kills it with SIGSEGV, with a one-line report;
    the parent carries on."""
    guest = t.run_user("segv")
    kills = [l for l in guest.kernel_lines if re.match(r"^kestrel: pid \d+ \(segv\) killed by SIGSEGV: ", l.text)]
    for l in kills:
        t.marks.append(Mark("GOOD", "the kernel reports the killed child in one line", l))
    t.check(len(kills) == 6, f"six children killed by SIGSEGV are reported ({len(kills)} reports)")
    t.forbid(r"^PANIC")


@lab.test(points=10, depends=["fork-tree"], timeout=4.0)
def brk(t):
    """brk grows and shrinks the heap; new memory reads as zero."""
    t.run_user("brk")


@lab.test(points=5, depends=["fork-tree"], timeout=4.0)
def ids(t):
    """getpid, getppid, gettid, uname, sched_yield."""
    t.run_user("ids")


@lab.test(points=10, depends=["fork-tree"], timeout=6.0)
def orphan(t):
    """A process whose parent exits is adopted by the first process, which reaps it."""
    t.run_user("orphan")


@lab.test(points=10, depends=["fork-tree"], timeout=8.0)
def preempt(t):
    """On one CPU, a process spinning without system calls is preempted by
    the timer, so a sleeping process gets the CPU back."""
    t.run_user("preempt", cpus=1)
