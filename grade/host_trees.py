"""Copies of the image's tree (build/fsimg/root) for the host's runs, made
once per grader process and put back as they were between tests.

A test with a disk runs its program on the host too, in a copy of the
tree, which the program may change. Copying the whole tree (1200 files)
for every test and removing it after costs far more than it seems: on an
ext4 without a journal, each new file skips past every inode removed in
the last half minute (recently_deleted()), so with a test suite removing
trees all the time a copy took up to 1.5 s of kernel time. Instead, a
tree given back after a test is restored before its next use: what the
program changed (any change moves a file's ctime, or its size, times,
owner, mode or inode) is copied again, what it made is removed, what it
removed is copied back. A restore that fails for any reason falls back
to a fresh copy.

    tree = take(source)         # a folder equal to source (tree.path)
    give_back(tree)             # the test is over: the next take() may restore it
"""
import atexit
import os
import shutil
import stat
import subprocess
import tempfile
import threading

_lock = threading.Lock()
_free = {}            # source -> [Tree] given back
_parent = []          # this process's folder for trees, made on first use
# KESTREL_CHECK_HOST_TREES=1: compare every restored tree with its source,
# contents and all (a check of this module, not of the kernel).
CHECK = os.environ.get("KESTREL_CHECK_HOST_TREES") == "1"


class TreeMismatch(Exception):
    pass


# A signature's fields: what any change to an entry moves. The access
# time is left out: reading a file may move it (relatime), and nothing
# else about the file changes then.
MODE, UID, GID, SIZE, MTIME, CTIME, INO, NLINK, LINK = range(9)


def _signature(st, full):
    link = os.readlink(full) if stat.S_ISLNK(st.st_mode) else None
    return (st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_mtime_ns, st.st_ctime_ns,
            st.st_ino, st.st_nlink, link)


def _kind(sig):
    return stat.S_IFMT(sig[MODE])


def _walk(top):
    """{relative path: signature} of everything under top ("." is top)."""
    out = {".": _signature(os.lstat(top), top)}
    for base, dirs, files in os.walk(top):
        for name in dirs + files:
            full = os.path.join(base, name)
            out[os.path.relpath(full, top)] = _signature(os.lstat(full), full)
    return out


def _deepest_first(paths):
    """Relative paths, the deepest first and the top (".") last."""
    return sorted(paths, key=lambda r: (1 if r == "." else -r.count(os.sep), r))


class Tree:
    def __init__(self, source, path):
        self.source, self.path = source, path
        subprocess.run(["cp", "-a", "--reflink=auto", source, path], check=True)
        self.manifest = self.copied = _walk(path)

    def restore(self):
        """Puts the tree back as it was copied; raises on anything odd
        (the caller then makes a fresh copy)."""
        current = _walk(self.path)
        recopy, fix_dirs = set(), set()
        # What the program made, or turned into another kind of entry:
        # removed, deepest first (a removed folder takes its contents).
        for rel in _deepest_first(current):
            want = self.manifest.get(rel)
            if want is not None and _kind(want) == _kind(current[rel]):
                continue
            full = os.path.join(self.path, rel)
            if rel == "." or not os.path.lexists(full):
                continue
            if stat.S_ISDIR(current[rel][MODE]):
                shutil.rmtree(full)
            else:
                os.unlink(full)
            fix_dirs.add(os.path.dirname(rel) or ".")
            if want is not None:
                recopy.add(rel)
        # What it changed or removed: copied again. A folder that is still
        # there keeps its contents and only gets its attributes back.
        for rel, want in self.manifest.items():
            now = current.get(rel)
            if rel in recopy or now == want:
                continue
            if now is None or not os.path.lexists(os.path.join(self.path, rel)):
                recopy.add(rel)
            elif stat.S_ISDIR(want[MODE]):
                fix_dirs.add(rel)
            else:
                os.unlink(os.path.join(self.path, rel))
                recopy.add(rel)
        # Hard links stay links: every name of an inode is copied again
        # in the same cp when one is.
        names = {}
        for rel, sig in self.manifest.items():
            if not stat.S_ISDIR(sig[MODE]) and sig[NLINK] > 1:
                names.setdefault(sig[INO], []).append(rel)
        for group in names.values():
            if any(n in recopy for n in group):
                for n in group:
                    if n not in recopy and os.path.lexists(os.path.join(self.path, n)):
                        os.unlink(os.path.join(self.path, n))
                    recopy.add(n)
        # A folder copied again brings its contents.
        recopy = {r for r in recopy if not any(p in recopy for p in _parents(r))}
        if recopy:
            subprocess.run(["cp", "-a", "--parents", "--", *sorted(recopy), self.path],
                           cwd=self.source, check=True, capture_output=True)
            fix_dirs |= {p for r in recopy for p in _parents(r)} | {"."}
        for rel in _deepest_first(fix_dirs & self.copied.keys()):  # a folder's own
            # changes (made anew) move its parent's times: the parent after it
            self._fix_dir(rel)
        self.manifest = _walk(self.path)
        self._compare_with_copy()
        if CHECK:
            self._compare_contents()

    def _fix_dir(self, rel):
        """A folder's owner, mode and times as in the source (chown first:
        it may clear set-ID bits); a folder that grew (an ext4 folder
        never shrinks) is made anew, its entries moved over."""
        full = os.path.join(self.path, rel)
        want = self.copied[rel]
        if os.lstat(full).st_size != want[SIZE]:
            if rel == ".":
                raise TreeMismatch("the tree's top folder grew")
            fresh = full + ".restoring"
            os.mkdir(fresh)
            for name in os.listdir(full):
                os.rename(os.path.join(full, name), os.path.join(fresh, name))
            os.rmdir(full)
            os.rename(fresh, full)
        st = os.lstat(os.path.join(self.source, rel))
        os.lchown(full, st.st_uid, st.st_gid)
        os.chmod(full, stat.S_IMODE(st.st_mode))
        os.utime(full, ns=(st.st_atime_ns, st.st_mtime_ns), follow_symlinks=False)

    def _compare_with_copy(self):
        """Raises TreeMismatch unless every entry is as in the fresh copy:
        kind, mode, owner, size, modification time, links, link target."""
        if self.manifest.keys() != self.copied.keys():
            raise TreeMismatch(f"entries differ: {sorted(self.manifest.keys() ^ self.copied.keys())[:5]}")
        for rel, a in self.manifest.items():
            b = self.copied[rel]
            if a[:CTIME] != b[:CTIME] or a[NLINK:] != b[NLINK:]:
                raise TreeMismatch(f"{rel}: {a} after the restore, {b} when copied")

    def _compare_contents(self):
        for rel, sig in self.manifest.items():
            if stat.S_ISREG(sig[MODE]):
                with open(os.path.join(self.path, rel), "rb") as f, open(os.path.join(self.source, rel), "rb") as g:
                    if f.read() != g.read():
                        raise TreeMismatch(f"{rel}: contents differ from the source")


def _parents(rel):
    out, p = [], os.path.dirname(rel)
    while p:
        out.append(p)
        p = os.path.dirname(p)
    return out


def _folder():
    with _lock:
        if not _parent:
            _parent.append(tempfile.mkdtemp(prefix="kestrel-host-trees-"))
            atexit.register(shutil.rmtree, _parent[0], True)
        return _parent[0]


def take(source):
    """A tree equal to source, for one test's host runs."""
    with _lock:
        tree = _free.get(source, []).pop() if _free.get(source) else None
    if tree is not None:
        try:
            tree.restore()
            return tree
        except Exception:             # anything odd: a fresh copy is always right
            if CHECK:
                raise
            shutil.rmtree(tree.path, ignore_errors=True)
    path = tempfile.mkdtemp(dir=_folder(), prefix="root-")
    os.rmdir(path)                    # cp -a makes it, as a copy of source
    return Tree(source, path)


def give_back(tree):
    with _lock:
        _free.setdefault(tree.source, []).append(tree)
