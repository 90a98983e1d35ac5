"""Running MediaServer in the guest, for every stage's tests: where the
binary and Linux's outputs are, the capstone's image, and a boot that runs
a shell script in /opt/mediaserver the way Linux's runs were made.

Imported by help.py (stage 1) and serving.py (stage 2).
"""
import glob
import os

import fsimg_tools

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_DIR = os.path.join(os.path.dirname(ROOT), "shared", "mediaserver")
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# The Linux runs' shell had this open-file limit (linux-h.strace's
# prlimit64 RLIMIT_NOFILE); the guest's shell sets the same.
NOFILE = 20000
# How every script starts: /proc and /sys as on Linux (MediaServer reads
# /proc/self/exe and /sys/devices/system/cpu/online), in its folder.
PROLOGUE = (f"mount -t proc proc /proc && mount -t sysfs sysfs /sys && cd /opt/mediaserver && "
            f"ulimit -n {NOFILE}")


def mediaserver_dir(t):
    """Where MediaServer and Linux's outputs are: $MEDIASERVER, else what
    make fsimg MEDIASERVER=... remembered, else ../shared/mediaserver."""
    remembered = ""
    try:
        remembered = open(os.path.join(t.options.build, "fsimg", "MEDIASERVER")).read().strip()
    except OSError:
        pass
    chosen = os.environ.get("MEDIASERVER") or (remembered if remembered not in ("", "0", "no") else "")
    return DEFAULT_DIR if chosen in ("", "1", "yes") else chosen


def ready(t, needs, newer_than=()):
    """(folder, image) when MediaServer can be run; skips the test (with
    the reason) when it or one of `needs` (files of its folder) is not on
    this machine; ImageError (the grader says ERROR, run make fsimg) when
    its image is missing or older than the binary, a test program or one
    of `newer_than`."""
    folder = mediaserver_dir(t)
    missing = [f for f in ["MediaServer"] + list(needs) if not os.path.exists(os.path.join(folder, f))]
    if missing:
        t.skip(f"MediaServer is not on this machine: no {', '.join(missing)} in {folder} "
               "(put the capstone's folder there, or set MEDIASERVER=DIR)")
    image = os.path.join(t.options.build, "fsimg-mediaserver.img")
    try:
        users = glob.glob(os.path.join(t.options.build, "user", "lab*", "*"))
        fsimg_tools.require_image(image, newer_than=[os.path.join(folder, "MediaServer")] + users
                                  + [p for p in newer_than if os.path.exists(p)])
    except fsimg_tools.ImageError as e:
        raise fsimg_tools.ImageError(f"{e} MEDIASERVER=1 (the capstone's image)")
    return folder, image


def run_in_guest(t, image, cpus, command, before="true"):
    """Boots with the capstone's image and runs `command` in
    /opt/mediaserver, as MediaServer's Linux ran (clean environment, the
    open-file limit), after the shell command `before`; its exit status
    goes to /root/s. Returns that status."""
    script = f"{PROLOGUE} && {before} && env -i PATH={PATH} HOME=/root {command}; echo $? > /root/s"
    t.boot(append=f'init=/bin/sh token={t.token} -- "-c" "{script}"', disk=image, cpus=cpus)
    t.forbid(r"ENOSYS")
    try:
        return int(t.image_file("/root/s").decode().strip())
    except (fsimg_tools.ImageError, ValueError):
        t.fail("the guest's shell wrote no exit status: MediaServer did not end")


def run_script(t, image, cpus, script, files=()):
    """Boots a copy of the capstone's image with `files` ((host path, guest
    path) pairs) written into it and `script` as /root/run.sh, which the
    shell runs as the first process after PROLOGUE; MSENV in the script
    is the clean environment to start MediaServer in. Returns the boot."""
    disk = fsimg_tools.copy_image(image, os.path.join(t.tmp, "mediaserver.img"))
    run_sh = os.path.join(t.tmp, "run.sh")
    with open(run_sh, "w") as f:
        f.write(f"{PROLOGUE} || exit 1\nMSENV='env -i PATH={PATH} HOME=/root'\n{script}")
    writes = [f"write {src} {dst}" for src, dst in list(files) + [(run_sh, "/root/run.sh")]]
    fsimg_tools.debugfs(disk, *writes, write=True)
    result = t.boot(append=f"init=/bin/sh token={t.token} -- /root/run.sh", disk=disk, cpus=cpus)
    t.forbid(r"ENOSYS")
    return result
