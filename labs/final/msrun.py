"""Running MediaServer in the guest, for every stage's tests: where the
binary and Linux's outputs are, the capstone's image, and a boot that runs
a shell script in /opt/mediaserver the way Linux's runs were made.

Imported by help.py (stage 1), serving.py (stage 2), network.py and
players.py (stage 3); media.py has the host's side of the streams.
"""
import configparser
import glob
import json
import os

import fsimg_tools

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_DIR = os.path.join(os.path.dirname(ROOT), "shared", "mediaserver")
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# The Linux runs' shell had this open-file limit (linux-h.strace's
# prlimit64 RLIMIT_NOFILE); the guest's shell sets the same.
NOFILE = 20000
CONFIG = "config-test.ini"
HTTP = "http://127.0.0.1:8080"      # as the guest reaches it (config-test.ini)
STREAM = "live/test"

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


def run_script(t, image, cpus, script, files=(), **boot):
    """Boots a copy of the capstone's image with `files` ((host path, guest
    path) pairs) written into it and `script` as /root/run.sh, which the
    shell runs as the first process after PROLOGUE; MSENV in the script
    is the clean environment to start MediaServer in. `boot` goes to
    t.boot (net=, host_actions=). Returns the boot."""
    disk = fsimg_tools.copy_image(image, os.path.join(t.tmp, "mediaserver.img"))
    run_sh = os.path.join(t.tmp, "run.sh")
    with open(run_sh, "w") as f:
        f.write(f"{PROLOGUE} || exit 1\nMSENV='env -i PATH={PATH} HOME=/root'\n{script}")
    writes = [f"write {src} {dst}" for src, dst in list(files) + [(run_sh, "/root/run.sh")]]
    fsimg_tools.debugfs(disk, *writes, write=True)
    result = t.boot(append=f"init=/bin/sh token={t.token} -- /root/run.sh", disk=disk, cpus=cpus, **boot)
    t.forbid(r"ENOSYS")
    return result


# --- serving (stages 2 and 3) ------------------------------------------------

# Started in the background; then busybox wget asks getServerConfig until
# it answers (MediaServer loads 9 MiB of C++ and opens its ports first:
# about 2 s under TCG), at most 300 times or 30 s (then tries is 300).
# Debian's busybox wget has no timeout of its own (no -T): a server that
# accepts and never answers would hold the script for ever, so each try
# has 10 s.
START = """
$MSENV ./MediaServer -d -c CONFIG >/root/ms.log 2>&1 &
ms=$!
tries=0; give_up=$(($(date +%s) + 30))
until timeout 10 wget -q -O /root/api.json "HTTP/index/api/getServerConfig?secret=SECRET" 2>/dev/null; do
    tries=$((tries + 1))
    if [ $tries -ge 300 ] || [ $(date +%s) -ge $give_up ]; then tries=300; break; fi
    sleep 0.1
done
echo $tries >/root/tries
"""
# SIGTERM to the daemon's parent, which stops its child; then no
# MediaServer may be left (the child's comm is MediaServer too).
STOP = """
kill -TERM $ms; wait $ms; echo $? >/root/ms.status
left=1; for i in $(seq 50); do
    left=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c MediaServer)
    [ "$left" = 0 ] && break; sleep 0.1
done
echo $left >/root/left
"""


def start(secret, config=CONFIG):
    """The script lines that start MediaServer with `config` (a file of
    /opt/mediaserver) and wait for its API."""
    return START.replace("CONFIG", config).replace("HTTP", HTTP).replace("SECRET", secret)


def secret_and_config(folder, path=None):
    """The API secret and {"section.key": value} of config-test.ini (or of
    the file at `path`), as MediaServer names its settings."""
    ini = configparser.ConfigParser(interpolation=None, comment_prefixes=("#", ";"), strict=False)
    ini.optionxform = str
    ini.read(path or os.path.join(folder, CONFIG), encoding="utf-8")
    config = {f"{s}.{k}": v for s in ini.sections() for k, v in ini[s].items()}
    return config["api.secret"], config


def guest_text(t, path):
    try:
        return t.image_file(path).decode(errors="replace").strip()
    except fsimg_tools.ImageError:
        return None


def check_started_and_stopped(t, config):
    """The API answered getServerConfig with every setting of the file;
    SIGTERM ended the daemon with Linux's status and left no process."""
    tries = guest_text(t, "/root/tries")
    if tries is None:
        t.fail("the guest's script did not get past starting MediaServer")
    answered = int(tries) < 300
    t.check(answered, f"MediaServer's HTTP API answered on {HTTP}"
                      + (f" (wget tried {int(tries) + 1} times, 0.1 s apart)" if answered else " within 30 s"))
    if answered:
        try:
            reply = json.loads(t.image_file("/root/api.json"))
            settings = reply["data"][0]
        except (ValueError, KeyError, IndexError, TypeError) as e:
            t.fail(f"getServerConfig's answer is not the JSON MediaServer sends ({e})")
        t.check(reply.get("code") == 0, f"getServerConfig's code is {reply.get('code')} (0: success)")
        wrong = [k for k, v in config.items() if settings.get(k) != v]
        t.check(not wrong, f"getServerConfig reports all {len(config)} settings of {CONFIG} as the file sets them"
                + (f"; not: {', '.join(wrong[:5])}" if wrong else ""))
    status = guest_text(t, "/root/ms.status")
    t.check(status == "0", f"after SIGTERM MediaServer -d exited with status {status} (Linux's: 0, "
                           "linux-serve.strace)")
    left = guest_text(t, "/root/left")
    t.check(left == "0", f"{left} MediaServer process(es) left 5 s after the parent exited (the daemon's child must end too)")


# --- the network (stage 3) ---------------------------------------------------

# MediaServer's ports as config-test.ini sets them, forwarded from the host.
HTTP_PORT, RTSP_PORT = 8080, 8554
LOOPBACK_ONLY, EVERY_ADDRESS = "\nlisten_ip=127.0.0.1\n", "\nlisten_ip=0.0.0.0\n"
NET_CONFIG = "config-net.ini"


def network_config(t, folder):
    """config-test.ini listens on 127.0.0.1 only; QEMU's forwarded
    connections come to the card's address: the same file listening on
    every address of the guest (which only QEMU's network reaches),
    written to the test's folder as NET_CONFIG. Returns (its path, the API
    secret, its settings) for run_script's files= and the checks."""
    text = open(os.path.join(folder, CONFIG), encoding="utf-8").read()
    if text.count(LOOPBACK_ONLY) != 1:
        t.fail(f"{CONFIG} has no single line {LOOPBACK_ONLY!r} to open to the network")
    path = os.path.join(t.tmp, NET_CONFIG)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(LOOPBACK_ONLY, EVERY_ADDRESS))
    secret, config = secret_and_config(folder, path)
    return path, secret, config


def network_stage(t):
    """What each stage 3 test starts with: the host's ffmpeg, the
    capstone's image, NET_CONFIG (network_config) and the clip made for
    this run. Returns (image, NET_CONFIG's path, the API secret, the
    settings, the clip's path)."""
    import subprocess
    import media
    if not os.path.exists(media.FFMPEG):
        t.fail(f"{media.FFMPEG} is missing on the host (scripts/setup.sh installs Debian's ffmpeg)")
    folder, image = ready(t, [CONFIG], newer_than=[media.FFMPEG])
    net_config, secret, config = network_config(t, folder)
    clip = os.path.join(t.tmp, "clip.mp4")
    subprocess.run(media.MAKE_CLIP + [clip], check=True, timeout=60)
    return image, net_config, secret, config, clip
