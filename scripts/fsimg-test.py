#!/usr/bin/env python3
"""Proves the grader's disk plumbing works, with any kernel (it need not
drive the disk): the root image is clean and the corruption helpers break
it (grade/fsimg_tools.py selftest); a test booting with disk=True gets its
own copy on a virtio-blk device, checked by e2fsck after the run, whose
errors fail the test and show in the report; the host half of
run_user(disk=True) runs in a copy of the image's tree, put back as it was
for the next test (grade/host_trees.py). Once the kernel
loads programs from the disk, run_user(disk=True) is checked end to end.

    scripts/fsimg-test.py [--kernel build/kernel.elf]     (after make fsimg)
"""
import argparse
import hashlib
import os
import shutil
import sys
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grade"))
import fsimg_tools  # noqa: E402
import host_trees  # noqa: E402
import report  # noqa: E402
from testing import Context, Lab, run_on_host  # noqa: E402
from grade import ACCEL_SLOWDOWN, timeout_scale_default  # noqa: E402

problems = []


def check(ok, what, detail=()):
    print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
    if not ok:
        problems.append(what)
        for line in detail:
            print("         " + line)


def context(options, name, lab=0, timeout=4.0):
    """A Context for a test that exists only here (lab 0, unless it runs a
    program of lab `lab`)."""
    lab = Lab(lab, "disk plumbing")
    lab.test(points=0, timeout=timeout, name=name)(lambda t: None)
    return Context(lab.tests[0], options)


def finish(ctx):
    verdict = report.decide(ctx)
    lines = report.explain(ctx, verdict, ctx.options.kernel)
    return verdict, lines


def describe(top):
    """{path: (mode, owner, size, mtime, links, link target, sha256)}
    of a tree: what a program run in it could tell apart."""
    out = {}
    for base, dirs, files in os.walk(top):
        for name in ([""] if base == top else []) + dirs + files:
            full = os.path.join(base, name) if name else base
            st = os.lstat(full)
            link = os.readlink(full) if os.path.islink(full) else None
            data = None
            if os.path.isfile(full) and not link:
                with open(full, "rb") as f:
                    data = hashlib.sha256(f.read()).hexdigest()
            out[os.path.relpath(full, top)] = (st.st_mode, st.st_uid, st.st_gid, st.st_size,
                                               st.st_mtime_ns, st.st_nlink, link, data)
    return out


def change_everything(root):
    """What a host program might do to its copy of the tree."""
    with open(os.path.join(root, "etc", "passwd"), "a") as f:
        f.write("extra:x:9:9::/:/bin/sh\n")
    with open(os.path.join(root, "etc", "hostname"), "r+b") as f:
        f.write(b"Z")                                   # same size
    os.chmod(os.path.join(root, "bin", "busybox"), 0o6711)
    os.chown(os.path.join(root, "etc", "group"), 1000, 1000)
    os.utime(os.path.join(root, "etc", "shadow"), (5, 5))
    os.makedirs(os.path.join(root, "made", "deep"))
    open(os.path.join(root, "made", "deep", "file"), "w").close()
    shutil.rmtree(os.path.join(root, "home"))
    os.unlink(os.path.join(root, "bin", "ls"))
    os.symlink("elsewhere", os.path.join(root, "bin", "ls"))
    kestrel = os.path.join(root, "usr", "share", "kestrel")
    os.unlink(os.path.join(kestrel, "hardlink-to-hello"))    # one name of two
    os.rename(os.path.join(root, "etc", "passwd"), os.path.join(root, "etc", "passwd.moved"))
    for i in range(300):                                # /etc grows, and ext4 folders never shrink
        open(os.path.join(root, "etc", f"many-{i:03d}-{'x' * 40}"), "w").close()
    for i in range(300):
        os.unlink(os.path.join(root, "etc", f"many-{i:03d}-{'x' * 40}"))
    os.chmod(os.path.join(root, "usr"), 0o700)
    os.mkfifo(os.path.join(root, "fifo"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--accel", default=os.environ.get("ACCEL", "tcg"))
    args = ap.parse_args()
    build = os.path.join(ROOT, "build")
    options = types.SimpleNamespace(kernel=args.kernel, accel=args.accel, cpus=2, mem="512M", build=build,
                                    logdir=os.path.join(build, "grade", "fsimg-test"),
                                    timeout_scale=ACCEL_SLOWDOWN[args.accel] * timeout_scale_default())

    print("the image and the corruption helpers:")
    if not fsimg_tools.selftest(os.path.join(build, "fsimg.img")):
        problems.append("fsimg_tools selftest")

    print("a test booting with a disk:")
    t = context(options, "boot")
    t.boot(disk=True)
    cmd = " ".join(t.result.command)
    check("virtio-blk-pci,drive=vda" in cmd and f"file={t.image_path}," in cmd and "cache=unsafe" in cmd,
          "QEMU gets the test's own copy as vda (virtio-blk-pci, raw)")
    check(t.image_path.startswith(t.tmp) and t.image_path != t.image, f"the copy is in the test's folder ({t.tmp})")
    verdict, lines = finish(t)
    check(verdict == "PASS" and any(m.kind == "GOOD" and "e2fsck" in m.text for m in t.marks),
          f"e2fsck -fn ran on it after the run; verdict {verdict}", lines)
    tmp = t.tmp
    t.close()
    check(not os.path.exists(tmp), "the test's folder is removed at the end")

    print("a disk the kernel 'left' broken:")
    t = context(options, "boot")
    img, what = t.corrupted_image("block-pointer")
    t.boot(disk=img)
    verdict, lines = finish(t)
    shown = "\n".join(lines)
    check(verdict == "FAIL" and "illegal block" in shown and "e2fsck -fn" in shown,
          f"{what}: the test fails and the report shows e2fsck's output", lines)
    kept = next((f.kept for f in t.fsck_results if f.kept), None)
    check(kept and os.path.exists(kept), f"the broken image is kept next to the log ({kept and os.path.relpath(kept)})")
    t.close()
    t = context(options, "boot")
    img, _ = t.corrupted_image("superblock-magic")
    t.boot(disk=img, fsck=False)
    verdict, lines = finish(t)
    check(verdict == "PASS" and not t.fsck_results, "fsck=False skips the check (images broken on purpose)", lines)
    t.close()

    print("run_user(disk=True), the host half:")
    t = context(options, "hello")
    root = fsimg_tools.copy_tree(t.staged_root, os.path.join(t.tmp, "host-root"))
    ls = run_on_host(os.path.join(root, "bin", "busybox"), "ls", cwd=root)
    names = sorted(fsimg_tools.listdir(t.image, "/"))
    check(sorted(ls.lines) == sorted(n for n in names if n != "lost+found"),
          "a program run in the host copy sees the image's / as its current directory",
          [f"host: {sorted(ls.lines)}", f"image: {names}"])
    prog = fsimg_tools.guest_program(3, "hello")
    hello = run_on_host(os.path.join(root, prog.lstrip("/")), prog, cwd=root)
    check(hello.lines and hello.returncode == 3, f"{prog} from the copy runs on the host ({hello.end})")
    t.close()

    print("the host's copies of the tree, put back between tests (grade/host_trees.py):")
    source = os.path.join(build, "fsimg", "root")
    tree = host_trees.take(source)
    fresh = describe(tree.path)
    change_everything(tree.path)
    host_trees.give_back(tree)
    again = host_trees.take(source)
    got = describe(again.path)
    differ = sorted(k for k in fresh.keys() | got.keys() if fresh.get(k) != got.get(k))
    check(again is tree and not differ, "a tree changed in every way (files written, moved, made, removed, "
          "chmod, chown, utime, a hard link cut, a folder grown) is put back as it was copied, not copied again",
          [f"{k}: copied {fresh.get(k)}, put back {got.get(k)}" for k in differ[:5]] +
          ([] if again is tree else ["it was copied anew: the restore failed"]))
    host_trees.give_back(again)

    print("run_user(disk=True), end to end:")
    t = context(options, "hello", lab=3)
    t.run_user("hello", disk=True)
    verdict, lines = finish(t)
    if any(f"starting init: {prog}" in l.text for l in t.result.lines):
        check(verdict == "PASS", f"run_user('hello', disk=True): {verdict}", lines)
    else:
        print(f"  skip this kernel does not load init={prog} from the disk yet")
    t.close()

    print(f"fsimg-test: {len(problems)} problem(s)" + (": " + "; ".join(problems) if problems else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
