"""Lab 4 (files, ELF and dynamic linking): the grader's tests.

Part A, files. Most tests run a program from user/lab4/ twice: in the
kernel, loaded from a copy of the root image (build/fsimg.img) with its
cwd at "/", and on the host Linux in a copy of the same tree; outputs and
exit statuses are compared (t.run_user(..., disk=True)). After every boot
with a disk, e2fsck -fn must find the image clean. The kernel tests
(labs/lab4/ktests_*.c) check the layers below the syscalls: the virtio
disk, the buffer cache, ext2 through the VFS, and broken images.
virtio-blk, virtio-blk-errors and bad-superblock check code the lab gives
(the driver, the buffer cache, the superblock check), which no exercise
touches: they must pass but earn no points, so a blank lab earns none.

Blanks (exercises) of this lab, for the checkpoint tool: every region
marked "LAB 4" in the tree; see handout/docs/labs/lab4.md.
"""
import array
import functools
import os
import re
import stat
import struct
import shutil
import subprocess
import sys

from testing import Lab
import fsimg_tools

lab = Lab(4, "Files, ELF and dynamic linking")
HERE = os.path.dirname(os.path.abspath(__file__))

# The checkpoint proof grades these for each blank exercise (the quickest
# to fail; see the handout's "Tests that need it" tables).
lab.exercise_tests = {1: ["ext2"], 2: ["ext2"], 3: ["fd-basic"], 4: ["fd-basic"], 5: ["fd-dup-fcntl"],
                      6: ["fs-dirs"], 7: ["glibc-c"], 8: ["exec", "mmap"], 9: ["mmap"], 10: ["mmap"],
                      11: ["exec"], 12: ["exec"]}


def tok(t):
    return int(t.token, 16)


# --- the disk, the buffer cache, ext2 (kernel tests) ---------------------------

SECTORS = 65536             # the virtio-blk test's disk: 32 MiB


def pattern_sector(s, key):
    """Word j of sector s holds (s*128 + j) ^ key (labs/lab4/ktests_block.c)."""
    return struct.pack("<128I", *[((s * 128 + j) ^ key) & 0xffffffff for j in range(128)])


def pattern_disk(key, sectors=SECTORS):
    """pattern_sector(s, key) for every sector, in one go (one word at a
    time in Python took seconds for 32 MiB)."""
    words = array.array("I", range(sectors * 128))
    if sys.byteorder != "little":
        words.byteswap()
    n = len(words) * 4
    return (int.from_bytes(words.tobytes(), "little") ^
            int.from_bytes(struct.pack("<I", key & 0xffffffff) * (n // 4), "little")).to_bytes(n, "little")


def write_pattern_disk(path):
    with open(path, "wb") as f:
        f.write(pattern_disk(0xa5a5a5a5))


@lab.test(points=0, timeout=20.0, name="virtio-blk")
def virtio_blk(t):
    """The virtio-blk driver and the buffer cache: reads of a pattern the
    host wrote, many requests in flight, writes the host checks afterwards,
    errors at the end of the disk, hits, read-ahead and write-back."""
    disk = os.path.join(t.tmp, "pattern.img")
    write_pattern_disk(disk)
    t.boot(disk=disk, fsck=False)
    t.expect(r"^virtio-blk: read the host's pattern from sectors 0-63 and 1000-1002$")
    t.expect(r"^virtio-blk: bcache: 8 dirty blocks stayed in memory until bsync wrote back 8")
    t.expect(rf"^virtio-blk: all checks passed \(0 failures\), token={{token}}$")
    # What the kernel wrote (with the token) and what it must not have touched.
    key = tok(t) & 0xffffffff
    written = set(range(32768, 33024)) | set(range(40960, 45056))
    data, host, kernel = open(disk, "rb").read(), pattern_disk(0xa5a5a5a5), pattern_disk(key)
    bad = [s for s in range(SECTORS)
           if data[s * 512:(s + 1) * 512] != (kernel if s in written else host)[s * 512:(s + 1) * 512]]
    t.check(not bad, "the disk holds the kernel's writes (sectors 32768-33023 and 40960-45055) "
                     "and nothing else changed" + (f" (first bad sectors: {bad[:5]})" if bad else ""))


@lab.test(points=0, timeout=20.0, name="virtio-blk-errors")
def virtio_blk_errors(t):
    """A disk that fails: a read of a bad sector ends in EIO (the buffer
    cache returns EIO too), and the next request works."""
    disk = os.path.join(t.tmp, "pattern.img")
    write_pattern_disk(disk)
    t.boot(disk=disk, fsck=False, fail_read_sector=50000)
    t.expect(r"^virtio-blk: reading the failing sector: -5 \(-EIO is -5\); bread: -5; the next read: 0, correct data$")
    t.expect(r"^virtio-blk: all checks passed \(0 failures\), token={token}$")


@lab.test(points=15, timeout=30.0)
def ext2(t):
    """ext2 through the VFS: files up to double-indirect blocks, a sparse
    page at 70 MiB, big directories, links, symlinks, renames, truncate."""
    t.boot(disk=True)
    t.expect(r"^ext2-test: block size \d+$")
    t.expect(r"^ext2-test: ok \(0 failures\), token={token}$")


def staged_listing(root, file_hashes):
    """The lines test=ext2-walk must print for the tree the image was made
    from; file_hashes(paths) gives the FNV-1a hash of each file's contents."""
    entries = []            # (shown path, lstat, hash or the path to hash)
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        depth = 0 if rel == "." else rel.count("/") + 1
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            shown = "/" + os.path.relpath(path, root)
            if os.path.islink(path):
                h = fnv(os.readlink(path).encode())
            elif os.path.isdir(path):
                h = 2166136261
            else:
                h = path
            if depth < 9:      # the kernel's walk shows 9 levels
                entries.append((shown, st, h))
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
    files = [h for _, _, h in entries if isinstance(h, str)]
    hashes = dict(zip(files, file_hashes(files)))
    return {f"walk: {shown} {st.st_mode:o} {0 if stat.S_ISDIR(st.st_mode) else st.st_size} "
            f"{hashes[h] if isinstance(h, str) else h:08x}" for shown, st, h in entries}


def fnv(data, h=2166136261):
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


@lab.test(points=10, timeout=30.0, name="ext2-walk")
def ext2_walk(t):
    """Every directory, file and symlink of the image as mke2fs wrote it:
    names, modes, sizes and contents the same as in the staged tree."""
    t.boot(disk=True)
    t.expect(r"^walk: done, token={token}$")
    seen = {l.text for l in t.result.lines if l.text.startswith("walk: /")}
    seen = {l for l in seen if not l.startswith("walk: /lost+found")}
    want = staged_listing(t.staged_root, lambda paths: [
        int(h, 16) for h in t.host_program(os.path.join(HERE, "fnv_files.c"), paths).split()])
    missing, extra = sorted(want - seen), sorted(seen - want)
    t.check(not missing and not extra,
            f"the walk matches the staged tree ({len(want)} entries)"
            + (f"; missing: {missing[:3]}" if missing else "") + (f"; unexpected: {extra[:3]}" if extra else ""))


@lab.test(points=5, timeout=30.0, name="ext2-fill", depends=["ext2"])
def ext2_fill(t):
    """A full disk: the write fails with ENOSPC (not the writeback), and
    freeing the file gives every block back."""
    img = os.path.join(t.tmp, "small.img")
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", img, "4M"], check=True,
                   capture_output=True)
    t.boot(disk=img)
    t.expect(r"^ext2-fill: ok \(0 failures\), token={token}$")


def disk_with_program(t, program, size, block_size=1024, name="small.img"):
    """A fresh ext2 image of `size` ("8M") holding only test program
    `program` (at its usual path), for a test that needs a disk of its
    own shape; returns (image, path of the program in it)."""
    guest = fsimg_tools.guest_program(lab.number, program)
    staged = os.path.join(t.tmp, name + ".root")
    dst = os.path.join(staged, guest.lstrip("/"))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copy(os.path.join(t.options.build, "user", f"lab{lab.number}", program), dst)
    img = os.path.join(t.tmp, name)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(block_size), "-d", staged, img, size],
                   check=True, capture_output=True)
    return img, guest


def fnv_pattern(n, seed):
    """The bytes of user/lab4's pattern(i) = i * 7 + seed + (i >> 12)."""
    return bytes((i * 7 + seed + (i >> 12)) & 0xff for i in range(n))


@lab.test(points=5, timeout=30.0, name="fs-enospc")
def fs_enospc(t):
    """A disk that fills up: write() itself fails with ENOSPC (blocks are
    taken when it accepts the data, as Linux's ext2 does: the same program
    on an 8 MiB ext2 loop mount on Linux prints the same lines), and what
    it accepted is on the disk afterwards although nobody called fsync."""
    img, init = disk_with_program(t, "fs_enospc", "8M")
    t.boot(append=f"init={init} token={t.token}", disk=img)
    for what in ("a write that does not fit fails with ENOSPC", "the file got most of the free space",
                 "its size is what write\\(\\) took", "it reads back"):
        t.expect(f"^{what}: ok$")
    m = t.expect(r"^fs_enospc: (\d+) bytes taken$")
    t.expect(r"^kestrel: init \(fs_enospc\) exited with code 0$")
    if m:
        n = int(m[1])
        data = t.image_file("/fill")
        t.check(data == fnv_pattern(n, 3), f"the disk holds the {n} bytes write() took "
                f"(it has {len(data)} bytes{'' if data == fnv_pattern(len(data), 3) else ', not the pattern'})")


def big_file_blocks(nblocks):
    """What fs_bigwrite writes: 4 KiB block i holds i (32 bits) 1024 times."""
    return b"".join(struct.pack("<I", i) * 1024 for i in range(nblocks))


def check_big_file(t, mib):
    try:
        data = t.image_file("/big")
    except fsimg_tools.ImageError as e:
        return t.check(False, f"the disk holds /big: {e}")
    want = big_file_blocks(mib * 256)
    bad = next((i for i in range(0, len(want), 4096) if data[i:i + 4096] != want[i:i + 4096]), None)
    t.check(data == want, f"the disk holds all {mib} MiB of /big"
            + ("" if data == want else f" (it has {len(data)} bytes; the first wrong block is "
               f"{bad // 4096 if bad is not None else len(want) // 4096})"))


BIG_WRITE_MEM, BIG_WRITE_MIB = "64M", 100


@lab.test(points=5, timeout=180.0, name="fs-bigger-than-ram")
def fs_bigger_than_ram(t):
    """A file bigger than memory: with 64 MiB of RAM, 100 MiB written
    without fsync. Dirty pages are written back as they pile up and clean
    ones reclaimed, so every write succeeds, files can still be made
    afterwards, and the whole file is on the disk at the end."""
    img, init = disk_with_program(t, "fs_bigwrite", "300M", block_size=4096)
    t.boot(append=f"init={init} token={t.token} -- {BIG_WRITE_MIB}", disk=img, mem=BIG_WRITE_MEM)
    t.expect(rf"^fs_bigwrite: {BIG_WRITE_MIB} MiB written, read back ok, then a small file ok$")
    t.expect(r"^kestrel: init \(fs_bigwrite\) exited with code 0$")
    check_big_file(t, BIG_WRITE_MIB)


@lab.test(points=5, timeout=60.0, name="fs-writeback")
def fs_writeback(t):
    """Background writeback: 16 MiB written, no fsync, no sync, then a
    quiet 3 s with dirty data expiring after 1 s (checked every 0.5 s:
    dirty_expire_centisecs and dirty_writeback_centisecs, Linux's names).
    The grader then pulls the plug: the file must be on the disk, and the
    disk clean for e2fsck."""
    img, init = disk_with_program(t, "fs_bigwrite", "64M", block_size=4096)
    t.boot(append=f"init={init} token={t.token} dirty_expire_centisecs=100 dirty_writeback_centisecs=50 "
           "-- 16 wait 3", disk=img, kill_on=r"^fs_bigwrite: quiet for 3 s$")
    t.expect(r"^fs_bigwrite: 16 MiB written, read back ok, then a small file ok$")
    t.check(t.result.killed, "the program sat quietly for 3 s (then the grader killed QEMU)")
    check_big_file(t, 16)


@lab.test(points=0, timeout=20.0, name="init-long-args")
def init_long_args(t):
    """init's arguments (the command line's words after " -- ") reach it
    whole, however long the command line: busybox echo prints a 600-byte
    word. They were cut at 255 bytes (a shell's -c script lost its end)."""
    word = "k" * 600
    t.boot(append=f"init=/bin/busybox token={t.token} -- echo {word} {t.token}", disk=True)
    t.expect(rf"^{word} {{token}}$")


@lab.test(points=2, timeout=20.0, name="fsimg-times")
def fsimg_times(t):
    """The image's files carry scripts/mkfsimg.py's fixed time (2024-01-01)
    as their access, modification and change times, and the kernel reads
    them so: busybox's stat on the image prints it three times."""
    fixed = 1704067200      # mkfsimg.py's FIXED_TIME
    t.boot(append=f'init=/bin/busybox token={t.token} -- stat -c "%X %Y %Z" /etc/passwd', disk=True)
    t.expect(rf"^{fixed} {fixed} {fixed}$")


# What e2fsck may find after a power cut, as after one of Linux's ext2:
# blocks and inodes marked in use that nothing uses (leaked: an inode
# whose last name is gone is "unattached"), the free
# counts that go with them, and a file cut short in the middle of a
# truncate whose size or block count disagrees with its block map (no
# order of the inode's and the indirect block's writes avoids that
# without a journal). Anything else is damage: a block claimed twice, an
# indirect block holding file data, a pointer to a free block.
LEAK_ONLY_RX = re.compile(
    r"^(Pass \d.*|e2fsck .*|Block bitmap differences: *( -\(?\d+(--\d+)?\)?)+|"
    r"Inode \d+, i_(size|blocks) is \d+, should be \d+\. +Fix\? no|"
    r"Unattached (zero-length )?inode \d+(\. +Clear\? no)?|Connect to /lost\+found\? no|"
    r"Inode bitmap differences: *( -\(?\d+(--\d+)?\)?)+|Fix\? no|"
    r"Free (blocks|inodes) count wrong.*|Padding at end of .*|"
    r"Superblock last (mount|write) time .*in the future.*|\(by less than a day.*|"
    r".*: \*+ WARNING: Filesystem still has errors \*+|.*: \d+/\d+ files .*|)$")


@lab.test(points=5, timeout=150.0, name="fs-crash")
def fs_crash(t):
    """Power cuts in the middle of writing, truncating, removing and
    syncing files: eight boots, each killed a different time after a
    different round's sync starts. After each, e2fsck may find leaked
    blocks and inodes and a file cut short in a truncate (as after a crash
    of Linux's ext2; LEAK_ONLY_RX) but nothing worse: no block claimed
    twice, no indirect block holding file data, no pointer to a free block
    or name for a free inode."""
    cuts = ((2, 0), (4, 0.05), (6, 0.1), (8, 0.15), (10, 0.2), (12, 0.3), (14, 0.02), (16, 0.08))
    for boot, (kill_round, delay) in enumerate(cuts):
        img, init = disk_with_program(t, "fs_crashloop", "32M", name=f"crash{boot}.img")
        t.boot(append=f"init={init} token={t.token} dirty_writeback_centisecs=20 dirty_expire_centisecs=30 -- 40",
               disk=img, fsck=False, kill_on=rf"^sync {kill_round}$", kill_delay=delay)
        r = fsimg_tools.fsck(img)
        bad = [l for l in r.output.splitlines() if not LEAK_ONLY_RX.match(l.strip())]
        t.check(t.result.killed, f"the loop reached round {kill_round}'s sync (and the grader cut the power)")
        t.check(not bad, f"after a power cut at round {kill_round} (+{delay} s), e2fsck finds at most "
                f"leaked blocks and inodes" + (f": {bad[:6]}" if bad else ""))


# --- broken images: a clear message, never a panic ------------------------------

@lab.test(points=0, timeout=10.0, name="bad-superblock")
def bad_superblock(t):
    """A disk that is not ext2 is refused with a message; the kernel boots
    on a tmpfs root instead."""
    img, _ = t.corrupted_image("superblock-magic")
    t.boot(append=f"init=hello token={t.token}", disk=img, fsck=False)
    t.expect(r"^ext2: vda: no ext2 filesystem \(bad magic 0xbad\)$")
    t.expect(r"^kestrel: cannot mount the root filesystem \(ext2 on vda\)")
    t.expect(r"^kestrel: init \(hello\) exited with code 3$")


@lab.test(points=5, timeout=20.0, name="bad-dirent")
def bad_dirent(t):
    """A directory entry whose length runs off its block is reported; the
    rest of the tree is still read."""
    img, _ = t.corrupted_image("dirent-rec-len")
    t.boot(test="ext2-walk", disk=img, fsck=False)
    t.expect(r"^ext2: inode \d+: directory block \d+ .*rec_len")
    t.expect(r"^walk: /usr/lib/kestrel/lab4/fs_names \d+ \d+ [0-9a-f]{8}$")
    t.expect(r"^walk: done, token={token}$")


@lab.test(points=5, timeout=20.0, name="bad-block-pointer")
def bad_block_pointer(t):
    """A block number beyond the disk in an inode is reported, and reading
    that file fails; nothing is read from (or written to) a wild block."""
    img, _ = t.corrupted_image("block-pointer")
    t.boot(test="ext2-walk", disk=img, fsck=False)
    t.expect(r"^ext2: inode \d+: block 2147483655 out of range$")
    t.expect(r"^walk: /etc/hostname: read error -117$")
    t.expect(r"^walk: done, token={token}$")


# --- the file syscalls, against Linux -------------------------------------------

# A program run in the kernel and on the host (Lab.program_test), with
# this part's usual timeout.
user_test = functools.partial(lab.program_test, timeout=20.0)


user_test("fd-basic", "fd_basic", 15,
          doc="open flags, read/write/pread/pwrite/readv/writev, lseek, offsets shared across fork")
user_test("fd-dup-fcntl", "fd_dup_fcntl", 10, depends=["fd-basic"],
          doc="dup, dup2, dup3, fcntl (F_DUPFD, F_GETFD/SETFD, F_GETFL/SETFL), close-on-exec flags")
user_test("fs-names", "fs_names", 10, depends=["fd-basic"],
          doc="mkdir, unlink, rmdir, rename(2), link, symlink, readlink: every errno, loops, long names")
user_test("fs-stat", "fs_stat", 10, depends=["fd-basic"],
          doc="stat, lstat, fstat, newfstatat (AT_EMPTY_PATH), statx, access, chmod, utimensat")
user_test("fs-dirs", "fs_dirs", 10, depends=["fd-basic"],
          doc="getdents64 with small buffers, 300 files in a directory, chdir/fchdir/getcwd")
user_test("fs-truncate", "fs_truncate", 5, depends=["fd-basic"],
          doc="truncate and ftruncate down and up (zeroes, holes), fsync, fdatasync")
user_test("fs-bigfile", "fs_bigfile", 10, timeout=60.0, depends=["fd-basic"],
          doc="a 5 MiB file through indirect blocks, read back in many ways; a sparse file at 70 MiB")


def ext2_max_size(bits):
    """Linux's ext2_max_size (fs/ext2/super.c): the block tree's reach,
    unless data and indirect blocks would pass 2^32 - 1 sectors (i_blocks)."""
    ppb = 1 << (bits - 2)
    reach = 12 + ppb + ppb ** 2 + ppb ** 3
    limit = ((1 << 32) - 1) >> (bits - 9)
    if reach + 1 + (1 + ppb) + (1 + ppb + ppb ** 2) <= limit:
        return reach << bits
    left = limit - 12 - ppb
    if left < ppb ** 2:
        meta = 2 + -(-left // ppb)
    else:
        left -= ppb ** 2
        meta = 1 + 1 + ppb + 1 + -(-left // ppb) + -(-left // ppb ** 2)
    return (limit - meta) << bits


@lab.test(points=5, timeout=20.0, name="fs-limits", depends=["fd-basic"])
def fs_limits(t):
    """The largest file: writes and truncates past it fail with EFBIG at
    once, a write across it is cut short. On Linux (an ext2 loop mount with
    4 KiB blocks) the edge file's size is ext2_max_size(12), 2196873666560."""
    t.run_user("fs_limits", disk=True)
    out = t.debugfs("stat /kt-fs_limits/edge")
    m = re.search(r"Size: (\d+)", out)
    want = ext2_max_size(12)
    t.check(m and int(m.group(1)) == want,
            f"a write across ext2's limit stops there: the size is {want}"
            + ("" if m and int(m.group(1)) == want else f" (debugfs: {m.group(0) if m else out[:80]!r})"))


user_test("dev-files", "dev_files", 5,
          doc="/dev/null, zero, full, random, urandom, as Linux's")
user_test("dev-mem", "dev_mem", 5,
          doc="the memory devices' corner cases: bad buffers, seeks, big reads")
user_test("fs-efault", "fs_efault", 5, depends=["fd-basic"],
          doc="bad pointers to every file syscall give EFAULT and change nothing")
user_test("exec", "exec_basic", 15, depends=["fd-basic"],
          doc="execve and execveat from files: argv and envp, close-on-exec, #! scripts, every error, "
              "segments mapped from the file")
user_test("exec-stack", "exec_stack", 5, depends=["exec"],
          doc="PT_GNU_STACK with PF_X (-z execstack): code copied to the stack runs")
user_test("mmap", "mmap_basic", 15, depends=["fd-basic"],
          doc="mmap and munmap: anonymous and file, private and shared, MAP_FIXED, holes, fork, the errors")
user_test("mmap-copy", "mmap_copy", 5, depends=["mmap"],
          doc="pread into and pwrite from an untouched mapping of the same file (shared and private, "
              "ext2 and tmpfs): the copy's fault must not need the lock the read or write holds")
user_test("mmap-cross", "mmap_cross", 5, depends=["mmap"], cpus=4,
          doc="on 4 CPUs, processes reading file X into a mapping of Y while others read Y into "
              "a mapping of X: no deadlock between the two files' locks")
user_test("mmap-shared-anon", "mmap_shared_anon", 0, depends=["mmap"],
          doc="MAP_SHARED|MAP_ANONYMOUS and MAP_SHARED /dev/zero pages nobody touched before fork "
              "are shared all the same (a tmpfs file behind them, as Linux's shmem_zero_setup)")
user_test("mmap-many", "mmap_many", 5, timeout=60.0, depends=["mmap"],
          doc="20,000 mappings placed by the kernel and 10,000 fixed ones with holes: lookups on "
              "faults, free-range search, mprotect, munmap across 1000 regions, mremap (the region index)")
user_test("mempolicy", "mempolicy", 0, depends=["mmap"],
          doc="NUMA memory policies on one node, as libnuma uses them: get_mempolicy, set_mempolicy, mbind, "
              "set_mempolicy_home_node, migrate_pages, move_pages; modes, flags, node masks, ranges, errors "
              "(no points: the code is given)")
user_test("sendfile-cross", "sendfile_cross", 5, depends=["fd-basic"], cpus=4,
          doc="on 4 CPUs, sendfile from X to Y against sendfile from Y to X, the open files shared "
              "across fork: no deadlock between their offset locks")
user_test("startup-calls", "startup_calls", 10,
          doc="what glibc calls before main: prlimit64, getrandom, mprotect, prctl, robust lists, clone")
user_test("pipes", "pipes", 10, depends=["fd-basic"],
          doc="pipe, pipe2 and their flags; EOF, EPIPE and SIGPIPE, O_NONBLOCK, "
              "200 KiB through a pipe between processes, PIPE_BUF writes never interleaving")
user_test("pgrp-session", "pgrp_session", 5, depends=["pipes"],
          doc="setsid, setpgid and its rules, getpgid, getsid, wait4 by process group")
user_test("poll-select", "poll_select", 10, depends=["pipes"],
          doc="poll, ppoll, select, pselect6: pipe readiness, POLLNVAL, always-ready files, "
              "sleepers woken by a child, timeouts and the time left, signal masks, every errno")
user_test("signals", "signals_basic", 10, depends=["pgrp-session"],
          doc="kill, tgkill, sigtimedwait, sigpending: default actions, pending blocked signals, "
              "SIGCHLD and its siginfo, children reaped when SIGCHLD is ignored, process groups")
user_test("bad-input", "bad_input", 5, depends=["mmap", "pipes"],
          doc="arguments no sane program passes, as Linux answers them: NULL rlimits, buffers "
              "running off their mapping (pipe write, getrandom), impossible counts and offsets "
              "(read, writev, pread, sendfile), mremap that cannot grow, SIGBUS past the end of "
              "a mapped file (also after truncate), sgdt/sidt hidden by UMIP")

user_test("kill-blocked", "kill_blocked", 10, depends=["signals", "poll-select"],
          doc="SIGKILL ends a process sleeping in a pipe read or write, poll, ppoll, select, "
              "FUTEX_WAIT, vfork, wait4, nanosleep, sigwaitinfo, or stopped; ignored signals do not")
user_test("stop-cont", "stop_cont", 10, depends=["signals"],
          doc="job control: SIGSTOP and SIGTSTP stop, SIGCONT continues; WUNTRACED, WCONTINUED, waitid and "
              "SIGCHLD report it; a nanosleep or pipe read cut short by the stop goes on")

# --- unmodified glibc programs (dynamic linking) ---------------------------------

user_test("glibc-c", "glibc_hello", 10, depends=["exec", "mmap", "startup-calls"],
          doc="a dynamically linked glibc C program: the loader, libc, stdio, malloc (brk and mmap), qsort, time")
user_test("glibc-static", "glibc_static", 5, depends=["exec"],
          doc="a statically linked glibc program: no loader; glibc's start code reads the auxiliary vector")
user_test("glibc-cxx", "cxx_basic", 10, depends=["glibc-c"],
          doc="a C++ program: libstdc++, iostream, string, vector, map, virtual calls, exceptions across frames")


@lab.test(points=5, timeout=30.0, name="ld-so-direct", depends=["glibc-c"])
def ld_so_direct(t):
    """The dynamic loader run as the program, loading glibc_hello itself:
    a PIE placed by mmap instead of by execve."""
    t.run_command("/lib64/ld-linux-x86-64.so.2", ["usr/lib/kestrel/lab4/glibc_hello"])


@lab.test(points=5, timeout=30.0, name="openssl-version", depends=["glibc-c"])
def openssl_version(t):
    """Debian's openssl (libssl, libcrypto) prints its version."""
    t.run_command("/usr/bin/openssl", ["version"])


@lab.test(points=5, timeout=60.0, name="openssl-dgst", depends=["openssl-version"])
def openssl_dgst(t):
    """Debian's openssl hashes files of the image: the same digests as on Linux."""
    t.run_command("/usr/bin/openssl", ["dgst", "-sha256", "etc/passwd", "bin/busybox"])


# --- busybox shell scripts, against the same busybox on Linux -------------------

def script_test(name, script, points, timeout=60.0, doc=""):
    def run(t):
        t.run_script(script)
    run.__doc__ = doc
    run.__name__ = name.replace("-", "_")
    lab.test(points=points, timeout=timeout, name=name, depends=["exec", "pipes", "poll-select"])(run)


script_test("sh-tree", "tree.sh", 10,
            doc="a tree made, copied, moved (also to /tmp and back), listed, found and removed by busybox's tools")
script_test("sh-manyfiles", "manyfiles.sh", 5,
            doc="hundreds of files in one directory: created, listed, renamed, removed")
script_test("sh-bigfile", "bigfile.sh", 10, timeout=120.0,
            doc="an 8 MiB file through dd, cat, cp, md5sum and sha256sum, compared with Linux's checksums")


# --- the console shell and job control (busybox init, as `make qemu`) -----------

PROMPT = r"# (\x1b\[6n)?$"  # the end of root's prompt (then ash asks where the cursor is)


def foreground(marker, command):
    """A line that runs command in the foreground once it printed marker
    (typed as MARK""ER, so the echo of the typed line does not match)."""
    typed = marker[:2] + '""' + marker[2:]
    return f"sh -c 'echo {typed}; exec {command}'\n".encode()


def key_kills(trigger, marker, command, key):
    """Steps: once a line matches trigger, run command; type key once it
    runs; then show $? at the prompt."""
    return [(trigger, foreground(marker, command), 0.3),
            (rf"^{marker}$", key, 1.0),
            (PROMPT, b'echo "st=$?"\n', 0.3)]


def after(t, pattern, marker, within):
    """The first line matching pattern after marker's line, within
    `within` seconds of it."""
    start = t.expect(rf"^{marker}$")
    found = start and t.expect(pattern, after=start)
    if found:
        waited = found.line.time - start.line.time
        t.check(waited < within, f"{found.line.text!r} came {waited:.1f} s after {marker} (at most {within} s)")
    return found


@lab.test(points=10, timeout=60.0, name="tty-job-control", depends=["stop-cont", "kill-blocked"])
def tty_job_control(t):
    """At the console shell (busybox init and ash, as `make qemu` boots),
    ^C ends a foreground sleep (status 130) and a foreground cat reading
    the tty, ^\\ ends one (131), ^Z stops one (148, "Stopped"), and the
    stopped job is then killed: the tty sends SIGINT, SIGQUIT and SIGTSTP
    to its foreground process group."""
    status = r"^st=\d+$"
    steps = (key_kills(PROMPT, "READY1", "sleep 100", b"\x03") +
             key_kills(status, "READY2", "sleep 100", b"\x1c") +
             key_kills(status, "READY3", "sleep 100", b"\x1a") +
             [(status, b"kill -9 %1; sleep 1; jobs\n", 0.3)] +
             key_kills(r"Killed", "READY4", "cat", b"\x03") +
             [(status, b"poweroff\n", 0.3)])
    t.boot(append=f"init=/sbin/init token={t.token}", disk=True, console_input=steps)
    after(t, r"^st=130$", "READY1", 10)
    after(t, r"^st=131$", "READY2", 10)
    after(t, r"Stopped", "READY3", 10)
    st = after(t, r"^st=148$", "READY3", 10)
    if st:
        t.expect(r"^\[1\]\+ +Killed +sh -c", after=st)
    after(t, r"^st=130$", "READY4", 10)


@lab.test(points=5, timeout=90.0, name="shell-pipelines", depends=["pgrp-session"])
def shell_pipelines(t):
    """40 pipelines at the console shell, which puts each in a process
    group of its own and gives it the tty: the second process joins the
    group of the first even when the first has ended already (a zombie
    is still a member), so no "can't set tty process group"."""
    loop = b"for i in $(seq 1 40); do head -c 1 /dev/zero | od >/dev/null; done; echo LO\"\"OP_DONE\n"
    t.boot(append=f"init=/sbin/init token={t.token}", disk=True,
           console_input=[(PROMPT, loop, 0.3), (r"^LOOP_DONE$", b"poweroff\n", 0.3)])
    t.expect(r"^LOOP_DONE$")
    t.forbid(r"can't set tty process group")


@lab.test(points=5, timeout=10.0, name="tmpfs")
def tmpfs(t):
    """Without a disk "/" is a tmpfs: the basics work there too."""
    t.run_user("tmpfs_smoke")
