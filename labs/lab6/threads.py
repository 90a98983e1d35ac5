"""Lab 6, Part A: clone and clone3, thread groups, exit, de-thread, vfork and posix_spawn.

Run by labs/lab6/lab.py, which provides `lab`.
"""

for cpus in (1, 4):
    lab.program_test(f"thr-pthread-{cpus}cpu", "thr_pthread", 6, 10, cpus=cpus,
                     doc="glibc pthread_create/pthread_join: threads share memory, files and the pid")
    lab.program_test(f"thr-clone-{cpus}cpu", "thr_clone", 6, 10, cpus=cpus,
                     doc="raw clone with glibc's thread flags (pid, tid, SETTLS, PARENT_SETTID, CHILD_CLEARTID), "
                         "and each sharing flag shares exactly its part")
    lab.program_test(f"thr-exec-{cpus}cpu", "thr_exec", 6, 15, cpus=cpus,
                     doc="execve with other threads running (de-thread): they end, the pid stays, "
                         "a non-leader takes the leader's place")
