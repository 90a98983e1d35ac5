"""Lab 6, Part A: clone and clone3, thread groups, exit, de-thread, vfork and posix_spawn.

Run by labs/lab6/lab.py, which provides `lab`.
"""

lab.program_test("thr-flags", "thr_flags", 5, 10,
                 doc="clone and clone3 refuse Linux's invalid flag combinations (EINVAL) and sizes (E2BIG), "
                     "and take every published struct clone_args size")
lab.program_test("thr-family", "thr_family", 6, 15,
                 doc="CLONE_PARENT, clone on a new stack as a fork, vfork on a stack, clone3 as posix_spawn "
                     "(the parent is let go at execve), CLONE_CLEAR_SIGHAND, CLONE_CHILD_SETTID, __WCLONE")
lab.program_test("thr-leader-exit", "thr_leader_exit", 4, 10,
                 doc="the leader exits first: the process (here init) lives on in its thread, whose exit "
                     "status becomes the process's")
lab.program_test("thr-pidfd", "thr_pidfd", 4, 10,
                 doc="CLONE_PIDFD (clone and clone3) and pidfd_open: poll says POLLIN at the end and POLLHUP "
                     "once reaped; waitid(P_PIDFD) collects the process")

lab.program_test_per_cpus("thr-pthread", "thr_pthread", 6, 10,
                          doc="glibc pthread_create/pthread_join: threads share memory, files and the pid")
lab.program_test_per_cpus("thr-clone", "thr_clone", 6, 10,
                          doc="raw clone with glibc's thread flags (pid, tid, SETTLS, PARENT_SETTID, CHILD_CLEARTID), "
                              "and each sharing flag shares exactly its part")
lab.program_test_per_cpus("thr-exec", "thr_exec", 6, 15,
                          doc="execve with other threads running (de-thread): they end, the pid stays, "
                              "a non-leader takes the leader's place")
lab.program_test_per_cpus("thr-exit", "thr_exit", 6, 15,
                          doc="exit ends one thread, exit_group all; the process is reported after its last "
                              "thread, with exit_group's or the last thread's status; wait4 never sees threads")

lab.program_test_per_cpus("thr-cputime", "thr_cputime", 4, 20,
                          doc="a process's CPU time is all its threads', running or ended: the process clock, "
                              "getrusage(RUSAGE_SELF), times() and the parent's wait4 count them; "
                              "RUSAGE_THREAD and the thread clock only the caller")

# Exercise 1: clone's sharing (proc/fork.c); 2: CLONE_CHILD_CLEARTID at a
# thread's end (proc/exit.c); 3: de-thread in execve (proc/dethread.c).
lab.exercise_tests[1] = ["thr-clone-1cpu", "thr-pthread-1cpu"]
lab.exercise_tests[2] = ["thr-clone-1cpu", "thr-pthread-1cpu"]
lab.exercise_tests[3] = ["thr-exec-1cpu"]
