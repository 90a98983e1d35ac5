"""Trees for the checkpoint proof (scripts/test-all.py) that reuse the full
tree's build instead of building from nothing.

A checkpoint branch, or the full tree with one region blanked, differs
from the full tree in a few source files (a checkpoint's other marked
files differ only in their emptied marker lines: same code, same line
numbers, so they count as the same). Copy the full tree's build/
next to it and give every source file that is the same as the full
tree's the same modification time, and make recompiles only the files
that differ (and relinks): seconds instead of a whole build. The root
image is reused as it is when no user program changed.

    seed(root, tree)               a checked-out tree -> ready for make
    MutationTree(root, path)       the full tree, built, in which one region
                                   at a time is blanked (blanked()), then restored
"""
import contextlib
import os
import shutil
import subprocess

import checkpoints as cp

# Under build/: what make builds (copied) and what only records runs (not).
NOT_BUILD_PRODUCTS = {"grade", "student-repo", "site", "host", "proof"}


def _files(top, skip_top=()):
    """{relative path: os.stat_result} of the files under top (symlinks
    as themselves), leaving out .git and the top-level entries skip_top."""
    out = {}
    for base, dirs, files in os.walk(top):
        if base == top:
            dirs[:] = [d for d in dirs if d not in skip_top and d != ".git"]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(base, d))]:
            full = os.path.join(base, name)
            out[os.path.relpath(full, top)] = os.lstat(full)
    return out


def _same_bytes(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


def _same_once_solved(root, rel, dst):
    """Whether dst is root's marked file rel with every region kept: its
    marker lines emptied, each line at its number, so it compiles (and
    runs) exactly as root's file does."""
    if not cp.is_marked_kind(rel):
        return False
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        solved = cp.solved_text(cp.parse(rel, f.read()))
    with open(dst, "rb") as f:
        return f.read() == solved.encode()


def sync_mtimes(root, tree):
    """Gives each file of tree that holds the same bytes as root's file of
    that name, or the same once root's solutions are kept (a checkpoint's
    file with regions of earlier labs only), root's modification time:
    make then sees it as unchanged."""
    for rel, st in _files(tree, skip_top=("build",)).items():
        src = os.path.join(root, rel)
        dst = os.path.join(tree, rel)
        try:
            sst = os.stat(src)
        except OSError:
            continue
        if os.path.islink(dst):
            continue
        if not (sst.st_size == st.st_size and _same_bytes(src, dst)) and not _same_once_solved(root, rel, dst):
            continue
        os.utime(dst, ns=(sst.st_atime_ns, sst.st_mtime_ns))


def copy_build(root, tree):
    """The full tree's build products into tree/build, with their times."""
    src, dst = os.path.join(root, "build"), os.path.join(tree, "build")
    os.makedirs(dst, exist_ok=True)
    for entry in os.listdir(src):
        if entry not in NOT_BUILD_PRODUCTS:
            subprocess.run(["cp", "-a", os.path.join(src, entry), dst], check=True)


def seed(root, tree):
    sync_mtimes(root, tree)
    copy_build(root, tree)


class MutationTree:
    """The full tree, with root's build, in which regions are blanked one at
    a time. After each, the source file and every build product that
    changed are put back as they were, so the next blank again rebuilds
    only its own file."""

    def __init__(self, root, path):
        self.root, self.path = root, path
        self.parsed = cp.load_tree(root)[0]
        # The files as they are, markers and all: only a blanked file differs.
        for rel in cp.source_files(root):
            os.makedirs(os.path.dirname(os.path.join(path, rel)), exist_ok=True)
            shutil.copy2(os.path.join(root, rel), os.path.join(path, rel))
        copy_build(root, path)
        self.reference = _files(os.path.join(root, "build"), skip_top=NOT_BUILD_PRODUCTS)

    @contextlib.contextmanager
    def blanked(self, region_id):
        """The tree with region region_id blanked (all else solved)."""
        path = region_id.rsplit(":", 1)[0]
        full = os.path.join(self.path, path)
        original = os.path.join(self.root, path)
        text = cp.render(self.parsed[path], lambda r: r.id == region_id)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            yield self.path
        finally:
            shutil.copy2(original, full)     # the solution, with its old time
            self._restore_build()

    def _restore_build(self):
        build = os.path.join(self.path, "build")
        ref_build = os.path.join(self.root, "build")
        now = _files(build, skip_top=NOT_BUILD_PRODUCTS)
        for rel, st in now.items():
            ref = self.reference.get(rel)
            if ref is None:
                os.unlink(os.path.join(build, rel))
            elif (ref.st_size, ref.st_mtime_ns) != (st.st_size, st.st_mtime_ns):
                os.unlink(os.path.join(build, rel))
                shutil.copy2(os.path.join(ref_build, rel), os.path.join(build, rel), follow_symlinks=False)
        for rel in self.reference.keys() - now.keys():
            dst = os.path.join(build, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(ref_build, rel), dst, follow_symlinks=False)
