"""Lab 5, Part C: time as programs read it (vDSO, clocks, times, getrusage), sysinfo, scheduling calls.

Run by labs/lab5/lab.py, which provides `lab`.

Each test runs a program from user/lab5/ (time_*.c, or glibc/time_*.c)
in the kernel and on the host and compares outputs and exit statuses.
Times differ from run to run, so the programs print relations ("elapsed
within [0.19, 0.6] s: yes"), never the times themselves."""


def time_test(name, program, points, timeout=40.0, depends=None, doc=""):
    def run(t):
        t.run_user(program, disk=True)
    run.__doc__ = doc
    run.__name__ = program
    lab.test(points=points, timeout=timeout, name=name, depends=depends or [])(run)


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

# The checkpoint proof grades these for each blank exercise.
lab.exercise_tests[5] = ["time-sysinfo"]
