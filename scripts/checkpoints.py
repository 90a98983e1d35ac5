#!/usr/bin/env python3
"""Solution regions and the student repository built from them.

Solution code is marked in the source (see the handout's instructor page):

    // LAB <n> BEGIN(exercise <k>): what the student must do
    ...reference solution...
    // LAB <n> STUB: code that keeps the blanked tree compiling
    // LAB <n> END

(`#` instead of `//` in Python, shell and Make files.) The checkpoint of
lab N keeps the solutions of labs < N and blanks those of labs >= N. A kept
solution's marker lines become empty lines: every line keeps its number, so
a file whose regions are all kept compiles to the full tree's object and
the checkpoint proof reuses the full tree's build (scripts/prooftrees.py).

    checkpoints.py list                         every region, one a line
    checkpoints.py blank --lab N DST [--only FILE:LINE]
                                                write the lab-N checkpoint tree to DST
                                                (--only: blank just that one region)
    checkpoints.py build --out DIR              the student repository: a git repo
                                                with branches lab-1 .. lab-N
    checkpoints.py release --lab N --remote R [--repo DIR]
                                                publish branches lab-1 .. lab-N of the
                                                student repository that R does not have yet

Branch lab-N+1 holds lab N's solutions, so branches are published one at a
time, when their lab starts (`make release`), never all at once.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Files that may hold regions. Markdown is left alone: the handout quotes
# the marker syntax.
MARKED_SUFFIXES = (".c", ".h", ".S", ".ld", ".py", ".sh", ".mk")
MARKED_NAMES = ("Makefile",)

BEGIN = re.compile(r"^(\s*)(//|#) LAB (\d+) BEGIN\(exercise (\d+)\): (.+)$")
STUB = re.compile(r"^(\s*)(//|#) LAB (\d+) STUB: ?(.*)$")
END = re.compile(r"^\s*(//|#) LAB (\d+) END\s*$")
ANY_MARKER = re.compile(r"^\s*(//|#) LAB \d+ (BEGIN|STUB|END)")
# Solution lines at least this long (stripped) must not survive anywhere in
# a checkpoint; shorter ones ("}", "return 0;") are too common to check.
LEFTOVER_MIN_LEN = 16


class Region:
    def __init__(self, path, line, lab, exercise, what, indent, comment):
        self.path, self.line, self.lab = path, line, lab
        self.exercise, self.what = exercise, what
        self.indent, self.comment = indent, comment
        self.body, self.stub = [], []
        # The region's lines in order, each STUB line as "": what a kept
        # solution leaves, line for line, once its markers are emptied.
        self.kept = []

    @property
    def id(self):
        return f"{self.path}:{self.line}"


def source_files(root):
    """Files of the tree: tracked or new, not ignored."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=root, check=True, capture_output=True, text=True).stdout
    return sorted(p for p in out.splitlines() if os.path.isfile(os.path.join(root, p)))


def is_marked_kind(path):
    return path.endswith(MARKED_SUFFIXES) or os.path.basename(path) in MARKED_NAMES


def parse(path, text):
    """Splits a file into plain lines and Regions. Errors are fatal."""
    items, region = [], None
    for n, line in enumerate(text.split("\n"), 1):
        where = f"{path}:{n}"
        if m := BEGIN.match(line):
            if region:
                sys.exit(f"{where}: LAB BEGIN inside the region opened at line {region.line}")
            region = Region(path, n, int(m[3]), int(m[4]), m[5], m[1], m[2])
        elif m := STUB.match(line):
            if not region or int(m[3]) != region.lab:
                sys.exit(f"{where}: LAB {m[3]} STUB outside a LAB {m[3]} region")
            region.stub.append(m[1] + m[4])
            region.kept.append("")
        elif m := END.match(line):
            if not region or int(m[2]) != region.lab:
                sys.exit(f"{where}: LAB {m[2]} END without a matching BEGIN")
            items.append(region)
            region = None
        elif ANY_MARKER.match(line):
            sys.exit(f"{where}: malformed marker (expected 'LAB n BEGIN(exercise k): ...', "
                     f"'LAB n STUB: ...' or 'LAB n END'): {line.strip()}")
        elif region:
            region.body.append(line)
            region.kept.append(line)
        else:
            items.append(line)
    if region:
        sys.exit(f"{path}:{region.line}: LAB {region.lab} region never ends")
    return items


def render(items, blank):
    """Text of a parsed file; blank(region) says whether to blank it."""
    out = []
    for item in items:
        if not isinstance(item, Region):
            out.append(item)
        elif blank(item):
            c, ind = item.comment, item.indent
            out.append(f"{ind}{c} LAB {item.lab} EXERCISE {item.exercise}: {item.what}")
            out.append(f"{ind}{c} Your code here.")
            out.extend(item.stub)
        else:
            out.extend(["", *item.kept, ""])
    return "\n".join(out)


def solved_text(items):
    """Text of a parsed file with every solution kept: in a checkpoint,
    a file whose regions are all of earlier labs holds exactly this."""
    return render(items, lambda r: False)


def load_tree(root):
    """{path: parsed items} for every file that may hold regions, plus
    {path: bytes} for the rest."""
    parsed, other = {}, {}
    for path in source_files(root):
        full = os.path.join(root, path)
        if is_marked_kind(path):
            parsed[path] = parse(path, open(full, encoding="utf-8").read())
        else:
            other[path] = open(full, "rb").read()
    return parsed, other


def regions(parsed):
    return [r for items in parsed.values() for r in items if isinstance(r, Region)]


def lab_numbers(root):
    return sorted(int(d[3:]) for d in os.listdir(os.path.join(root, "labs"))
                  if re.fullmatch(r"lab\d+", d) and os.path.exists(os.path.join(root, "labs", d, "lab.py")))


def write_checkpoint(root, lab, dst, only=None):
    """Writes the lab-`lab` checkpoint to dst. With only=ID, blanks just that
    region (and keeps every other solution): used to prove each blank
    alone makes a test fail."""
    parsed, other = load_tree(root)
    all_regions = regions(parsed)
    if only and only not in {r.id for r in all_regions}:
        sys.exit(f"checkpoints: no region at {only}")
    blank = (lambda r: r.id == only) if only else (lambda r: r.lab >= lab)
    for path, items in parsed.items():
        _write(dst, path, render(items, blank).encode())
    for path, data in other.items():
        _write(dst, path, data)
        shutil.copymode(os.path.join(root, path), os.path.join(dst, path))
    if not only:
        _write(dst, "labs/current", f"{lab}\n".encode())
        check_no_leftovers(parsed, dst, lambda r: r.lab >= lab)
    for path in parsed:
        shutil.copymode(os.path.join(root, path), os.path.join(dst, path))


def _write(dst, path, data):
    full = os.path.join(dst, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)


def check_no_leftovers(parsed, dst, blanked):
    """No line of a blanked solution may appear anywhere in the checkpoint
    (say, copied into a comment or another file), unless the same line is
    ordinary code elsewhere in the tree."""
    common = {l.strip() for items in parsed.values() for l in items if isinstance(l, str)}
    secret = {}
    for r in regions(parsed):
        if blanked(r):
            for l in r.body:
                s = l.strip()
                if len(s) >= LEFTOVER_MIN_LEN and s not in common:
                    secret.setdefault(s, r.id)
    problems = []
    for path in source_files_in(dst):
        try:
            text = open(os.path.join(dst, path), encoding="utf-8").read()
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.split("\n"), 1):
            if line.strip() in secret:
                problems.append(f"{path}:{n}: solution text from {secret[line.strip()]}: {line.strip()}")
    if problems:
        sys.exit("checkpoints: solution text left in the checkpoint:\n  " + "\n  ".join(problems))


def source_files_in(dst):
    for base, dirs, files in os.walk(dst):
        dirs[:] = [d for d in dirs if d != ".git"]
        for f in files:
            yield os.path.relpath(os.path.join(base, f), dst)


def git(repo, *args):
    # A fixed identity: the machine building the repository may have none.
    return subprocess.run(["git", "-c", "user.name=Kestrel lab book", "-c", "user.email=labs@kestrel.invalid",
                           "-c", "init.defaultBranch=lab-1", *args], cwd=repo, check=True,
                          capture_output=True, text=True).stdout


def build_repo(root, out):
    labs = lab_numbers(root)
    if not labs:
        sys.exit("checkpoints: no labs under labs/")
    by_lab = {}
    for r in regions(load_tree(root)[0]):
        by_lab.setdefault(r.lab, []).append(r)
    for n in labs:
        if not by_lab.get(n):
            sys.exit(f"checkpoints: lab {n} has no solution regions, so its checkpoint could not fail")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    git(out, "init", "-q")
    for n in labs:
        for entry in os.listdir(out):
            if entry != ".git":
                p = os.path.join(out, entry)
                shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.unlink(p)
        write_checkpoint(root, n, out)
        if n != labs[0]:
            git(out, "checkout", "-q", "-b", f"lab-{n}")
        git(out, "add", "-A")
        git(out, "commit", "-q", "-m", f"Lab {n} checkpoint: solutions of labs < {n}, "
            f"{len(by_lab[n])} exercise region(s) of lab {n} to fill in")
        print(f"lab-{n}: {len(by_lab[n])} region(s) of lab {n} blanked"
              + (f", {sum(len(v) for k, v in by_lab.items() if k > n)} of later labs" if n < labs[-1] else ""))
    git(out, "checkout", "-q", f"lab-{labs[0]}")
    print(f"student repository: {out} (branches {', '.join(f'lab-{n}' for n in labs)})")


def remote_branches(repo, remote):
    """{branch: commit} of the lab-N branches already on remote."""
    out = git(repo, "ls-remote", "--heads", remote, "lab-*")
    return {ref.split("/", 2)[2]: sha for sha, ref in (l.split() for l in out.splitlines())}


def release(repo, remote, lab):
    """Publishes branch lab-`lab` and the earlier ones remote lacks. A
    branch already published is never rewritten: a newly published lab-k
    is committed on top of the published lab-(k-1), so that students'
    branches keep a common history with it (git merge lab-(k-1) works)
    even when the student repository was rebuilt since."""
    if not os.path.isdir(os.path.join(repo, ".git")):
        sys.exit(f"release: no student repository at {repo}: run make checkpoints (then make test) first")
    local = sorted(int(b[4:]) for b in git(repo, "branch", "--list", "lab-*", "--format=%(refname:short)").split())
    if lab not in local:
        sys.exit(f"release: the student repository has no branch lab-{lab} (labs: {', '.join(map(str, local))})")
    published = remote_branches(repo, remote)
    todo = [k for k in local if k <= lab and f"lab-{k}" not in published]
    if not todo:
        print(f"release: {remote} already has every branch up to lab-{lab}: nothing to do")
        return
    if published:
        git(repo, "fetch", "-q", remote, "+refs/heads/lab-*:refs/published/lab-*")
    for k in todo:
        below = [j for j in local if j < k]
        parent = None
        if below:
            parent = git(repo, "rev-parse", f"refs/published/lab-{below[-1]}"
                         if f"lab-{below[-1]}" in published else f"lab-{below[-1]}").strip()
        commit = git(repo, "rev-parse", f"lab-{k}").strip()
        old_parents = git(repo, "rev-list", "--parents", "-n", "1", commit).split()[1:]
        if parent and old_parents != [parent]:
            message = git(repo, "log", "-1", "--format=%B", commit)
            commit = git(repo, "commit-tree", f"{commit}^{{tree}}", "-p", parent, "-m", message).strip()
        git(repo, "push", "-q", remote, f"{commit}:refs/heads/lab-{k}")
        published[f"lab-{k}"] = commit
        git(repo, "update-ref", f"refs/published/lab-{k}", commit)
        print(f"release: published lab-{k} ({commit[:12]})")
    point_head_at_first_lab(remote, f"lab-{local[0]}")
    later = [k for k in local if k > lab]
    if later:
        print(f"release: not published: {', '.join(f'lab-{k}' for k in later)} "
              f"(lab-{later[0]} holds the solutions of lab {later[0] - 1})")


def point_head_at_first_lab(remote, branch):
    """A clone checks out the remote's HEAD: on a bare repository on this
    machine, make it lab-1 if it names no branch yet (on a hosting service,
    set the default branch there)."""
    if not os.path.isdir(remote):
        return
    head = subprocess.run(["git", "--git-dir", remote, "symbolic-ref", "HEAD"], capture_output=True, text=True)
    have = subprocess.run(["git", "--git-dir", remote, "rev-parse", "--verify", "-q", head.stdout.strip()],
                          capture_output=True)
    if head.returncode != 0 or have.returncode != 0:
        subprocess.run(["git", "--git-dir", remote, "symbolic-ref", "HEAD", f"refs/heads/{branch}"], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    b = sub.add_parser("blank")
    b.add_argument("--lab", type=int, required=True)
    b.add_argument("--only")
    b.add_argument("dst")
    r = sub.add_parser("build")
    r.add_argument("--out", default=os.path.join(ROOT, "build", "student-repo"))
    rel = sub.add_parser("release")
    rel.add_argument("--lab", type=int, required=True)
    rel.add_argument("--remote", required=True, help="where students clone from (URL or path)")
    rel.add_argument("--repo", default=os.path.join(ROOT, "build", "student-repo"))
    args = ap.parse_args()
    if args.cmd == "list":
        for r in regions(load_tree(ROOT)[0]):
            print(f"{r.id}\tlab {r.lab}\texercise {r.exercise}\t{r.what}")
    elif args.cmd == "blank":
        write_checkpoint(ROOT, args.lab, args.dst, args.only)
    elif args.cmd == "release":
        remote = os.path.abspath(args.remote) if os.path.exists(args.remote) else args.remote
        try:
            release(os.path.abspath(args.repo), remote, args.lab)
        except subprocess.CalledProcessError as e:
            sys.exit(f"release: git {' '.join(e.cmd[7:])} failed:\n{e.stderr.strip()}")
    else:
        build_repo(ROOT, os.path.abspath(args.out))


if __name__ == "__main__":
    main()
