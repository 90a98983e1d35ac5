"""Lab 5 (system calls): the grader's tests.

A large lab, so its tests live in one file per part, each adding to the
`lab` declared here (Lab.include runs them in order):

    tracer.py    Part A: the strace-format tracer, checked against Linux's strace
    signals.py   Part B: signals delivered to handlers, sigreturn, timers
    clocks.py    Part C: time (vDSO, clocks, times, getrusage), sysinfo, scheduling calls
    creds.py     Part D: credentials and permission checks
    files.py     Part E: file locks and the calls everyday programs probe

As in Lab 4, most tests run a program from user/lab5/ in the kernel and on
the host and compare outputs and exit statuses.

Blanks (exercises) of this lab, for the checkpoint tool: every region
marked "LAB 5" in the tree; see handout/docs/labs/lab5.md. Each part file
names the tests of its exercises in lab.exercise_tests.
"""
from testing import Lab

lab = Lab(5, "System calls: tracing, signals, time and credentials")
lab.include("tracer", "signals", "clocks", "creds", "files")
