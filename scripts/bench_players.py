"""The host's side of "MediaServer concurrent players sustained" (Lab 9 and
the capstone), for scripts/bench.py and scripts/bench_linux.py: not a test.

MediaServer runs in the guest behind the network card (its HTTP and RTSP
ports forwarded from the host's 127.0.0.1); the guest prints "ms-ready"
once its API answers, then waits for a connection to port DONE. The host
publishes the test clip over RTSP, looped and at its own pace (ffmpeg -re
-stream_loop -1), then plays it with 1, 2, 4, 8, 16, 32 host ffmpegs at
once (every other one over RTSP/TCP, the rest over HTTP-FLV), counting
the video frames each player gets (ffmpeg's framecrc lines, as they
arrive) in WINDOW seconds of its own: from WARMUP after the players start
or SETTLE after its first frame, whichever is later (MediaServer sends a
joining player the frames since the last key frame at once: a burst, not
the stream's pace). A count is sustained when
every player got at least 95% of the clip's real-time frames; one that is
not is played once more before it counts as not (on a shared host a load
spike alone can slow a player); the figure is the largest count sustained
(counts after the first that is not are not tried), with the lowest
player's frames/s at each count (of its last try).

The guest's side is GUEST_SCRIPT, run by busybox sh in /opt/mediaserver with
the capstone's config-test.ini opened to every address (NET_CONFIG).
"""
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "labs", "final"))
sys.path.insert(0, os.path.join(ROOT, "grade"))
import media  # noqa: E402
import msrun  # noqa: E402

HTTP, RTSP, DONE = 8080, 8554, 9
PORTS = [("tcp", HTTP), ("tcp", RTSP), ("tcp", DONE)]
COUNTS = [1, 2, 4, 8, 16, 32]
FPS = 25                        # media.MAKE_CLIP's rate
SUSTAINED = 0.95                # of FPS, for every player
WARMUP = 4.0                    # s: players connect, probe the stream, get a key frame
SETTLE = 2.0                    # s after a player's first frame: the catch-up burst is over
WINDOW = 10.0                   # s of frames counted per player
LATEST = 3 * WARMUP             # s: a window starts by then, with frames or not
NET_CONFIG = "config-net.ini"
# config-test.ini listens on 127.0.0.1; QEMU's forwarded connections come
# to the card's address (as labs/final/network.py does).
LOOPBACK_ONLY, EVERY_ADDRESS = "\nlisten_ip=127.0.0.1\n", "\nlisten_ip=0.0.0.0\n"
WAIT_FOR_HOST = "\necho ms-ready\nbusybox nc -l -p 9 >/dev/null\n"
READY = r"^ms-ready$"
SUSTAINED_FIGURE = "MediaServer concurrent players sustained"


def net_config(folder, path):
    """Writes config-test.ini of `folder` opened to every address at `path`;
    returns the API secret."""
    text = open(os.path.join(folder, msrun.CONFIG), encoding="utf-8").read()
    if text.count(LOOPBACK_ONLY) != 1:
        raise SystemExit(f"bench: {msrun.CONFIG} has no single line {LOOPBACK_ONLY!r} to open to the network")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(LOOPBACK_ONLY, EVERY_ADDRESS))
    return msrun.secret_and_config(folder, path)[0]


def guest_script(secret):
    """What the guest's busybox sh runs in /opt/mediaserver (MSENV: the
    clean environment to start MediaServer in): start, serve, stop."""
    return msrun.start(secret, NET_CONFIG) + WAIT_FOR_HOST + msrun.STOP


def make_clip(tmp):
    clip = os.path.join(tmp, "clip.mp4")
    subprocess.run(media.MAKE_CLIP + [clip], check=True, timeout=60)
    return clip


class Player:
    """One host ffmpeg playing the stream; the times its frames arrived."""

    def __init__(self, source):
        self.times = []
        self.proc = subprocess.Popen([media.FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin"] + source
                                     + ["-map", "0:v", "-c", "copy", "-flush_packets", "1", "-f", "framecrc", "-"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            if not line.startswith(b"#"):
                self.times.append(time.monotonic())

    def window(self, start):
        """When this player's WINDOW starts (players started at `start`)."""
        first = self.times[0] if self.times else start + LATEST
        return min(max(start + WARMUP, first + SETTLE), start + LATEST)

    def rate(self, start):
        t0 = self.window(start)
        return sum(1 for t in list(self.times) if t0 <= t < t0 + WINDOW) / WINDOW

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.reader.join(5)


def play(count, http, rtsp):
    """`count` players until each has had its WINDOW: the frames/s of each."""
    url = f"rtsp://127.0.0.1:{rtsp}/{msrun.STREAM}"
    sources = [["-rtsp_transport", "tcp", "-i", url] if i % 2 == 0
               else ["-i", f"http://127.0.0.1:{http}/{msrun.STREAM}.live.flv"] for i in range(count)]
    players = [Player(s) for s in sources]
    start = time.monotonic()
    try:
        time.sleep(WARMUP + WINDOW)
        time.sleep(max(0.0, max(p.window(start) for p in players) + WINDOW - time.monotonic()))
    finally:
        for p in players:
            p.stop()
    return [p.rate(start) for p in players]


def host_side(net, clip, figures, log=print):
    """Publishes the clip, plays it with more and more players, fills
    `figures` ({what: ([values], unit)}), then tells the guest it is done."""
    http, rtsp = net.host_port(HTTP), net.host_port(RTSP)
    publisher = subprocess.Popen([media.FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                                  "-stream_loop", "-1", "-i", clip, "-c", "copy", "-rtsp_transport", "tcp",
                                  "-f", "rtsp", f"rtsp://127.0.0.1:{rtsp}/{msrun.STREAM}"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sustained = 0
    try:
        time.sleep(2.0)         # the stream exists once MediaServer has the publisher's first key frame
        for count in COUNTS:
            if publisher.poll() is not None:
                raise OSError(f"the publisher ended (status {publisher.returncode}): "
                              f"{publisher.stderr.read().decode(errors='replace').strip()}")
            rates = play(count, http, rtsp)
            if min(rates) < SUSTAINED * FPS:
                log(f"  {count:2} players: frames/s {' '.join(f'{r:.1f}' for r in rates)}: once more")
                rates = play(count, http, rtsp)
            lowest = min(rates)
            figures.setdefault(f"MediaServer {count} players, lowest player", ([], "frames/s"))[0].append(lowest)
            log(f"  {count:2} players: frames/s {' '.join(f'{r:.1f}' for r in rates)}")
            if lowest < SUSTAINED * FPS:
                break
            sustained = count
        figures.setdefault(SUSTAINED_FIGURE, ([], "players"))[0].append(sustained)
    finally:
        publisher.kill()
        publisher.wait()
        subprocess.run(["curl", "-s", "-m", "5", "-o", "/dev/null", f"telnet://127.0.0.1:{net.host_port(DONE)}"],
                       input="", capture_output=True, text=True, timeout=10)


def kestrel_disk(image, tmp, config):
    """A copy of the capstone's image with `config` as NET_CONFIG and
    /root/run.sh, the guest's side; boot it with KESTREL_CMDLINE."""
    import fsimg_tools
    disk = fsimg_tools.copy_image(image, os.path.join(tmp, "players.img"))
    run_sh = os.path.join(tmp, "run.sh")
    secret = msrun.secret_and_config(os.path.dirname(config), config)[0]
    with open(run_sh, "w") as f:
        f.write(f"{msrun.PROLOGUE} || exit 1\nMSENV='env -i PATH={msrun.PATH} HOME=/root'\n{guest_script(secret)}")
    fsimg_tools.debugfs(disk, f"write {config} /opt/mediaserver/{NET_CONFIG}", f"write {run_sh} /root/run.sh",
                        write=True)
    return disk


KESTREL_CMDLINE = "init=/bin/sh -- /root/run.sh"
