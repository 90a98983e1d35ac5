"""Lab 5, Part C: time as programs read it (vDSO, clocks, times, getrusage), sysinfo, scheduling calls.

Run by labs/lab5/lab.py, which provides `lab`.

Each test runs a program from user/lab5/ (time_*.c, or glibc/time_*.c)
in the kernel and on the host and compares outputs and exit statuses.
Times differ from run to run, so the programs print relations ("elapsed
within [0.19, 2] s: yes"), never the times themselves."""
import functools
import re


# A program run in the kernel and on the host (Lab.program_test), with
# this part's usual timeout.
time_test = functools.partial(lab.program_test, timeout=40.0)


time_test("time-clocks", "time_clocks", 10,
          doc="clock_gettime and clock_getres for every clock id, gettimeofday and time, TIMER_ABSTIME "
              "sleeps, the CPU-time clocks (also a child's), and the errors of reading and setting clocks")
time_test("time-usage", "time_usage", 10,
          doc="getrusage (RUSAGE_SELF, RUSAGE_THREAD, RUSAGE_CHILDREN) and times() show CPU time really "
              "spent, as user time; a child's and grandchild's in wait4's rusage; switches and page faults")
time_test("time-sched", "time_sched", 5,
          doc="sched_get_priority_min/max, sched_setscheduler/getscheduler/setparam/getparam, "
              "SCHED_RESET_ON_FORK, getpriority/setpriority/nice, affinity masks, sched_rr_get_interval")
time_test("time-sysinfo", "time_sysinfo", 10, timeout=60.0,
          doc="sysinfo's fields consistent with each other and the clocks; the 1-minute load average "
              "rises above 0 while two processes spin")
time_test("time-timers", "time_timers", 10,
          doc="POSIX timers: timer_create's ids and errors, SIGEV_SIGNAL's siginfo (SI_TIMER, si_timerid, "
              "si_value, si_overrun), SIGEV_NONE, SIGEV_THREAD_ID, relative and TIMER_ABSTIME times, "
              "intervals and their overruns, no timers after fork or exec")
time_test("time-timers-stress", "time_timers_stress", 5, depends=["time-timers"],
          doc="processes ending with POSIX timers firing every millisecond: by exit, by exec and by "
              "SIGKILL while they create, arm and delete timers; the kernel stays up")

# The checkpoint proof grades these for each blank exercise.
lab.exercise_tests[5] = ["time-sysinfo"]


# --- the vDSO ---------------------------------------------------------------------

time_test("time-vdso", "time_vdso", 10,
          doc="a glibc program finds the vDSO (AT_SYSINFO_EHDR) and its four functions with version "
              "LINUX_2.6, calls them directly and through glibc: right answers, a fraction of a system call's cost")


@lab.test(points=5, timeout=40.0, name="time-vdso-no-syscall", depends=["time-vdso"])
def time_vdso_no_syscall(t):
    """With syscall_log on, glibc's clock_gettime, gettimeofday and time
    called 104000 times between two marker lines make no system call:
    the kernel logs none of them there (and the markers' writes, so the
    log works)."""
    t.boot(append=f"init=/usr/lib/kestrel/lab5/time_vdso syscall_log token={t.token} -- loops", disk=True)
    start = t.expect(r"^vdso loop: start$")
    end = start and t.expect(r"^vdso loop: end$", after=start)
    if not end:
        return
    lines = t.result.lines
    between = [l.text for l in lines[start.line.index + 1:end.line.index]]
    clock_calls = [l for l in between if re.match(r"^\[pid \d+\] (clock_gettime|gettimeofday|time)\(", l)]
    writes = [l for l in lines[start.line.index - 3:end.line.index + 3] if "] write(" in l.text]
    t.check(writes, "the syscall log shows the markers' writes")
    t.check(not clock_calls, f"no clock system call between the markers ({len(between)} lines there)"
            + (f"; first: {clock_calls[0]}" if clock_calls else ""))


# --- Debian programs ------------------------------------------------------------

@lab.test(points=5, timeout=60.0, name="time-bash", depends=["time-usage"])
def time_bash(t):
    """Debian's bash (in the image) and its time builtin: real, user and
    sys of a sleep, of a spinning subshell (the children's times) and of
    the shell itself, within sane bounds, as on Linux."""
    t.run_command("/bin/bash", ["usr/lib/kestrel/lab5/time_bash.sh"])
