"""Lab 7, Part A: mount and umount2, mount flags, tmpfs on /dev/shm, statfs, /proc/mounts.

Run by labs/lab7/lab.py, which provides `lab`.
"""

lab.program_test("mnt-syscalls", "mnt_syscalls", 10, 30.0,
                 doc="mount(2) and umount2(2) against Linux, in a directory of their own: "
                     "the errnos of bad calls and of non-root callers, tmpfs's size=, nr_inodes= "
                     "and mode= (statfs's figures, ENOSPC), umount of a busy mount (EBUSY, "
                     "MNT_DETACH, MNT_EXPIRE), ro/noexec/nosuid/nodev enforced and remounted, "
                     "bind mounts made read-only alone")

lab.exercise_tests[1] = ["mnt-syscalls"]
