#!/usr/bin/env python3
"""The root file system image from the grader's side: copying it for a
run, checking it with e2fsck afterwards, reading files out of it with
debugfs, and breaking copies of it on purpose for the tests of a kernel's
error paths. Everything goes through e2fsprogs (e2fsck, debugfs) or plain
byte patching; no ext2 code of our own beyond a few superblock fields.

    grade/fsimg_tools.py check IMG               e2fsck -fn, exit status 0 if clean
    grade/fsimg_tools.py corrupt KIND IMG OUT    a broken copy (KIND: see CORRUPTIONS)
    grade/fsimg_tools.py selftest [IMG]          the helpers against a real image

The image is built by scripts/mkfsimg.py (make fsimg); see fsimg/README.md.
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE = os.path.join(ROOT, "build", "fsimg.img")          # make fsimg
STAGED = os.path.join(ROOT, "build", "fsimg", "root")     # the tree the image was made from
# Where the test programs live in the image: build/user/labN/NAME is
# /usr/lib/kestrel/labN/NAME.
PROGRAMS_DIR = "/usr/lib/kestrel"


class ImageError(Exception):
    """The image is missing or out of date, or e2fsprogs failed: a problem
    of the setup, not of the kernel under test."""


def guest_program(lab, name):
    """The absolute path in the image of build/user/lab<lab>/<name>."""
    return f"{PROGRAMS_DIR}/lab{lab}/{name}"


def require_image(image=IMAGE, newer_than=()):
    """Raises ImageError unless `image` exists and is newer than each file
    in `newer_than` (e.g. the user program a test runs from it)."""
    if not os.path.exists(image):
        raise ImageError(f"no disk image at {os.path.relpath(image)}: run make fsimg")
    stale = [f for f in newer_than if os.path.exists(f) and os.path.getmtime(f) > os.path.getmtime(image)]
    if stale:
        raise ImageError(f"{os.path.relpath(image)} is older than {os.path.relpath(stale[0])}: run make fsimg")


def copy_image(src, dst):
    """Copies an image keeping its holes (most of a fresh image is holes),
    sharing blocks where the file system can (reflink)."""
    subprocess.run(["cp", "--sparse=always", "--reflink=auto", src, dst], check=True)
    return dst


def copy_tree(src, dst):
    """A copy of a staged tree (build/fsimg/root): symlinks as symlinks,
    modes and times kept, so a host program sees what the guest sees."""
    subprocess.run(["cp", "-a", "--reflink=auto", src, dst], check=True)
    return dst


# --- e2fsck -----------------------------------------------------------------

@dataclass
class FsckResult:
    image: str
    status: int          # e2fsck's exit status: 0 clean, 4 errors left, 8 e2fsck failed
    output: str
    kept: str = None     # where the grader kept a copy of the image (when not clean)

    @property
    def used_backup(self):
        # A broken primary superblock: e2fsck -n checks the filesystem
        # through a backup copy (an image of more than one block group has
        # one) and may exit 0, but nothing would mount the disk as it is.
        return "trying backup blocks" in self.output

    @property
    def clean(self):
        return self.status == 0 and not self.used_backup

    def summary(self):
        # The exit status is a bit mask (e2fsck(8)).
        what = [w for bit, w in ((4, "errors found (left uncorrected)"),
                                 (8, "e2fsck could not finish (operational error)"),
                                 (16, "usage error"), (32, "cancelled")) if self.status & bit]
        if self.used_backup:
            what.insert(0, "the primary superblock is invalid (checked through a backup)")
        return f"e2fsck -fn: {', '.join(what) or 'clean'}, exit status {self.status}"


def fsck(image):
    """e2fsck -fn: a full check that changes nothing."""
    p = subprocess.run(["e2fsck", "-fn", image], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace", timeout=120)
    return FsckResult(image, p.returncode, p.stdout)


# --- debugfs ----------------------------------------------------------------

def debugfs(image, *commands, write=False):
    """Runs debugfs commands on `image` (read-only unless write); returns
    what they print. Errors (e.g. "File not found by ext2_lookup") come
    back in the text: debugfs exits 0 whatever happens."""
    args = ["debugfs"] + (["-w"] if write else [])
    if len(commands) == 1:
        args += ["-R", commands[0], image]
        stdin = None
    else:
        args += ["-f", "-", image]
        stdin = "".join(c + "\n" for c in commands)
    p = subprocess.run(args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, errors="replace", timeout=120)
    # stderr holds the banner ("debugfs 1.47.0 ...") and the errors.
    errors = [l for l in p.stderr.splitlines() if not l.startswith("debugfs ")]
    return p.stdout + "".join(e + "\n" for e in errors)


def read_file(image, path):
    """The contents of `path` in the image (bytes); ImageError if absent."""
    p = subprocess.run(["debugfs", "-R", f'dump "{path}" /dev/stdout', image],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    err = [l for l in p.stderr.decode(errors="replace").splitlines() if not l.startswith("debugfs ")]
    if err:
        raise ImageError(f"debugfs cannot read {path} in {image}: {' '.join(err)}")
    return p.stdout


def exists(image, path):
    return "not found" not in debugfs(image, f'stat "{path}"')


def listdir(image, path="/"):
    """Names in directory `path` of the image, without . and .."""
    out = debugfs(image, f'ls -p "{path}"')
    names = []
    for line in out.splitlines():
        f = line.split("/")      # /inode/mode/uid/gid/name/size/
        if len(f) >= 7 and f[5] not in (".", ".."):
            names.append(f[5])
    return names


def blocks(image, path):
    """The data blocks of `path` (debugfs "blocks": data only, no indirect blocks)."""
    out = debugfs(image, f'blocks "{path}"')
    try:
        return [int(b) for b in out.split()]
    except ValueError:
        raise ImageError(f"debugfs blocks {path}: {out.strip()}")


def inode_offset(image, path):
    """(inode number, byte offset of the inode in the image)."""
    out = debugfs(image, f'imap "{path}"')
    # "Inode 13 is part of block group 0\n\tlocated at block 4, offset 0x0c00"
    try:
        ino = int(out.split("Inode ")[1].split()[0])
        block = int(out.split("located at block ")[1].split(",")[0])
        offset = int(out.split("offset ")[1].split()[0], 16)
    except (IndexError, ValueError):
        raise ImageError(f"debugfs imap {path}: {out.strip()}")
    return ino, block * superblock(image)["block_size"] + offset


# --- the superblock -----------------------------------------------------------

SUPERBLOCK_OFFSET = 1024
EXT2_MAGIC = 0xEF53


def superblock(image):
    """A few superblock fields (see the ext2 layout: offsets in bytes)."""
    with open(image, "rb") as f:
        f.seek(SUPERBLOCK_OFFSET)
        sb = f.read(1024)
    inodes, blocks_count = struct.unpack_from("<II", sb, 0)
    log_block_size, = struct.unpack_from("<I", sb, 24)
    magic, = struct.unpack_from("<H", sb, 56)
    inode_size, = struct.unpack_from("<H", sb, 88)
    return {"inodes": inodes, "blocks": blocks_count, "block_size": 1024 << log_block_size,
            "magic": magic, "inode_size": inode_size}


def _patch(image, offset, data):
    with open(image, "r+b") as f:
        f.seek(offset)
        f.write(data)


# --- deliberately broken images ------------------------------------------------
# Each patches one thing in an image (in place) and returns a sentence
# saying what, for the test's report. Use them on a copy: corrupted_copy().

def corrupt_superblock_magic(image, value=0x0BAD):
    """The primary superblock's magic number (0xEF53) is wrong; the backup
    superblocks are left alone, as after a stray write to block 0."""
    _patch(image, SUPERBLOCK_OFFSET + 56, struct.pack("<H", value))
    return f"the superblock's magic number is {value:#06x}, not {EXT2_MAGIC:#06x}"


def corrupt_dirent_rec_len(image, directory="/etc", name="hostname", rec_len=None):
    """The entry `name` of `directory` gets a bad rec_len: by default one
    that runs past the end of the directory block (a kernel walking the
    block must not read beyond it). rec_len=6 gives a length below the
    minimum and not a multiple of 4."""
    bs = superblock(image)["block_size"]
    for block in blocks(image, directory):
        with open(image, "rb") as f:
            f.seek(block * bs)
            data = f.read(bs)
        pos = 0
        while pos + 8 <= bs:
            ino, length, name_len = struct.unpack_from("<IHB", data, pos)
            if length < 8:
                break
            if ino and data[pos + 8:pos + 8 + name_len] == name.encode():
                bad = rec_len if rec_len is not None else bs - pos + 1024
                _patch(image, block * bs + pos + 4, struct.pack("<H", bad))
                return (f"the directory entry {directory.rstrip('/')}/{name} (block {block}, "
                        f"offset {pos}) has rec_len {bad}, was {length}")
            pos += length
    raise ImageError(f"no entry {name} in {directory} of {image}")


def corrupt_block_pointer(image, path="/etc/hostname", index=0, block=None):
    """Data block pointer `index` of `path`'s inode points past the end of
    the file system (by default to block 2^31 + 7)."""
    sb = superblock(image)
    bad = block if block is not None else (1 << 31) + 7
    ino, offset = inode_offset(image, path)
    # struct ext2_inode: i_block[15] starts at byte 40.
    _patch(image, offset + 40 + 4 * index, struct.pack("<I", bad))
    return (f"block pointer {index} of {path} (inode {ino}) is {bad}, "
            f"beyond the file system's {sb['blocks']} blocks")


CORRUPTIONS = {
    "superblock-magic": corrupt_superblock_magic,
    "dirent-rec-len": corrupt_dirent_rec_len,
    "block-pointer": corrupt_block_pointer,
}


def corrupted_copy(kind, dst, src=IMAGE, **kwargs):
    """A copy of `src` at `dst` broken in one way (a CORRUPTIONS key);
    returns (dst, what was broken)."""
    require_image(src)
    copy_image(src, dst)
    return dst, CORRUPTIONS[kind](dst, **kwargs)


# --- command line ---------------------------------------------------------------

def selftest(image):
    """Checks the helpers against a real image: it is clean, files read
    back as staged, and each corruption makes e2fsck complain."""
    problems = []

    def check(ok, what):
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            problems.append(what)

    require_image(image)
    r = fsck(image)
    check(r.clean, f"{os.path.relpath(image)} is clean ({r.summary()})")
    sb = superblock(image)
    check(sb["magic"] == EXT2_MAGIC and sb["block_size"] == 4096,
          f"ext2 superblock, 4096-byte blocks ({sb})")
    staged_hostname = os.path.join(STAGED, "etc", "hostname")
    if os.path.exists(staged_hostname):
        check(read_file(image, "/etc/hostname") == open(staged_hostname, "rb").read(),
              "/etc/hostname reads back as staged")
    check("busybox" in listdir(image, "/bin"), "/bin lists busybox")
    uids = debugfs(image, 'stat "/bin/busybox"', 'stat "/etc/passwd"', 'stat "/"')
    check(uids.count("User:     0   Group:     0") == 3, "/, /bin/busybox, /etc/passwd are root:root")
    try:
        read_file(image, "/no/such/file")
        check(False, "reading a missing file raises ImageError")
    except ImageError:
        check(True, "reading a missing file raises ImageError")
    with tempfile.TemporaryDirectory(prefix="kestrel-fsimg-") as tmp:
        for kind in CORRUPTIONS:
            dst, what = corrupted_copy(kind, os.path.join(tmp, f"{kind}.img"), src=image)
            r = fsck(dst)
            first = next((l for l in r.output.splitlines()[1:] if l.strip()), "")
            check(not r.clean, f"{kind}: {what}; {r.summary()}: {first.strip()[:70]}")
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="e2fsck -fn the image")
    c.add_argument("image", nargs="?", default=IMAGE)
    c = sub.add_parser("corrupt", help="write a broken copy of IMG to OUT")
    c.add_argument("kind", choices=sorted(CORRUPTIONS))
    c.add_argument("image")
    c.add_argument("out")
    c = sub.add_parser("selftest", help="check these helpers against an image")
    c.add_argument("image", nargs="?", default=IMAGE)
    args = ap.parse_args()
    try:
        if args.cmd == "check":
            r = fsck(args.image)
            print(r.output, end="")
            print(r.summary())
            return 0 if r.clean else 1
        if args.cmd == "corrupt":
            _, what = corrupted_copy(args.kind, args.out, src=args.image)
            print(f"{args.out}: {what}")
            return 0
        print(f"fsimg_tools selftest on {os.path.relpath(args.image)}:")
        return 0 if selftest(args.image) else 1
    except ImageError as e:
        sys.exit(f"fsimg_tools: {e}")


if __name__ == "__main__":
    sys.exit(main())
