"""Lab 5, Part E: file locks, and the calls everyday programs probe and fall back from.

Run by labs/lab5/lab.py, which provides `lab`."""
import functools
import os
import shutil
import subprocess

import fsimg_tools

# The POSIX lock conflict test is exercise 7 (fs/locks.c, locks_conflict):
# a blank never conflicts, and every lock test sees it.
lab.exercise_tests[7] = ["lock-posix"]


# A program run in the kernel and on the host (Lab.program_test), with
# this part's usual timeout.
user_test = functools.partial(lab.program_test, timeout=30.0)


user_test("lock-posix", "lock_posix", 15, timeout=60.0,
          doc="fcntl record locks between processes: F_GETLK's report, F_SETLK's EAGAIN, F_SETLKW "
              "sleeping until the release (also across a stop; SIGKILL ends it), l_whence and l_len 0 "
              "or negative, unlock splitting and re-lock merging ranges, type conversion, release on "
              "the close of any descriptor, at exit and at execve (close-on-exec), EDEADLK, OFD locks "
              "against POSIX ones and across fork, the errors")
user_test("lock-flock", "lock_flock", 10, timeout=45.0,
          doc="flock: per open file (dup and fork share it), conversions that are not atomic, "
              "LOCK_NB's EWOULDBLOCK, a blocking LOCK_EX, SIGKILL ends a sleeper, release at the last "
              "close, the errors")


@lab.test(points=10, timeout=90.0, name="sqlite3", depends=["lock-posix"])
def sqlite3(t):
    """Debian's sqlite3 on a database file (ext2 and tmpfs): create, insert,
    select, transactions with the rollback journal, WAL mode, and a second
    process told "database is locked" by the first one's fcntl locks."""
    t.run_script("lock_sqlite.sh")


# --- the calls programs probe, answered as Linux answers them -------------------

user_test("probe-xattr", "probe_xattr", 5,
          doc="the xattr calls on files with no attributes: ENODATA, EOPNOTSUPP, an empty list, "
              "and every argument check (ERANGE, E2BIG, EINVAL, EFAULT, EBADF, ENOENT)")


@lab.test(points=5, timeout=60.0, name="gnu-ls", depends=["probe-xattr"])
def gnu_ls(t):
    """GNU ls -la (coreutils, glibc) lists directories of the image as on
    Linux: no error line from its ACL probe (getxattr) or anything else."""
    # Not "/" nor "etc": the image's root has lost+found, the host's copy not.
    t.run_command("/usr/bin/ls", ["-la", "--color=never", "etc/init.d", "etc/passwd", "etc/localtime",
                                  "usr/lib/kestrel"])


user_test("probe-calls", "probe_calls", 10,
          doc="copy_file_range (offsets, short copies, every errno, EXDEV across filesystems), fallocate "
              "(space that exists, KEEP_SIZE, ZERO_RANGE, PUNCH_HOLE, ENOSPC on a tmpfs, the mode checks), "
              "preadv2/pwritev2 flags, syncfs, sync_file_range, readahead, close_range (CLOEXEC), "
              "memfd_create (mapping, fork, seals reported and enforced), mlock, mlock2, mlockall and "
              "their range errors")


@lab.test(points=5, timeout=60.0, name="fallocate-full", depends=["probe-calls"])
def fallocate_full(t):
    """fallocate on an 8 MiB disk of its own (on the host's disk, Linux's
    ext4 fills the disk before it says ENOSPC): more than the free space
    is ENOSPC with nothing taken, and space it allocated stays writable
    after another file has filled the disk; e2fsck finds the disk clean."""
    program = "probe_falloc_full"
    guest = fsimg_tools.guest_program(lab.number, program)
    staged = os.path.join(t.tmp, "small.root")
    dst = os.path.join(staged, guest.lstrip("/"))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copy(os.path.join(t.options.build, "user", f"lab{lab.number}", program), dst)
    img = os.path.join(t.tmp, "small.img")
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-d", staged, img, "8M"],
                   check=True, capture_output=True)
    t.boot(append=f"init={guest} token={t.token}", disk=img)
    for what in ("more than the free space: ENOSPC", "the size stayed 0", "the free space is unchanged",
                 "half the free space: allocated", "the size and st_blocks cover it",
                 "the free space went down by as much", "another file filled the rest: ENOSPC",
                 "writes into the allocated space succeed on the full disk", "fsync of both",
                 "fallocate on the full disk: ENOSPC", "KEEP_SIZE over allocated space: 0"):
        t.expect(f"^{what}: ok$")
    t.expect(r"^kestrel: init \(probe_falloc_fu\w*\) exited with code 0$")   # a name of 15 characters
