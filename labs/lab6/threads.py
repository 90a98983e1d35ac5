"""Lab 6, Part A: clone and clone3, thread groups, exit, de-thread, vfork and posix_spawn.

Run by labs/lab6/lab.py, which provides `lab`.
"""

for cpus in (1, 4):
    lab.program_test(f"thr-pthread-{cpus}cpu", "thr_pthread", 6, 10, cpus=cpus,
                     doc="glibc pthread_create/pthread_join: threads share memory, files and the pid")
