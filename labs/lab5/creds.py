"""Lab 5, Part D: credentials and permission checks.

Run by labs/lab5/lab.py, which provides `lab`.

The programs start as root (the kernel's first process; root on the
host, in a copy of the image's tree), drop to uid 1000 and compare every
errno with Linux's."""


@lab.test(points=10, timeout=30.0, name="cred-perms")
def cred_perms(t):
    """A user (uid 1000, after setgroups, setresgid, setresuid) is refused
    what Linux refuses (a 0600 file of root's, writing in root's
    directories, another's file in sticky /tmp, chmod/chown of root's
    files, a 0700 directory, kill of root's processes, setuid(0), exec of
    a 0644 file) with Linux's errno, and allowed the rest (own files, a
    set-group-ID directory, SIGCONT in its session, a --x program); a
    set-user-ID-root copy made with chown and chmod 06755 runs with euid 0."""
    t.run_user("cred_perms", disk=True)


@lab.test(points=10, timeout=20.0, name="cred-ids")
def cred_ids(t):
    """setuid, setreuid, setresuid, setfsuid and their group twins, and
    setgroups/getgroups: real, effective, saved and fs ids after each call
    of a sequence (privileged, then not), and every errno, as Linux."""
    t.run_user("cred_ids", disk=True)


lab.exercise_tests[6] = ["cred-perms"]
