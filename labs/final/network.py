"""Capstone, stage 3 (Lab 9): MediaServer in the guest serves the host.

Run by labs/final/lab.py, which provides `lab`.

The guest has a network card on QEMU's user network; MediaServer's HTTP
(8080) and RTSP (8554) ports are forwarded from free ports of the host's
127.0.0.1. Everything the host does, it does with its own tools: curl
asks the API, ffmpeg publishes the clip over RTSP, and two more play the
stream back while it is live, over RTSP and over HTTP-FLV; the frames
they get must be the clip's (framemd5).
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import media  # noqa: E402
import msrun  # noqa: E402
from msrun import run_script  # noqa: E402

HTTP, RTSP, DONE = msrun.HTTP_PORT, msrun.RTSP_PORT, 9
# In the guest: MediaServer started as in stage 2, "ms-ready" once its API
# answers locally, then nc waits for the host to connect to port 9 when it
# is done, and MediaServer is stopped as in stage 2.
WAIT_FOR_HOST = """
echo ms-ready
busybox nc -l -p 9 >/dev/null
"""


def host_side(t, clip, secret, report):
    """What the host does once MediaServer is up: returns when done."""
    http, rtsp = t.host_port(HTTP), t.host_port(RTSP)
    api = subprocess.run(["curl", "-sS", "-m", "10",
                          f"http://127.0.0.1:{http}/index/api/getServerConfig?secret={secret}"],
                         capture_output=True, text=True, timeout=20)
    report["api"] = api.stdout
    url = f"rtsp://127.0.0.1:{rtsp}/{msrun.STREAM}"
    publisher = subprocess.Popen(media.publish_command(clip, url),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # Two players join a second in and play until the stream ends: one
    # over RTSP, one over HTTP-FLV.
    time.sleep(1.0)
    sources = media.player_sources(rtsp, http, msrun.STREAM)
    players = {"rtsp": (sources["rtsp"], os.path.join(t.tmp, "rtsp.mkv")),
               "http-flv": (sources["http-flv"], os.path.join(t.tmp, "flv.mkv"))}
    running = {name: subprocess.Popen([media.FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin"]
                                      + source + ["-map", "0:v", "-c", "copy", "-y", out],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
               for name, (source, out) in players.items()}
    for name, p in running.items():
        try:
            code = p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            code = "killed after 60 s"
        report[name] = (code, p.stderr.read().strip(), players[name][1])
    report["published"] = (publisher.wait(timeout=60), publisher.stderr.read().strip())
    subprocess.run(["curl", "-s", "-m", "5", "-o", "/dev/null", f"telnet://127.0.0.1:{t.host_port(DONE)}"],
                   input="", capture_output=True, text=True, timeout=10)


def contiguous_in(part, whole):
    """Where `part` starts as a contiguous run of `whole`, or None."""
    for i in range(len(whole) - len(part) + 1):
        if whole[i:i + len(part)] == part:
            return i
    return None


@lab.test(points=20, timeout=90.0, name="ms-net", depends=["ms-serve-api"])
def ms_net(t):
    """MediaServer serves the host through QEMU's user network (2 CPUs),
    with config-test.ini listening on every address (config-net.ini): the
    host's curl gets its API's getServerConfig (every setting of the
    file); the host's ffmpeg publishes the clip over RTSP to the guest;
    two more host ffmpegs play it back while it is live, over RTSP and
    over HTTP-FLV, and what each gets is the clip's video frames from some
    key frame on, in order. SIGTERM then ends MediaServer with status 0;
    no ENOSYS; the disk clean."""
    image, net_config, secret, config, clip = msrun.network_stage(t)
    report = {}
    run_script(t, image, 2, msrun.start(secret, msrun.NET_CONFIG) + WAIT_FOR_HOST + msrun.STOP,
               files=[(net_config, f"/opt/mediaserver/{msrun.NET_CONFIG}")],
               net=[("tcp", HTTP), ("tcp", RTSP), ("tcp", DONE)],
               host_actions=[(r"^ms-ready$", lambda m: host_side(t, clip, secret, report))])
    msrun.check_started_and_stopped(t, config)
    try:
        settings = json.loads(report.get("api") or "")["data"][0]
        wrong = [k for k, v in config.items() if settings.get(k) != v]
        t.check(not wrong, f"the host's curl got getServerConfig with all {len(config)} settings")
    except (ValueError, KeyError, IndexError, TypeError) as e:
        t.check(False, f"the host's curl got getServerConfig as JSON ({e}): {report.get('api', '')[:200]!r}")
    status, err = report.get("published", (None, ""))
    t.check(status == 0, f"the host's ffmpeg published the clip over RTSP (exit status {status}){': ' + err if err else ''}")
    want = media.frame_hashes(clip)
    for name in ("rtsp", "http-flv"):
        code, err, played = report.get(name, (None, "", None))
        got = media.frame_hashes(played) if code == 0 and played and os.path.exists(played) else []
        start = contiguous_in(got, want) if got else None
        t.check(start is not None and len(got) >= 25,
                f"the host's {name} player got {len(got)} video frames while the stream was live, "
                + (f"the clip's from frame {start} on" if start is not None else "not a run of the clip's")
                + (f" (ffmpeg: {err})" if err else ""))
