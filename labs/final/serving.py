"""Capstone, stage 2 (Lab 8): MediaServer serves inside the guest.

Run by labs/final/lab.py, which provides `lab`.

`MediaServer -d -c config-test.ini` (../shared/mediaserver/config-test.ini:
127.0.0.1 only, HTTP 8080, RTSP 8554, RTMP 1935) starts in the guest as a
daemon (a parent that restarts its serving child). Busybox wget asks its
HTTP API; Debian's ffmpeg, in the capstone's image, publishes a clip made
on the host over RTSP/TCP; MediaServer writes it as HLS; after power-off
the host reads the segments off the disk and decodes them.

The oracles are Linux's tools and files, not hand-typed answers: the
configuration file itself (the API must report every key as the file sets
it), the clip (ffmpeg's framemd5 of its video frames, which remuxing with
-c copy must not change), ffprobe, and linux-serve.strace (Linux's server
exited with status 0 after SIGTERM).
"""
import configparser
import json
import os
import re
import subprocess
import sys

import fsimg_tools
from testing import Mark

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from msrun import ready, run_script  # noqa: E402

FFMPEG = "/usr/bin/ffmpeg"
HTTP = "http://127.0.0.1:8080"
STREAM = "live/test"
CONFIG = "config-test.ini"

# Started in the background; then busybox wget asks getServerConfig until
# it answers (MediaServer loads 9 MiB of C++ and opens its ports first:
# about 2 s under TCG), at most 30 s.
START = """
$MSENV ./MediaServer -d -c CONFIG >/root/ms.log 2>&1 &
ms=$!
tries=0
until wget -q -O /root/api.json "HTTP/index/api/getServerConfig?secret=SECRET" 2>/dev/null; do
    tries=$((tries + 1)); [ $tries -ge 300 ] && break
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


def start(secret):
    return START.replace("CONFIG", CONFIG).replace("HTTP", HTTP).replace("SECRET", secret)


def secret_and_config(folder):
    """The API secret and {"section.key": value} of config-test.ini, as
    MediaServer names its settings."""
    ini = configparser.ConfigParser(interpolation=None, comment_prefixes=("#", ";"), strict=False)
    ini.optionxform = str
    ini.read(os.path.join(folder, CONFIG), encoding="utf-8")
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


@lab.test(points=10, timeout=45.0, name="ms-serve-api", depends=["ms-help-1cpu"])
def ms_serve_api(t):
    """MediaServer -d -c config-test.ini serves on 2 CPUs: busybox wget
    gets /index/api/getServerConfig with the config's secret; the answer
    is JSON with code 0 and every setting the file makes; SIGTERM ends
    the daemon and its child with status 0 (Linux's); no ENOSYS; the disk
    clean."""
    folder, image = ready(t, [CONFIG])
    secret, config = secret_and_config(folder)
    run_script(t, image, 2, start(secret) + STOP)
    check_started_and_stopped(t, config)


# The clip: 4 s of ffmpeg's test picture and a tone, H.264 with a key
# frame every second (MediaServer cuts 2 s HLS segments at key frames) and
# AAC, in MP4; made on the host for each run.
CLIP_SECONDS = 4
MAKE_CLIP = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
             "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
             "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
             "-t", str(CLIP_SECONDS), "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
             "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k"]
# ZLMediaKit's names for them (codec_id_name): AAC by its RTP payload
# format's name, as in the SDP.
CLIP_TRACKS = ["H264", "mpeg4-generic"]
# ffmpeg publishes it at its own pace (-re) so that the stream is live long
# enough to be listed by the API; the last segment and the playlist's
# #EXT-X-ENDLIST come when the stream ends.
PUBLISH = """
ffmpeg -hide_banner -loglevel error -nostdin -re -i /root/clip.mp4 -c copy -rtsp_transport tcp \\
    -f rtsp rtsp://127.0.0.1:8554/STREAM 2>/root/ffmpeg.log &
ff=$!
for i in $(seq 100); do
    wget -q -O /root/media.json "HTTP/index/api/getMediaList?secret=SECRET&schema=rtsp" 2>/dev/null &&
        grep -q '"stream" *: *"test"' /root/media.json && break
    sleep 0.1
done
wait $ff; echo $? >/root/ffmpeg.status
for i in $(seq 100); do
    grep -q EXT-X-ENDLIST www/STREAM/hls.m3u8 2>/dev/null && break; sleep 0.1
done
"""


def frame_hashes(path):
    """The MD5 of each decoded video frame of `path`, in order (ffmpeg's
    framemd5 lines, without their timestamps: MP4 and MPEG-TS count time
    in different units)."""
    out = subprocess.run([FFMPEG, "-v", "error", "-i", path, "-map", "0:v", "-f", "framemd5", "-"],
                         capture_output=True, text=True, timeout=60).stdout
    return [line.rsplit(",", 1)[1].strip() for line in out.splitlines() if line and not line.startswith("#")]


def decode_errors(path):
    """What ffmpeg says (at level error) decoding every stream of `path`."""
    r = subprocess.run([FFMPEG, "-v", "error", "-i", path, "-f", "null", "-"],
                       capture_output=True, text=True, timeout=60)
    return (r.stderr.strip() or ("" if r.returncode == 0 else f"exit status {r.returncode}"))


def codecs(path):
    out = subprocess.run([FFMPEG.replace("ffmpeg", "ffprobe"), "-v", "error", "-show_entries",
                          "stream=codec_name", "-of", "csv=p=0", path],
                         capture_output=True, text=True, timeout=60).stdout
    return sorted(set(out.split()))


def check_media_list(t):
    """While ffmpeg published, the API listed the stream with its tracks."""
    try:
        streams = json.loads(t.image_file("/root/media.json")).get("data") or []
    except (fsimg_tools.ImageError, ValueError, AttributeError):
        return t.check(False, "getMediaList answered while ffmpeg published")
    ours = [s for s in streams if s.get("app") == "live" and s.get("stream") == "test"]
    tracks = sorted(tr.get("codec_id_name", "?") for s in ours for tr in s.get("tracks", []))
    t.check(ours and tracks == CLIP_TRACKS,
            f"getMediaList listed {STREAM} over RTSP while ffmpeg published, tracks {tracks} "
            f"(the clip's: {', '.join(CLIP_TRACKS)})")


def check_hls(t, clip):
    """The playlist's segments, read off the disk, each decode alone
    with H.264 and AAC; their video frames are the clip's, all of them,
    in order."""
    folder = f"/opt/mediaserver/www/{STREAM}"
    playlist = guest_text(t, f"{folder}/hls.m3u8")
    if playlist is None:
        t.fail(f"MediaServer wrote no {folder}/hls.m3u8")
    names = [line for line in playlist.splitlines() if line and not line.startswith("#")]
    t.check("#EXT-X-ENDLIST" in playlist and names,
            f"hls.m3u8 lists {len(names)} segment(s) and ends the stream (#EXT-X-ENDLIST)")
    joined = os.path.join(t.tmp, "hls.ts")
    with open(joined, "wb") as out:
        for name in names:
            local = os.path.join(t.tmp, os.path.basename(name))
            try:
                data = t.image_file(f"{folder}/{name}")
            except fsimg_tools.ImageError:
                t.check(False, f"segment {name} is on the disk")
                continue
            with open(local, "wb") as f:
                f.write(data)
            out.write(data)
            errors, found = decode_errors(local), codecs(local)
            t.check(not errors and found == ["aac", "h264"],
                    f"segment {name} ({len(data)} bytes) decodes alone, streams {', '.join(found) or 'none'}"
                    + (f": {errors.splitlines()[0]}" if errors else ""))
    want, got = frame_hashes(clip), frame_hashes(joined)
    same = next((i for i in range(min(len(want), len(got))) if want[i] != got[i]), None)
    if same is None and len(want) == len(got):
        t.marks.append(Mark("GOOD", f"the segments' {len(got)} video frames are the clip's (framemd5), in order"))
    else:
        where = f"frame {same} differs" if same is not None else f"{len(got)} frames (the clip has {len(want)})"
        t.marks.append(Mark("BAD", f"the segments' video frames are not the clip's: {where}"))


@lab.test(points=20, timeout=60.0, name="ms-serve-hls", depends=["ms-serve-api"])
def ms_serve_hls(t):
    """MediaServer serves on 4 CPUs while Debian's ffmpeg, in the guest,
    publishes a 4 s H.264+AAC clip made on the host over RTSP/TCP to
    rtsp://127.0.0.1:8554/live/test: the API lists the stream; ffmpeg
    exits 0; MediaServer writes HLS (hls.m3u8 and .ts segments) whose
    segments decode on the host with ffprobe/ffmpeg and hold the clip's
    video frames (framemd5); SIGTERM ends it with status 0; no ENOSYS;
    the disk clean."""
    if not os.path.exists(FFMPEG):
        t.fail(f"{FFMPEG} is missing on the host (scripts/setup.sh installs Debian's ffmpeg)")
    folder, image = ready(t, [CONFIG], newer_than=[FFMPEG])
    secret, config = secret_and_config(folder)
    clip = os.path.join(t.tmp, "clip.mp4")
    subprocess.run(MAKE_CLIP + [clip], check=True, timeout=60)
    publish = PUBLISH.replace("STREAM", STREAM).replace("HTTP", HTTP).replace("SECRET", secret)
    run_script(t, image, 4, start(secret) + publish + STOP, files=[(clip, "/root/clip.mp4")])
    check_started_and_stopped(t, config)
    check_media_list(t)
    status = guest_text(t, "/root/ffmpeg.status")
    t.check(status == "0", f"the guest's ffmpeg published the clip and exited with status {status}"
            + ("" if status == "0" else f": {guest_text(t, '/root/ffmpeg.log') or ''}"))
    check_hls(t, clip)
