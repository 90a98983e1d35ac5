"""Lab 7 (procfs and sysfs): the grader's tests.

One file per part, each adding to the `lab` declared here (Lab.include
runs them in order):

    mounts.py     Part A: mount and umount2, mount flags, tmpfs on /dev/shm, statfs, /proc/mounts
    procpid.py    Part B: the pseudo-file framework and /proc/PID (stat, status, maps, fd/, task/...)
    system.py     Part C: system-wide /proc files (meminfo, cpuinfo, stat, loadavg...) and /sys
    programs.py   Part D: real programs reading /proc and /sys (ps, top, free, df, pmap, Python)

As in the earlier labs, most tests run a program from user/lab7/ in the
kernel and on the host and compare: where values differ between two
machines (pids, sizes, times), the programs print the structure of what
they read (field names and counts) and check the values that must agree
(their own pid, uid, mappings) themselves.

Blanks (exercises) of this lab, for the checkpoint tool: every region
marked "LAB 7" in the tree; see handout/docs/labs/lab7.md. Each part file
names the tests of its exercises in lab.exercise_tests.
"""
from testing import Lab

lab = Lab(7, "procfs and sysfs: /proc and /sys as Linux shows them")
lab.include("mounts", "procpid", "system", "programs")
