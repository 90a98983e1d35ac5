"""Lab 5, Part D: credentials and permission checks.

Run by labs/lab5/lab.py, which provides `lab`.

The programs start as root (the kernel's first process; root on the
host, in a copy of the image's tree), drop to uid 1000 and compare every
errno with Linux's."""
import os

import fsimg_tools
from testing import GuestRun


def require_root(t):
    """The host side changes uids (and chroots): Linux answers as the
    oracle only for root. Otherwise the test fails with this reason,
    not with a diff that blames the kernel."""
    if os.geteuid() != 0:
        t.fail("the host side of this test must run as root (it drops to uid 1000 on Linux): "
               "run the grader as root, or with sudo")


@lab.test(points=10, timeout=30.0, name="cred-perms")
def cred_perms(t):
    """A user (uid 1000, after setgroups, setresgid, setresuid) is refused
    what Linux refuses (a 0600 file of root's, writing in root's
    directories, another's file in sticky /tmp, chmod/chown of root's
    files, a 0700 directory, kill of root's processes, setuid(0), exec of
    a 0644 file) with Linux's errno, and allowed the rest (own files, a
    set-group-ID directory, SIGCONT in its session, a --x program); a
    set-user-ID-root copy made with chown and chmod 06755 runs with euid 0."""
    require_root(t)
    t.run_user("cred_perms", disk=True)


@lab.test(points=10, timeout=20.0, name="cred-ids")
def cred_ids(t):
    """setuid, setreuid, setresuid, setfsuid and their group twins, and
    setgroups/getgroups: real, effective, saved and fs ids after each call
    of a sequence (privileged, then not), and every errno, as Linux; the
    capabilities capget reports as euid and fsuid move; execve setting the
    saved ids to the effective ones, and AT_SECURE."""
    require_root(t)
    t.run_user("cred_ids", disk=True)


lab.exercise_tests[6] = ["cred-perms"]


@lab.test(points=10, timeout=40.0, name="cred-su")
def cred_su(t):
    """busybox su (set-user-ID root, as /bin/busybox is in the image) as
    root and as user 1000, with right and wrong passwords, and what the
    user is then refused (writing /etc, reading /etc/shadow, chown, kill
    of pid 1). Linux runs the same script in a chroot of the image's tree
    (the host side needs root, as the grader has)."""
    require_root(t)
    script = fsimg_tools.guest_program(5, "cred_su.sh")
    cmd = f"sh {script} 2>&1 | cat"
    host = t._boot_and_host(lambda: t.boot(append=f'init=/bin/sh token={t.token} -- "-c" "{cmd}"', disk=True),
                            lambda root: "/usr/sbin/chroot", "chroot", copy_root=True,
                            args=lambda root: [root, "/bin/sh", "-c", cmd])
    guest = GuestRun(t.result.lines)
    t.notes.append(f"ran the script on the host in chroot {t.host_root}: exit status {host.returncode}")
    if t.expect(r"^kestrel: starting init: /bin/sh "):
        t.compare_output(host.lines, guest.lines)
        t.check(guest.end == host.end, f"sh ended with {guest.end} in the kernel; on Linux, with {host.end}")


ROOT_PROMPT = r"# (\x1b\[6n)?$"     # the end of a shell prompt, root's and a user's (ash then
USER_PROMPT = r"\$ (\x1b\[6n)?$"    # asks where the cursor is)


@lab.test(points=5, timeout=60.0, name="cred-login")
def cred_login(t):
    """busybox login at the console shell: a wrong password is refused
    ("Login incorrect"), the right one ("user") starts user 1000's shell
    in /home/user, which id shows; exit returns to root's shell."""
    steps = [(ROOT_PROMPT, b"login\n", 0.3),
             (r"login: $", b"user\n", 0.3), (r"Password: $", b"wrong\n", 0.3),
             (r"login: $", b"user\n", 0.3), (r"Password: $", b"user\n", 0.3),
             (USER_PROMPT, b"id; pwd; echo LOGGED\"\"_IN\n", 0.3),
             (r"^LOGGED_IN$", b"exit\n", 0.3),
             (ROOT_PROMPT, b"poweroff\n", 0.3)]
    t.boot(append=f"init=/sbin/init token={t.token}", disk=True, console_input=steps)
    bad = t.expect(r"^Login incorrect$")
    uid = t.expect(r"^uid=1000\(user\) gid=1000\(user\) groups=1000\(user\)$", after=bad)
    t.expect(r"^/home/user$", after=uid)
    t.expect(r"^LOGGED_IN$")
