"""Lab 6 (vfork and futex): the grader's tests.

A large lab, so its tests live in one file per part, each adding to the
`lab` declared here (Lab.include runs them in order):

    threads.py    Part A: clone and clone3, thread groups, exit and de-thread, vfork and posix_spawn
    tsignals.py   Part B: signals in a thread group (per-thread masks and pending sets, tgkill)
    futex.py      Part C: the full futex (requeue, wake-op, bitsets, timeouts, shared keys, robust lists)
    smp.py        Part D: one address space on several CPUs (TLB shootdown, concurrent faults, scheduling)
    programs.py   Part E: real threaded programs (glibc pthreads, C++ std::thread, musl, make, xz, python3...)

As in Labs 4 and 5, most tests run a program from user/lab6/ in the kernel
and on the host and compare outputs and exit statuses; thread tests run
with 1 and with 4 CPUs.

Blanks (exercises) of this lab, for the checkpoint tool: every region
marked "LAB 6" in the tree; see handout/docs/labs/lab6.md. Each part file
names the tests of its exercises in lab.exercise_tests.
"""
from testing import Lab

lab = Lab(6, "vfork and futex: threads, clone3 and the full futex")
lab.include("threads", "tsignals", "futex", "smp", "programs")
