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


@lab.test(points=6, timeout=30.0, name="mnt-busybox")
def mnt_busybox(t):
    """busybox mount, umount and df on a tmpfs of their own, against Linux:
    /proc/mounts and /proc/self/mountinfo lines (ids and device numbers
    aside), df -k's figures as a file fills it to ENOSPC, remount ro/rw with
    nosuid/noexec, a bind mount, umount of the cwd's mount (busy) and -l."""
    t.run_script("mnt_busybox.sh")


PROMPT = r"# (\x1b\[6n)?$"  # the end of root's prompt (then ash asks where the cursor is)


@lab.test(points=4, timeout=40.0, name="mnt-rcs-shm", depends=["mnt-busybox"])
def mnt_rcs_shm(t):
    """As `make qemu` boots (busybox init runs /etc/init.d/rcS): /proc is
    mounted nosuid,nodev,noexec and /dev/shm (a mount point devfs keeps)
    is a tmpfs, nosuid,nodev, where files can be made (POSIX shared
    memory); df shows it."""
    check = (b"grep -E ' /(proc|dev/shm) ' /proc/mounts; stat -f -c 'shm type %T' /dev/shm; "
             b"echo kt > /dev/shm/kt && cat /dev/shm/kt && rm /dev/shm/kt; "
             b"df /dev/shm | tail -1 | awk '{print \"df: \" $1, $6}'; echo RCS\"\"_DONE\n")
    t.boot(append=f"init=/sbin/init token={t.token}", disk=True,
           console_input=[(PROMPT, check, 0.3), (r"^RCS_DONE$", b"poweroff\n", 0.3)])
    t.expect(r"^proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0$")
    t.expect(r"^tmpfs /dev/shm tmpfs rw,nosuid,nodev,relatime 0 0$")
    t.expect(r"^shm type tmpfs$")
    t.expect(r"^kt$")
    t.expect(r"^df: tmpfs /dev/shm$")
    t.expect(r"^RCS_DONE$")
