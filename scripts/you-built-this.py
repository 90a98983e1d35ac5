#!/usr/bin/env python3
"""The picture on the handout's closing page (handout/docs/built.md), made
by doing what that page tells a student to do.

  scripts/you-built-this.py [--out handout/docs/img/you-built-this.png]

Needs the kernel and the capstone's image (make kernel && make fsimg
MEDIASERVER=1) and the host's ffmpeg. It boots `make qemu
DISK=<a scratch copy of build/fsimg-mediaserver.img> NET=1`, reads the host
ports make qemu prints, types the page's guest commands at the shell
(MediaServer with its test config opened to the network), then on the
host publishes a test picture over RTSP, as the page's ffmpeg line does,
and plays the stream back twice at the same time, over RTSP and over
HTTP-FLV, keeping one frame of each (the picture ffplay shows in its
window). The two frames side by side, each under the command that played
it, are the picture. Powers the guest off at the end.

Not part of make test (it needs the capstone's image and a minute): run
it again when the page's commands change.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
transcripts = __import__("handout-transcripts")   # its Console drives make qemu

IMAGE = "build/fsimg-mediaserver.img"
FFMPEG = "/usr/bin/ffmpeg"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
HTTP, RTSP = 8080, 8554
# What the page has the student type in the guest.
GUEST = ["cd /opt/mediaserver && sed 's/^listen_ip=127.0.0.1$/listen_ip=0.0.0.0/' config-test.ini > net.ini",
         "./MediaServer -d -c net.ini >/dev/null 2>&1 &"]
SECONDS = 12            # how long the host publishes
FRAME = 150             # the frame each player keeps: 6 s into the stream at 25 frames/s


def ports(console):
    """{guest port: host port} from make qemu's "net: host ..." lines."""
    lines = transcripts.render(console.out)
    found = {}
    for line in lines:
        m = re.match(r"net: host 127\.0\.0\.1:(\d+) \(tcp\) goes to the guest's port (\d+)", line)
        if m:
            found[int(m.group(2))] = int(m.group(1))
    return found


def wait_for_http(port, seconds=60):
    """Until MediaServer's HTTP server answers through the card."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = subprocess.run(["curl", "-s", "-m", "2", "-o", "/dev/null", "-w", "%{http_code}",
                            f"http://127.0.0.1:{port}/index/api/getApiList"],
                           capture_output=True, text=True)
        if r.stdout.strip() not in ("", "000"):
            return
        time.sleep(0.5)
    sys.exit("you-built-this: MediaServer's HTTP port never answered")


def text_file(text, folder):
    """drawtext's text, from a file: a URL's colons need no escaping there."""
    fd, path = tempfile.mkstemp(dir=folder, suffix=".txt")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def overlay(text, folder):
    """The text across the picture's foot (none without the font)."""
    if not os.path.exists(FONT):
        return ""
    return (f",drawtext=fontfile={FONT}:textfile={text_file(text, folder)}:fontsize=18:fontcolor=white"
            ":box=1:boxcolor=black@0.6:boxborderw=8:x=(w-text_w)/2:y=h-text_h-24")


def publish(rtsp, folder):
    """The host's ffmpeg publishing a test picture, as the page has it."""
    picture = "testsrc2=size=640x360:rate=25" + overlay("pushed by the host, served by MediaServer in Kestrel", folder)
    return subprocess.Popen([FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                             "-f", "lavfi", "-i", picture, "-t", str(SECONDS),
                             "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
                             "-rtsp_transport", "tcp", "-f", "rtsp", f"rtsp://127.0.0.1:{rtsp}/live/test"],
                            stderr=subprocess.PIPE, text=True)


def play(source, out):
    """A host player keeping frame FRAME of what it gets."""
    return subprocess.Popen([FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", *source,
                             "-vf", f"select=gte(n\\,{FRAME})", "-frames:v", "1", "-y", out],
                            stderr=subprocess.PIPE, text=True)


def captioned(frame, caption, out, folder):
    """The frame with the command that played it above it."""
    pad = "pad=iw:ih+48:0:48:color=0x263238" + (
        f",drawtext=fontfile={FONT}:textfile={text_file(caption, folder)}:fontsize=14"
        ":fontcolor=white:x=12:y=16" if os.path.exists(FONT) else "")
    subprocess.run([FFMPEG, "-v", "error", "-y", "-i", frame, "-vf", pad, out], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "handout", "docs", "img", "you-built-this.png"))
    args = ap.parse_args()
    if not os.path.exists(os.path.join(ROOT, IMAGE)):
        sys.exit(f"you-built-this: no {IMAGE}: make fsimg MEDIASERVER=1")
    with tempfile.TemporaryDirectory(prefix="kestrel-built-") as tmp:
        disk = os.path.join(tmp, "fsimg-mediaserver.img")
        subprocess.run(["cp", "--sparse=always", os.path.join(ROOT, IMAGE), disk], check=True)
        console = transcripts.Console(["make", "--no-print-directory", "qemu", f"DISK={disk}", "NET=1"],
                                      timeout=240)
        try:
            for line in GUEST:
                console.wait_prompt(r"#$")
                console.proc.stdin.write(line.encode() + b"\n")
                console.proc.stdin.flush()
            forwards = ports(console)
            http, rtsp = forwards[HTTP], forwards[RTSP]
            wait_for_http(http)
            publisher = publish(rtsp, tmp)
            time.sleep(2)
            players = {
                f"ffplay -rtsp_transport tcp rtsp://127.0.0.1:{rtsp}/live/test":
                    play(["-rtsp_transport", "tcp", "-i", f"rtsp://127.0.0.1:{rtsp}/live/test"],
                         os.path.join(tmp, "rtsp.png")),
                f"ffplay http://127.0.0.1:{http}/live/test.live.flv":
                    play(["-i", f"http://127.0.0.1:{http}/live/test.live.flv"], os.path.join(tmp, "flv.png")),
            }
            for command, p in players.items():
                if p.wait(timeout=60) != 0:
                    sys.exit(f"you-built-this: the player of `{command}` failed: {p.stderr.read()}")
            if publisher.wait(timeout=60) != 0:
                sys.exit(f"you-built-this: publishing failed: {publisher.stderr.read()}")
            console.wait_prompt(r"#$")
            console.proc.stdin.write(b"poweroff\n")
            console.proc.stdin.flush()
            console.finish()
        finally:
            console.close()
        parts = []
        for i, (command, p) in enumerate(players.items()):
            part = os.path.join(tmp, f"part{i}.png")
            captioned(p.args[-1], command, part, tmp)
            parts.append(part)
        subprocess.run([FFMPEG, "-v", "error", "-y", "-i", parts[0], "-i", parts[1], "-filter_complex",
                        "[0][1]hstack=inputs=2", args.out], check=True)
    print(f"you-built-this: wrote {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    main()
