"""Lab 9, Part B: real servers in the guest, real clients on the host.

Run by labs/lab9/lab.py, which provides `lab`.
"""
import os
import subprocess

# Files of the image the guest's httpd serves, checked against the
# staged tree the image was made from (build/fsimg/root).
SERVED = ["/bin/busybox", "/etc/passwd", "/usr/lib/kestrel/lab9/net_echo"]


@lab.test(points=10, timeout=30.0, name="httpd-curl", depends=["nic"])
def httpd_curl(t):
    """busybox httpd in the guest serves / of its disk on port 80; the
    host's curl fetches a few files through QEMU's forwarded port (busybox,
    2 MiB, among them) and each is the image's, byte for byte; a missing
    file is a 404."""
    report = {}

    def fetch(match):
        port = t.host_port(80)
        for path in SERVED:
            out = os.path.join(t.tmp, os.path.basename(path))
            r = subprocess.run(["curl", "-sS", "-m", "20", "-o", out, "-w", "%{http_code}",
                                f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=30)
            report[path] = (r.stdout.strip(), out, r.stderr.strip())
        r = subprocess.run(["curl", "-s", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}",
                            f"http://127.0.0.1:{port}/no/such/file"], capture_output=True, text=True, timeout=20)
        report["404"] = r.stdout.strip()

        # Done: a connection to port 81 ends the guest's nc, and the guest.
        subprocess.run(["curl", "-s", "-m", "5", "-o", "/dev/null", f"telnet://127.0.0.1:{t.host_port(81)}"],
                       input="", capture_output=True, text=True, timeout=10)

    script = "busybox httpd -p 80 -h / && echo httpd-started && busybox nc -l -p 81 >/dev/null"
    t.boot(append=f'init=/bin/sh token={t.token} -- -c "{script}"', disk=True, net=[("tcp", 80), ("tcp", 81)],
           host_actions=[(r"^httpd-started$", fetch)])
    for path in SERVED:
        code, out, err = report.get(path, ("none", None, ""))
        want = open(os.path.join(t.staged_root, path.lstrip("/")), "rb").read()
        got = open(out, "rb").read() if out and os.path.exists(out) else b""
        t.check(code == "200" and got == want,
                f"GET {path}: HTTP {code}, {len(got)} bytes, the image's ({len(want)} bytes)"
                + (f": {err}" if err else ""))
    t.check(report.get("404") == "404", f"GET /no/such/file: HTTP {report.get('404')} (404)")
