"""Lab 7, Part B: the pseudo-file framework and /proc/PID.

Run by labs/lab7/lab.py, which provides `lab`.
"""

lab.program_test("proc-self", "pid_self", 10, timeout=30.0,
                 doc="a process reads its own /proc/self: status (Linux 6.1's fields, Name, State, Pid, "
                     "PPid, Uid, Gid, Threads...) and the stat line (52 fields: pid, comm, state, ppid, "
                     "pgrp, session, threads, code, stack, argument and environment addresses) against "
                     "its system calls; cmdline and environ; the self, thread-self, exe, cwd and root "
                     "links; the pid list; partial reads, pread, lseek, a new snapshot at offset 0; comm "
                     "written and read with prctl; oom_score_adj; limits; a child's /proc/PID as a "
                     "zombie and after wait; another user refused environ, maps, fd/ and exe")

# Exercise 2 (the stat line): with it blank, stat reads fail (ENOSYS).
lab.exercise_tests[2] = ["proc-self"]
