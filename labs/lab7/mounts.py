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


@lab.test(points=6, timeout=30.0, name="mnt-busybox", depends=["mnt-syscalls"])
def mnt_busybox(t):
    """busybox mount, umount and df on a tmpfs of their own, against Linux:
    /proc/mounts and /proc/self/mountinfo lines (ids and device numbers
    aside), df -k's figures as a file fills it to ENOSPC, remount ro/rw with
    nosuid/noexec, a bind mount, umount of the cwd's mount (busy) and -l."""
    t.run_script("mnt_busybox.sh")
