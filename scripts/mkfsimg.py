#!/usr/bin/env python3
"""Builds the root file system image (make fsimg): stages a tree in
build/fsimg/root, then `mke2fs -t ext2 -b 4096 -d` turns it into
build/fsimg.img. What goes in, and where, is in fsimg/README.md.

    scripts/mkfsimg.py [--size 200M] [--free 64M] [--extra /usr/bin/openssl ...]
                       [--mediaserver DIR] PROGRAM...

PROGRAMs are the user programs (build/user/labN/NAME), installed as
/usr/lib/kestrel/labN/NAME. --extra adds host programs with the shared
libraries ldd says they need (or directories, copied as they are).
--mediaserver adds the capstone's MediaServer from DIR (../shared/mediaserver)
at /opt/mediaserver/, as on the Linux it was traced on (stage_mediaserver),
and Debian's ffmpeg, which publishes to it in the serving tests.

Everything in the image is root:root (/home/user is user's), whoever runs
this: mke2fs -d copies the owner of each staged file, which for a student
is the student, so the owners are set afterwards with debugfs. Times are
fixed (FIXED_TIME) so a host copy of the staged tree looks like the image.
"""
import argparse
import os
import re
import shutil
import stat
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grade"))
import fsimg_tools  # noqa: E402

CONTENT = os.path.join(ROOT, "fsimg", "root")   # the files kept in git
BUSYBOX = "/bin/busybox"                         # Debian's busybox-static
LOCALTIME = "/usr/share/zoneinfo/Etc/UTC"        # tzdata; UTC, so every build is the same
# Debian programs the tests run, in every image (with their libraries;
# scripts/setup.sh installs them).
DEFAULT_EXTRAS = [
    "/usr/bin/openssl",     # Lab 4: a dynamically linked program with libssl and libcrypto
    "/bin/bash",            # Lab 5: bash's time builtin (time-bash); 1.2 MiB + libtinfo
    "/usr/bin/sqlite3",     # Lab 5: file locks on a real database (sqlite3)
    "/usr/bin/ls",          # Lab 5: GNU ls -la probes the xattr calls (gnu-ls)
    "/usr/bin/stress",      # Lab 5: a Debian program driven by alarm (stress-cpu)
    "/usr/bin/make",        # Lab 6: GNU make -j2 runs recipes with posix_spawn (make-j2)
    "/usr/bin/xz",          # Lab 6: xz -T2, two compressing threads (xz-sort-threads); replaces busybox's applet link
    "/usr/bin/sort",        # Lab 6: GNU sort --parallel=2 (xz-sort-threads); replaces busybox's applet link
    # Lab 7: Debian's procps, which reads /proc through libproc2 (ps, top
    # and pgrep also load libsystemd, for their session columns). ps and
    # pgrep/pmap are new paths (busybox's ps stays /bin/ps); free and top
    # replace busybox's applet links (`busybox free` still runs its own).
    "/usr/bin/ps", "/usr/bin/free", "/usr/bin/top", "/usr/bin/pgrep", "/usr/bin/pmap",
    # top's terminal descriptions (ncurses-base): -b uses "dumb"; the
    # console's TERM is linux (/etc/profile); vt100 and xterm for the rest.
    "/lib/terminfo/d/dumb", "/lib/terminfo/l/linux", "/lib/terminfo/v/vt100", "/lib/terminfo/x/xterm",
]
# Lab 6: Debian's python3 with threading and concurrent.futures
# (python3-threads). Not its whole standard library (54 MiB, which would
# add 80 MiB to the image): the modules that importing PYTHON_MODULES
# loads, as the host's python3 finds them (stage_python).
PYTHON = "/usr/bin/python3.11"
PYTHON_LINKS = ["/usr/bin/python3"]             # -> python3.11
PYTHON_MODULES = ["site", "threading", "queue", "concurrent.futures.thread",
                  # Lab 7: multiprocessing.Pool (fork, and POSIX semaphores in /dev/shm)
                  "multiprocessing.pool", "multiprocessing.synchronize", "multiprocessing.popen_fork",
                  "multiprocessing.queues"]
FIXED_TIME = 1704067200                          # 2024-01-01 00:00:00 UTC: every mtime and atime
MiB = 1 << 20

# Directories that are not in fsimg/root (git keeps no empty folders), with
# their modes. /dev and /tmp are mount points: the kernel mounts devfs and
# a tmpfs there.
DIRS = {"bin": 0o755, "sbin": 0o755, "usr/bin": 0o755, "usr/sbin": 0o755, "etc": 0o755,
        "dev": 0o755, "proc": 0o555, "sys": 0o555, "tmp": 0o1777, "root": 0o700,
        "home/user": 0o755, "mnt": 0o755, "usr/lib/kestrel": 0o755, "usr/share/kestrel": 0o755}
# Owners other than root:root (path in the image: uid, gid), and modes
# other than 0644 (0755 for executables) of files in fsimg/root.
OWNERS = {"home/user": (1000, 1000)}
MODES = {"etc/shadow": 0o600}


def fail(msg):
    sys.exit(f"mkfsimg: {msg}")


# --- staging --------------------------------------------------------------------

def install(src, dst, mode):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)
    os.chmod(dst, mode)


def stage_base(root):
    for d, mode in DIRS.items():
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for d, mode in DIRS.items():
        os.chmod(os.path.join(root, d), mode)
    # fsimg/root, with the modes git cannot keep: executables 0755, the rest 0644.
    for dirpath, _, files in os.walk(CONTENT):
        for f in files:
            src = os.path.join(dirpath, f)
            rel = os.path.relpath(src, CONTENT)
            install(src, os.path.join(root, rel), MODES.get(rel, 0o755 if os.access(src, os.X_OK) else 0o644))
    install(os.path.realpath(LOCALTIME), os.path.join(root, "etc/localtime"), 0o644)
    for path, (uid, gid) in OWNERS.items():
        try:        # root can; for anyone else, fix_inodes() sets it in the image
            os.chown(os.path.join(root, path), uid, gid)
        except PermissionError:
            pass


def stage_busybox(root):
    """/bin/busybox and a relative symlink to it for every applet, where
    Debian's busybox puts it (bin/ls, sbin/init, usr/bin/[ ...)."""
    if not os.path.exists(BUSYBOX):
        fail(f"{BUSYBOX} not found: install busybox-static (scripts/setup.sh)")
    # Set-user-ID root, as busybox wants for su, login's helpers and passwd
    # (built with FEATURE_SUID): its other applets give the privilege up
    # at once (setuid to the real uid) when a user runs them.
    install(os.path.realpath(BUSYBOX), os.path.join(root, "bin/busybox"), 0o4755)
    applets = subprocess.run([BUSYBOX, "--list-full"], capture_output=True, text=True, check=True).stdout.split()
    for applet in applets:
        link = os.path.join(root, applet)
        if applet == "bin/busybox" or os.path.lexists(link):
            continue
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(os.path.relpath(os.path.join(root, "bin/busybox"), os.path.dirname(link)), link)
    return len(applets)


def stage_programs(root, programs):
    """build/user/labN/NAME -> /usr/lib/kestrel/labN/NAME. A dynamically
    linked one (the glibc programs) brings its loader and libraries, at
    the paths ldd names, as EXTRA= programs do."""
    libs = set()
    for p in programs:
        lab = os.path.basename(os.path.dirname(p))
        if not re.fullmatch(r"lab\d+", lab):
            fail(f"{p}: expected build/user/labN/NAME")
        install(p, os.path.join(root, fsimg_tools.guest_program(lab[3:], os.path.basename(p)).lstrip("/")), 0o755)
        for lib in shared_libraries(p):
            copy_host_path(root, lib, libs)
    return libs


# Lab 5's tracer is a command students type: on the PATH too.
COMMANDS = {"usr/bin/trace": "usr/lib/kestrel/lab5/trace"}


def stage_commands(root):
    """A relative symlink usr/bin/NAME for each staged program of COMMANDS."""
    for link, target in COMMANDS.items():
        if os.path.exists(os.path.join(root, target)) and not os.path.lexists(os.path.join(root, link)):
            os.makedirs(os.path.dirname(os.path.join(root, link)), exist_ok=True)
            os.symlink(os.path.relpath(os.path.join(root, target), os.path.dirname(os.path.join(root, link))),
                       os.path.join(root, link))


def stage_scripts(root):
    """user/labN/scripts/NAME.sh -> /usr/lib/kestrel/labN/NAME.sh: the
    shell scripts the grader runs with busybox sh, in the guest and on the host."""
    import glob
    scripts = sorted(glob.glob(os.path.join(ROOT, "user", "lab*", "scripts", "*.sh")))
    for s in scripts:
        lab = os.path.basename(os.path.dirname(os.path.dirname(s)))
        install(s, os.path.join(root, fsimg_tools.guest_program(lab[3:], os.path.basename(s)).lstrip("/")), 0o755)
    return scripts


def pattern(file_id, start, length):
    """Test data: every 8-byte little-endian word holds (file_id << 56) | its
    offset in the file, so a test program can check any read on its own."""
    first = start // 8
    words = struct.pack(f"<{length // 8}Q", *((file_id << 56) | (8 * i) for i in range(first, first + length // 8)))
    return words


def stage_test_data(root):
    """Files the tests read (documented in fsimg/README.md): sizes that
    need direct, indirect and doubly indirect blocks, a sparse file, a
    directory of several blocks, long names, symbolic and hard links."""
    d = os.path.join(root, "usr/share/kestrel")

    def put(name, data, mode=0o644):
        path = os.path.join(d, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, mode)

    put("hello.txt", b"Hello from the kestrel root file system.\n")
    put("empty", b"")
    put("direct", pattern(1, 0, 12 * 4096))                 # i_block[0..11] only
    put("indirect", pattern(2, 0, 1 * MiB))                 # + the single indirect block
    put("dindirect", pattern(3, 0, 5 * MiB))                # + the doubly indirect block
    put("mode-0600", b"only root reads this\n", 0o600)
    # sparse: 8 MiB, data only in its first block, around 1 MiB and in its
    # last block; the rest reads as zeros.
    with open(os.path.join(d, "sparse"), "wb") as f:
        for off in (0, MiB - 4096, 8 * MiB - 4096):
            f.seek(off)
            f.write(pattern(4, off, 4096))
        f.truncate(8 * MiB)
    for i in range(500):                                    # 5 directory blocks
        put(f"many/entry-with-a-longer-name-{i:03d}", f"{i}\n".encode())
    put("deep/a/b/c/d/e/f/g/h/leaf", b"leaf\n")
    put("n" * 255, b"a name of 255 bytes, the longest ext2 allows\n")
    os.symlink("hello.txt", os.path.join(d, "link-to-hello"))                        # fast symlink
    os.symlink("deep/a/b/c/d/e/f/g/h/../../../../../../../../../deep/../hello.txt",
               os.path.join(d, "long-link-to-hello"))                                # target in a block
    os.symlink("no-such-file", os.path.join(d, "dangling-link"))
    os.link(os.path.join(d, "hello.txt"), os.path.join(d, "hardlink-to-hello"))
    sums = subprocess.run("find . -type f ! -name SHA256SUMS | LC_ALL=C sort | xargs sha256sum",
                          shell=True, cwd=d, capture_output=True, text=True, check=True).stdout
    put("SHA256SUMS", sums.encode())


# --- host programs (EXTRA=) --------------------------------------------------------

def copy_host_path(root, path, seen):
    """Copies host file `path` to the same path under root. A symlink stays
    a symlink, and what it points to is copied too (resolved in the image,
    so a relative link works there); directories in the path are made as
    real directories (Debian's /lib -> usr/lib is not reproduced)."""
    path = os.path.normpath(path)
    if path in seen:
        return
    seen.add(path)
    dst = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.islink(path):
        target = os.readlink(path)
        in_image = os.path.normpath(os.path.join(os.path.dirname(path), target))
        if os.path.exists(in_image):
            if os.path.lexists(dst):
                os.unlink(dst)
            os.symlink(target, dst)
            copy_host_path(root, in_image, seen)
            return
        path = os.path.realpath(path)   # the link only works on the host: copy the file
    if os.path.isdir(path):
        shutil.copytree(path, dst, symlinks=True, dirs_exist_ok=True)
    else:
        if os.path.lexists(dst):
            os.unlink(dst)
        shutil.copy2(path, dst)


def shared_libraries(program):
    """The files ldd says `program` needs (the dynamic linker included),
    [] for a static program."""
    p = subprocess.run(["ldd", program], capture_output=True, text=True)
    out = p.stdout + p.stderr
    if "not a dynamic executable" in out or "statically linked" in out:
        return []
    if p.returncode != 0:
        fail(f"ldd {program} failed: {out.strip()}")
    libs = []
    for line in out.splitlines():
        line = line.strip()
        if "=> not found" in line:
            fail(f"{program} needs {line.split()[0]}, which ldd cannot find")
        m = re.match(r"^(?:\S+ => )?(/\S+) \(0x[0-9a-f]+\)$", line)
        if m:
            libs.append(m[1])
    return libs


def stage_extra(root, extras):
    seen = set()
    for prog in extras:
        if "/" not in prog:
            found = shutil.which(prog)
            if not found:
                fail(f"EXTRA: {prog} not found in PATH (give its path)")
            prog = found
        prog = os.path.abspath(prog)
        if not os.path.lexists(prog):
            fail(f"EXTRA: {prog}: no such file or directory")
        copy_host_path(root, prog, seen)
        if os.path.isfile(prog) and os.access(prog, os.X_OK):
            for lib in shared_libraries(prog):
                copy_host_path(root, lib, seen)
    return seen


# --- the capstone's MediaServer (make fsimg MEDIASERVER=1) -------------------------

MEDIASERVER_DIR = "opt/mediaserver"       # where Linux's runs had it (linux-h.strace)
# (file in the MediaServer folder, name in /opt/mediaserver, mode). -h opens
# none of the configurations (linux-h.strace): config-test.ini is there for
# the serving stages; default.pem is the certificate it loads when serving.
MEDIASERVER_FILES = [("MediaServer", "MediaServer", 0o755), ("default.pem", "default.pem", 0o644),
                     ("config-test.ini", "config-test.ini", 0o644)]


def stage_mediaserver(root, folder, seen):
    """MediaServer and its files in /opt/mediaserver, and the libraries ldd
    says it needs (libssl, libcrypto, libstdc++...) at the host's paths,
    as an EXTRA program's. Returns the number of files staged."""
    if not os.path.exists(os.path.join(folder, "MediaServer")):
        fail(f"--mediaserver: no MediaServer in {folder} (make fsimg MEDIASERVER= stops building the capstone's image)")
    for src, dst, mode in MEDIASERVER_FILES:
        install(os.path.join(folder, src), os.path.join(root, MEDIASERVER_DIR, dst), mode)
    libs = shared_libraries(os.path.join(folder, "MediaServer"))
    for lib in libs:
        copy_host_path(root, lib, seen)
    return len(MEDIASERVER_FILES) + len(libs) + stage_ffmpeg(root, seen)


# The serving stage's publisher (labs/final/serving.py): Debian's ffmpeg
# pushes a clip to MediaServer over RTSP inside the guest. It and its 200
# libraries (x264, libavcodec's codecs...) are 230 MiB, so only the
# capstone's image has them; scripts/setup.sh installs the package.
FFMPEG = "/usr/bin/ffmpeg"


def stage_ffmpeg(root, seen):
    """ffmpeg at its host path with the libraries ldd names; the number of
    files staged."""
    if not os.path.exists(FFMPEG):
        fail(f"--mediaserver: {FFMPEG} is missing (the capstone's image needs Debian's ffmpeg: scripts/setup.sh)")
    before = len(seen)
    copy_host_path(root, FFMPEG, seen)
    for lib in shared_libraries(FFMPEG):
        copy_host_path(root, lib, seen)
    return len(seen) - before


# --- python3, with part of its standard library ------------------------------------

# Run by the host's python3.11: the files of every standard-library module
# loaded (the rest, Debian's dist-packages, stays out), one a line.
PYTHON_PROBE = """
import importlib, sys, sysconfig
for name in sys.argv[1:]:
    importlib.import_module(name)
stdlib = sysconfig.get_paths()["stdlib"]
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if f and f.startswith(stdlib + "/") and "-packages/" not in f:
        print(f)
"""


def stage_python(root, seen):
    """PYTHON (with its libraries, as an EXTRA), and the standard-library
    modules PYTHON_MODULES need, compiled into unchecked-hash .pyc files:
    mkfsimg's fixed times would make mtime-checked ones look stale, and
    python would compile (and write) them again at every start in the
    guest. Returns the number of module files, or 0 without PYTHON."""
    if not os.path.exists(PYTHON):
        return 0
    stage_extra(root, [PYTHON] + [l for l in PYTHON_LINKS if os.path.lexists(l)])
    out = subprocess.run([PYTHON, "-E", "-s", "-c", PYTHON_PROBE, *PYTHON_MODULES],
                         capture_output=True, text=True, check=True).stdout.split()
    stdlib = os.path.dirname(next(f for f in out if f.endswith("/os.py")))
    for f in out:
        copy_host_path(root, f, seen)
        for lib in shared_libraries(f) if f.endswith(".so") else []:
            copy_host_path(root, lib, seen)
    staged = os.path.join(root, stdlib.lstrip("/"))
    subprocess.run([PYTHON, "-E", "-s", "-m", "compileall", "-q", "-j", "1", "--invalidation-mode",
                    "unchecked-hash", "-s", root, "-p", "/", staged], check=True)
    return len(out)


# --- the image ------------------------------------------------------------------

def content_bytes(root):
    """Space the tree needs: whole blocks for each file's data (holes
    excepted) and each directory, plus an inode per entry."""
    total = 0
    for dirpath, dirs, files in os.walk(root):
        total += 4096
        for f in files + dirs:
            st = os.lstat(os.path.join(dirpath, f))
            total += 256
            if stat.S_ISREG(st.st_mode):
                total += st.st_blocks * 512 + 4096   # + an indirect block, roughly
            elif stat.S_ISLNK(st.st_mode) and st.st_size >= 60:
                total += 4096
    return total


def parse_size(text):
    m = re.fullmatch(r"(\d+)([KMG]?)", text.strip().upper())
    if not m:
        fail(f"bad size {text!r} (e.g. 200M, 1G)")
    return int(m[1]) << {"": 0, "K": 10, "M": 20, "G": 30}[m[2]]


def fix_times(root):
    for dirpath, dirs, files in os.walk(root):
        for f in files + dirs:
            os.utime(os.path.join(dirpath, f), (FIXED_TIME, FIXED_TIME), follow_symlinks=False)
    os.utime(root, (FIXED_TIME, FIXED_TIME))


def fix_inodes(root, image):
    """What mke2fs -d copies from the staged files but should not: their
    owners (the student's, unless this runs as root) and their access and
    change times (today's). One debugfs run sets them; returns how many
    owners it changed."""
    # debugfs reads a bare number as a date (YYYYMMDD...): "@" marks seconds.
    cmds, owners = [f'sif / atime @{FIXED_TIME}', f'sif / ctime @{FIXED_TIME}'], 0
    for dirpath, dirs, files in os.walk(root):
        for f in files + dirs:
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            cmds += [f'sif "/{rel}" atime @{FIXED_TIME}', f'sif "/{rel}" ctime @{FIXED_TIME}']
            uid, gid = OWNERS.get(rel, (0, 0))
            st = os.lstat(path)
            if (st.st_uid, st.st_gid) != (uid, gid):
                cmds += [f'sif "/{rel}" uid {uid}', f'sif "/{rel}" gid {gid}']
                owners += 1
    out = fsimg_tools.debugfs(image, *cmds, write=True)
    errors = [l for l in out.splitlines() if l and not l.startswith("debugfs:")]
    if errors:
        fail("debugfs could not set owners and times:\n  " + "\n  ".join(errors[:10]))
    return owners


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("programs", nargs="*", help="build/user/labN/NAME files")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "fsimg.img"))
    ap.add_argument("--stage", help="the staging folder (default: fsimg/root next to --out)")
    ap.add_argument("--size", help="the image's size (e.g. 256M); default: content x 1.5 + --free")
    ap.add_argument("--free", default="64M", help="room left for the tests to write (default 64M)")
    ap.add_argument("--extra", action="append", default=[], help="a host program (or directory) to add")
    ap.add_argument("--mediaserver", metavar="DIR", help="add MediaServer from DIR at /opt/mediaserver")
    args = ap.parse_args()
    if not shutil.which("mke2fs") or not shutil.which("debugfs"):
        fail("mke2fs/debugfs not found: install e2fsprogs (scripts/setup.sh)")

    root = args.stage or os.path.join(os.path.dirname(os.path.abspath(args.out)), "fsimg", "root")
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    stage_base(root)
    applets = stage_busybox(root)
    stage_programs(root, args.programs)
    stage_commands(root)
    # scripts/setup.sh installs them; an image without one still builds.
    default_extras = [p for p in DEFAULT_EXTRAS if os.path.exists(p)]
    scripts = stage_scripts(root)
    stage_test_data(root)
    extra = stage_extra(root, default_extras + [e for x in args.extra for e in x.split()])
    python = stage_python(root, extra)
    mediaserver = stage_mediaserver(root, args.mediaserver, extra) if args.mediaserver else 0
    fix_times(root)

    content = content_bytes(root)
    size = parse_size(args.size) if args.size else int(content * 1.5) + parse_size(args.free)
    size = (size + MiB - 1) // MiB * MiB
    if size < content:
        fail(f"--size {args.size} is smaller than the content ({content // MiB + 1} MiB)")
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:      # mke2fs says "Creating regular file" otherwise
        f.truncate(0)
    # A fixed UUID and hash seed and E2FSPROGS_FAKE_TIME: the same inputs
    # give the same image, byte for byte.
    env = dict(os.environ, E2FSPROGS_FAKE_TIME=str(FIXED_TIME))
    r = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-L", "kestrel",
                        "-U", "6b657374-7265-6c00-0000-000000000001",
                        "-E", "root_owner=0:0,hash_seed=6b657374-7265-6c00-0000-000000000002",
                        "-d", root, tmp, str(size // 1024) + "k"],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        fail(f"mke2fs failed:\n{r.stdout}")
    owners = fix_inodes(root, tmp)
    check = fsimg_tools.fsck(tmp)
    if not check.clean:
        fail(f"the new image does not pass e2fsck -fn:\n{check.output}")
    os.replace(tmp, args.out)
    print(f"  FSIMG   {os.path.relpath(args.out)}: {size // MiB} MiB, {content / MiB:.1f} MiB of content, "
          f"busybox with {applets} applets, {len(args.programs)} test programs, {len(scripts)} scripts"
          + (f", {len(extra)} extra files" if extra else "")
          + (f", python3 with {python} modules" if python else "")
          + (f", MediaServer and ffmpeg ({mediaserver} files)" if mediaserver else "")
          + (f", {owners} owners changed" if owners > 1 else ""))


if __name__ == "__main__":
    main()
