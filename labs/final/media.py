"""The host's side of MediaServer's streams (stages 2 and 3): the clip
made with Debian's ffmpeg, and what ffmpeg and ffprobe say of what comes
back (decoded frames, errors, codecs).
"""
import subprocess

FFMPEG = "/usr/bin/ffmpeg"
FFPROBE = "/usr/bin/ffprobe"

# The clip: 4 s of ffmpeg's test picture and a tone, H.264 with a key
# frame every second (MediaServer cuts 2 s HLS segments at key frames) and
# AAC, in MP4; made on the host for each run.
CLIP_SECONDS = 4
MAKE_CLIP = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
             "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
             "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
             "-t", str(CLIP_SECONDS), "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
             "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k"]


def publish_command(clip, url, loop=False):
    """ffmpeg publishing `clip` at its own pace (-re) over RTSP/TCP to
    `url`; with loop, over and over until it is stopped."""
    return ([FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-re"]
            + (["-stream_loop", "-1"] if loop else [])
            + ["-i", clip, "-c", "copy", "-rtsp_transport", "tcp", "-f", "rtsp", url])


def player_sources(rtsp_port, http_port, stream):
    """ffmpeg's input options for playing `stream` from MediaServer at the
    host's ports: {"rtsp": over RTSP/TCP, "http-flv": FLV over HTTP}."""
    return {"rtsp": ["-rtsp_transport", "tcp", "-i", f"rtsp://127.0.0.1:{rtsp_port}/{stream}"],
            "http-flv": ["-i", f"http://127.0.0.1:{http_port}/{stream}.live.flv"]}


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
    out = subprocess.run([FFPROBE, "-v", "error", "-show_entries",
                          "stream=codec_name", "-of", "csv=p=0", path],
                         capture_output=True, text=True, timeout=60).stdout
    return sorted(set(out.split()))
