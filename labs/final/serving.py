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
import json
import os
import subprocess
import sys

import fsimg_tools
from testing import Mark

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from media import FFMPEG, MAKE_CLIP, codecs, decode_errors, frame_hashes  # noqa: E402
from msrun import (CONFIG, HTTP, STOP, STREAM, check_started_and_stopped, guest_text, ready,  # noqa: E402
                   run_script, secret_and_config, start)

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
