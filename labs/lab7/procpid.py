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

lab.program_test("proc-maps-fd", "pid_files", 10, timeout=30.0,
                 doc="/proc/self/maps against the process's own mappings (Linux's format; a file mapped at "
                     "an offset with its device, inode and path; anonymous memory split by mprotect, gone "
                     "after munmap; shared anonymous memory; [heap], [stack], [vdso]; a removed file's "
                     "(deleted)); /proc/self/fd after dup2 and close, the links' text (paths, pipe:[ino]), "
                     "a pipe opened again through its link is the same pipe, fdinfo, a closed fd's name "
                     "stops resolving")

lab.program_test("proc-threads", "pid_threads", 5, timeout=30.0, depends=["proc-self"],
                 doc="a glibc process with three threads: /proc/self/task lists their tids, each "
                     "task/TID has its own stat, status and comm, Threads: counts them, "
                     "pthread_setname_np and pthread_getname_np on another thread (through "
                     "task/TID/comm), /proc/thread-self in a thread, a joined thread's task/TID gone")

lab.program_test("proc-timers", "pid_timers", 3, timeout=30.0, depends=["proc-self"],
                 doc="/proc/self/timers: the POSIX timers in Linux's lines (ID, signal/value, notify/pid "
                     "or tid, ClockID), newest first; a deleted one gone")

# Exercise 2 (the stat line): with it blank, stat reads fail (ENOSYS).
lab.exercise_tests[2] = ["proc-self"]

# Exercise 3 (maps) and 4 (the fd directory): with either blank, maps has
# no lines or fd/ is empty and its links have no text.
lab.exercise_tests[3] = ["proc-maps-fd"]
lab.exercise_tests[4] = ["proc-maps-fd"]
