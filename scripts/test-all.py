#!/usr/bin/env python3
"""The whole test suite: what `make test` and CI run.

  1. the kernel builds
  2. host unit tests (Criterion) of the kernel's pure code, the grader on
     the full tree (every lab must pass), the debugger workflow
     (scripts/gdb-test.py), the root file system image and the grader's
     disk plumbing (scripts/fsimg-test.py), the hand-in tools
     (scripts/submission-test.py), the handout's console transcripts
     against real runs (scripts/handout-transcripts.py), the handout
     (mkdocs --strict)
  3. the student repository: make checkpoints builds it; from a clone,
     make lab-N moves between released labs and refuses unreleased ones;
     make release publishes lab by lab
  4. the checkpoints: for every lab N, branch lab-N of the student
     repository builds, passes lab N-1 and fails lab N; and blanking each
     region of lab N alone (keeping every other solution) fails lab N too.

Independent checks run side by side, one per core (TEST_JOBS=N to
choose): each grading boots its own QEMUs in its own temporary folders.
The checkpoint proof builds incrementally (scripts/prooftrees.py), grades
for each blank only the tests its lab.py names for that exercise
(lab.exercise_tests), and in a grading that must fail cuts each boot
short at a few times what it took in the full tree's (grade.py --reference).

Gradings that mostly slept last time (a test typing at the console with
pauses) run beside the JOBS others, not instead of one (TEST_LIGHT_LANES=0
to stop that); a fresh clone plans with scripts/test-times.json.

Each check counts once (each unit test and each graded test counts on its
own). The run ends with the time of each section, then "N passed, N failed".

    scripts/test-all.py                      everything (make test)
    scripts/test-all.py --checkpoints-only   the build, the student repository, the checkpoints
    scripts/test-all.py --save-times         scripts/test-times.json from the last run's results
"""
import heapq
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "grade"))
import checkpoints as cp  # noqa: E402
import prooftrees  # noqa: E402
BUILD = os.path.join(ROOT, "build")
# One job per core this process may use (a container's cpuset, not the host's).
JOBS = int(os.environ.get("TEST_JOBS") or len(os.sched_getaffinity(0)) or 2)
REFERENCE = os.path.join(BUILD, "grade-results.json")
# Each test's seconds and CPU seconds in a full run, kept in the tree for
# a fresh clone's plan (test-all.py --save-times writes it from the last
# run's results). Only the plan uses it: a stale file costs time, nothing else.
TEST_TIMES = os.path.join(ROOT, "scripts", "test-times.json")
# The checkpoint proof's gradings that must fail: seconds and CPU seconds
# of each one-blank tree's (by region) and each branch's ("branch lab-N"),
# to plan the next run.
PROOF_TIMES = os.path.join(BUILD, "proof-times.json")
proof_times = {}
# Threads beside the JOBS ones that run only light jobs (Pool).
LIGHT_LANES = int(os.environ.get("TEST_LIGHT_LANES", "1"))
results = []          # (name, ok, seconds)
sections = []         # (title, seconds)
print_lock = threading.Lock()


def record(name, ok, seconds, detail=""):
    with print_lock:
        results.append((name, ok, seconds))
        print(f"{'PASS' if ok else 'FAIL'}  {name} ({seconds:.1f}s)", flush=True)
        if detail and not ok:
            print("      " + detail.rstrip().replace("\n", "\n      "), flush=True)


def say(text):
    with print_lock:
        print(text, flush=True)


def run(cmd, cwd=ROOT, timeout=1800):
    """(exit status, stdout and stderr interleaved as written, seconds)."""
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=timeout)
        return p.returncode, p.stdout, time.monotonic() - t0
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return -1, out + f"\n(killed after {timeout}s)", time.monotonic() - t0


class section:
    """with section("title"): ... prints the title and times the block."""
    def __init__(self, title):
        self.title = title

    def __enter__(self):
        say(f"\n=== {self.title}")
        self.t0 = time.monotonic()

    def __exit__(self, *exc):
        sections.append((self.title, time.monotonic() - self.t0))


class Pool:
    """Runs jobs on JOBS threads, the longest (by estimate) first. A job is
    job(worker) and may submit more jobs; run() returns when all are done.
    worker.slot is the thread's number, worker.state a dict of its own.

    A light job (one that mostly sleeps: a test waiting on purpose, not
    computing) may also run on LIGHT_LANES more threads, which take
    nothing else: its sleeping would otherwise keep a core idle. The
    other threads take light jobs too when nothing else is left."""

    def __init__(self, jobs=JOBS, light_lanes=None):
        self.jobs, self.queue, self.light, self.cv = jobs, [], [], threading.Condition()
        self.light_lanes = LIGHT_LANES if light_lanes is None else light_lanes
        self.pending, self.order = 0, itertools.count()

    def submit(self, estimate, job, light=False):
        with self.cv:
            heapq.heappush(self.light if light else self.queue, (-estimate, next(self.order), job))
            self.pending += 1
            self.cv.notify_all()

    def run(self):
        threads = [threading.Thread(target=self._work, args=(Worker(i, light_only=i >= self.jobs),))
                   for i in range(self.jobs + self.light_lanes)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def _next(self, worker):
        """The job worker takes now, None if none it may take; the caller holds cv."""
        for heap in ((self.light,) if worker.light_only else (self.queue, self.light)):
            if heap:
                return heapq.heappop(heap)[2]
        return None

    def _work(self, worker):
        while True:
            with self.cv:
                job = self._next(worker)
                while job is None and self.pending:
                    self.cv.wait()
                    job = self._next(worker)
                if job is None:
                    return
            try:
                job(worker)
            except Exception as e:       # a bug in the suite: fail loudly, keep going
                record(f"suite job {getattr(job, '__name__', job)}", False, 0, repr(e))
            with self.cv:
                self.pending -= 1
                self.cv.notify_all()


class Worker:
    def __init__(self, slot, light_only=False):
        self.slot, self.state, self.light_only = slot, {}, light_only


def load_labs():
    """The labs' definitions (labs/labN/lab.py), as the grader loads them."""
    import grade as grader
    return grader.load_labs(os.path.join(ROOT, "labs"))


# --- 1. the build -------------------------------------------------------------

def build_kernel():
    with section("build"):
        rc, out, s = run(["make", "-s", "-j", str(JOBS), "kernel"])   # make runs alone here
        warnings = [l for l in out.splitlines() if "warning:" in l]
        record("kernel builds", rc == 0, s, out)
        record("kernel builds without warnings", rc == 0 and not warnings, 0, "\n".join(warnings))
        if rc != 0:
            return False
        # The capstone's image too when MediaServer is where labs/final
        # looks first (../shared/mediaserver beside the project); without
        # it, the capstone's tests say SKIP.
        ms = os.path.exists(os.path.join(os.path.dirname(ROOT), "shared", "mediaserver", "MediaServer"))
        rc, out, s = run(["make", "-s", "fsimg"] + (["MEDIASERVER=1"] if ms else []))
        record("the root file system image builds (make fsimg" + (" MEDIASERVER=1)" if ms else ")"), rc == 0, s, out)
        return rc == 0


# --- 2. the full tree -----------------------------------------------------------

def unit_tests(worker):
    rc, out, s = run(["make", "-s", "unit"])
    # `make unit` prints "== build/unit/test_x" before each suite's output.
    suites = re.split(r"^== .*/(test_\w+)$", out, flags=re.M)[1:]
    if not suites:
        record("unit tests built and ran", False, s, out[-3000:])
        return
    for name, text in zip(suites[0::2], suites[1::2]):
        synth = re.search(r"Synthesis: Tested: (\d+) \| Passing: (\d+)", text)
        if not synth:
            record(f"unit {name} ran to the end", False, 0, text[-3000:])
            continue
        say(f"      unit {name}: {synth[2]}/{synth[1]} passing")
        with print_lock:
            results.extend((f"unit {name} #{i}", True, 0) for i in range(int(synth[2])))
        for f in re.findall(r"\[(?:FAIL|CRASH)\] (\S+?):?\s", text):
            record(f"unit {name}: {f}", False, 0, text[-3000:])


def previous_tests():
    """{full test name: (seconds, CPU seconds or None)} of the last run
    (build/grade-results.json), else of TEST_TIMES (a fresh clone), to
    plan the run."""
    for path in (REFERENCE, TEST_TIMES):
        try:
            tests = json.load(open(path))["tests"]
        except (OSError, ValueError, KeyError):
            continue
        return {t["name"] if "name" in t else f"lab{t['lab']}/{t['test']}": (t["seconds"], t.get("cpu_seconds"))
                for t in tests}
    return {}


def previous_test_seconds():
    """{full test name: seconds it took last time}."""
    return {name: seconds for name, (seconds, _) in previous_tests().items()}


def save_test_times():
    """TEST_TIMES from the last run's results (--save-times)."""
    if not os.path.exists(REFERENCE):
        sys.exit(f"no results to save: {os.path.relpath(REFERENCE, ROOT)} (run make test first)")
    tests = [{"name": name, "seconds": round(seconds, 1), "cpu_seconds": cpu if cpu is None else round(cpu, 1)}
             for name, (seconds, cpu) in sorted(previous_tests().items())]
    proofs = previous_proof_times()
    with open(TEST_TIMES, "w") as f:        # an entry a line, for readable diffs
        f.write('{"tests": [\n' + ",\n".join(json.dumps(t) for t in tests) + "\n],\n"
                '"proofs": {\n' + ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(proofs.items()))
                + "\n}}\n")
    print(f"{os.path.relpath(TEST_TIMES)}: {len(tests)} tests, {len(proofs)} one-blank gradings")


# A long lab is graded in groups of tests, about GROUPS_PER_CORE groups
# per core's share of all the grading: the pool, longest first, then keeps
# every core busy to the end even when the estimates are off (a fresh
# clone goes on TEST_TIMES, and the timeouts of tests it does not know).
# Two groups per core left one core idle for a minute and a half at the
# end of the full tree's grading; each group costs a grader start (under a
# second).
GROUPS_PER_CORE = 4
# A test that used less CPU time than this share of its time (at least
# SLEEPER_MIN_SECONDS long) mostly sleeps: typing at the console with
# pauses, waiting for writeback or timers. Each lab's sleepers are graded
# in a group of their own, a light job (Pool): beside the others, not
# instead of one. Under 2 of these tests' 11 s were CPU time.
SLEEPER_CPU_SHARE = 0.35
SLEEPER_MIN_SECONDS = 2.0


def sleeps(seconds, cpu):
    """Whether a grading that took seconds, cpu of them CPU time, mostly slept."""
    return cpu is not None and seconds >= SLEEPER_MIN_SECONDS and cpu < SLEEPER_CPU_SHARE * seconds


def previous_proof_times():
    """{region id or "branch lab-N": {"seconds", "cpu_seconds"}} of the
    last checkpoint proof's gradings that must fail (PROOF_TIMES), else
    TEST_TIMES's."""
    try:
        return json.load(open(PROOF_TIMES))
    except (OSError, ValueError):
        pass
    try:
        return json.load(open(TEST_TIMES)).get("proofs", {})
    except (OSError, ValueError, AttributeError):
        return {}


def grading_plan(labs):
    """[(estimated seconds, lab, test names or [] for all, light)]: one job
    per lab, but a lab longer than a group (a core's fair share of all the
    grading, over GROUPS_PER_CORE) is split into groups of tests balanced
    on last time's seconds (or the tests' timeouts); the tests that mostly
    slept last time are a light group of their own."""
    before = previous_tests()
    weight = {t.full_name: before.get(t.full_name, (t.timeout, None))[0] for lab in labs for t in lab.tests}

    def sleeper(t):
        return sleeps(*before.get(t.full_name, (0, None)))

    group = sum(weight[t.full_name] for lab in labs for t in lab.tests if not sleeper(t)) / (JOBS * GROUPS_PER_CORE)
    plan = []
    for lab in labs:
        sleepers = [t for t in lab.tests if sleeper(t)] if LIGHT_LANES else []
        rest = [t for t in lab.tests if t not in sleepers]
        if sleepers:
            plan.append((sum(weight[t.full_name] for t in sleepers), lab.number, [t.name for t in sleepers], True))
        if not rest:
            continue
        mine = sum(weight[t.full_name] for t in rest)
        count = min(round(mine / group), len(rest) // 2) if JOBS > 1 and group > 0 else 1
        if count < 2:
            plan.append((mine, lab.number, [t.name for t in rest] if sleepers else [], False))
            continue
        groups = [[0.0, []] for _ in range(count)]
        for t in sorted(rest, key=lambda t: -weight[t.full_name]):
            g = min(groups, key=lambda g: g[0])
            g[0] += weight[t.full_name]
            g[1].append(t.name)
        plan += [(w, lab.number, names, False) for w, names in groups if names]
    return plan


def grade_lab_job(n, tests, part):
    """Grades lab n (only `tests` if given) in the full tree."""
    def grade_full_lab(worker):
        res = os.path.join(BUILD, f"grade-results-lab{n}-{part}.json")
        if os.path.exists(res):
            os.unlink(res)           # never last run's results
        rc, out, s = run([sys.executable, "grade/grade.py", "--lab", str(n), "--results", res,
                          *[a for t in tests for a in ("--test", t)]])
        say("\n".join("      " + l for l in out.splitlines()))
        try:
            data = json.load(open(res))
        except (OSError, ValueError):
            record(f"grader ran lab {n}", False, s, out)
            return
        with print_lock:
            for t in data["tests"]:
                # A SKIP (the capstone without MediaServer) counts as neither.
                ok = None if t["verdict"] == "SKIP" else t["verdict"] == "PASS"
                results.append((t.get("name", f"lab{t['lab']}/{t['test']}"), ok, t["seconds"]))
    grade_full_lab.__name__ = f"grade lab {n}"
    return grade_full_lab


def merge_lab_results(parts):
    """The gradings' results in one file: the reference the proof times against."""
    tests = []
    for path in parts:
        try:
            tests += json.load(open(path))["tests"]
        except (OSError, ValueError):
            pass
    with open(REFERENCE, "w") as f:
        json.dump({"tests": tests, "passed": sum(t["verdict"] == "PASS" for t in tests)}, f, indent=2)


def gdb_test(worker):
    rc, out, s = run([sys.executable, "scripts/gdb-test.py"], timeout=180)
    checks = re.findall(r"^gdb: (.*): (PASS|FAIL)$", out, re.M)
    for what, verdict in checks:
        record(f"gdb: {what}", verdict == "PASS", s / max(len(checks), 1), out)
    if rc != 0 and all(v == "PASS" for _, v in checks):
        record("gdb test ran to the end", False, s, out)


def submissions(worker):
    """The hand-in tools: grade-submission, the Gradescope bundle, the
    GitHub workflow (scripts/submission-test.py)."""
    rc, out, s = run([sys.executable, "scripts/submission-test.py"], timeout=2400)
    checks = re.findall(r"^submission: (.*): (PASS|FAIL)$", out, re.M)
    for what, verdict in checks:
        record(f"hand-in: {what}", verdict == "PASS", s / max(len(checks), 1), out[-3000:])
    if rc != 0 and all(v == "PASS" for _, v in checks):
        record("hand-in test ran to the end", False, s, out[-3000:])


def handout_transcripts(worker):
    """The handout's console transcripts against real runs."""
    rc, out, s = run([sys.executable, "scripts/handout-transcripts.py", "--check"], timeout=600)
    # One check per transcript: "ok    NAME (...)" or "FAIL  NAME ..." and its diff.
    checked = re.findall(r"^(ok|FAIL) +([\w-]+)(.*(?:\n(?!ok |FAIL ).*)*)", out, flags=re.M)
    for verdict, name, detail in checked:
        secs = re.search(r"([\d.]+)s\)", detail)
        record(f"handout transcript {name} matches a real run", verdict == "ok",
               float(secs[1]) if secs else 0, detail)
    if rc != 0 and not any(v == "FAIL" for v, _, _ in checked):
        record("handout transcripts checked", False, s, out[-3000:])


def fsimg_test(worker):
    rc, out, s = run([sys.executable, "scripts/fsimg-test.py"], timeout=300)
    say("\n".join("      " + l for l in out.splitlines()))
    record("disk images: e2fsck, corruption helpers, disk=True in tests", rc == 0, s, out[-3000:])


def handout(worker):
    rc, out, s = run(["make", "-s", "handout"])
    record("handout builds without warnings", rc == 0, s, out)


def help_matches_readme(worker):
    """make help and README's table of targets list the same targets."""
    rc, out, s = run(["make", "-s", "help"])
    in_help = {m[1] or "all" for m in re.finditer(r"^make(?: (\S+))?", out, re.M)}
    readme = open(os.path.join(ROOT, "README.md")).read()
    first_cells = re.findall(r"^\| ([^|]*`make[^|]*)\|", readme, re.M)
    in_readme = {m[1] or "all" for cell in first_cells for m in re.finditer(r"`make(?: ([\w-]+))?", cell)}
    record("make help and README's table list the same targets", rc == 0 and in_help == in_readme, s,
           f"only in make help: {sorted(in_help - in_readme)}; only in README: {sorted(in_readme - in_help)}")


def full_tree(built):
    with section("the full tree: unit tests, grading (every lab must pass), gdb, disks, hand-in, handout"):
        pool = Pool()
        parts = []
        if built:
            for i, (estimate, n, tests, light) in enumerate(grading_plan(load_labs())):
                parts.append(os.path.join(BUILD, f"grade-results-lab{n}-{i}.json"))
                pool.submit(estimate, grade_lab_job(n, tests, i), light=light)
            pool.submit(20, unit_tests)
            pool.submit(15, gdb_test)
            pool.submit(15, fsimg_test)
            pool.submit(90, submissions)
            pool.submit(40, handout_transcripts)
        pool.submit(10, handout)
        pool.submit(1, help_matches_readme)
        pool.run()
        if built:
            merge_lab_results(parts)


# --- 3. the student repository: clone, make lab-N, make release ------------------

def git(cwd, *args):
    return run(["git", "-c", "user.name=Kestrel test", "-c", "user.email=test@kestrel.invalid", *args], cwd=cwd)


def student_repository():
    """Builds build/student-repo; False if that failed."""
    with section("the student repository: make checkpoints, make release, make lab-N in a clone"):
        repo = os.path.join(BUILD, "student-repo")
        rc, out, s = run([sys.executable, "scripts/checkpoints.py", "build", "--out", repo])
        record("make checkpoints builds the student repository", rc == 0, s, out)
        if rc != 0:
            return False
        with tempfile.TemporaryDirectory(prefix="kestrel-release-") as tmp:
            release_and_switch(repo, tmp)
        return True


def release_and_switch(repo, tmp):
    """A bare repository stands for the course's remote: lab 1 is released,
    a student clones it, lab 2 is not out yet, then it is."""
    labs = cp.lab_numbers(ROOT)
    remote, clone = os.path.join(tmp, "course.git"), os.path.join(tmp, "student")
    git(tmp, "init", "-q", "--bare", remote)
    t0 = time.monotonic()

    def release(n):
        return run(["make", "-s", "release", f"LAB={n}", f"REMOTE={remote}", f"BUILD={BUILD}"])

    rc, out, _ = release(labs[0])
    heads = git(tmp, "ls-remote", "--heads", remote)[1]
    record(f"make release LAB={labs[0]} publishes lab-{labs[0]} and nothing later",
           rc == 0 and re.findall(r"refs/heads/(\S+)", heads) == [f"lab-{labs[0]}"], time.monotonic() - t0,
           out + heads)
    rc, out, _ = git(tmp, "clone", "-q", remote, clone)
    if rc != 0:
        record("git clone of the released course", False, 0, out)
        return
    if len(labs) < 2:
        return
    second = labs[1]
    rc, out, _ = run(["make", "-s", f"lab-{second}"], cwd=clone)
    record(f"make lab-{second} in a clone before its release says it is not released yet",
           rc != 0 and "not been released" in out, 0, out)
    rc, out, _ = release(second)
    rc2, out2, _ = release(second)
    record(f"make release LAB={second} publishes lab-{second}; again, nothing to do",
           rc == 0 and "published lab-" in out and rc2 == 0 and "nothing to do" in out2, 0, out + out2)
    for k, v in (("user.name", "Student"), ("user.email", "student@kestrel.invalid")):
        git(clone, "config", k, v)
    with open(os.path.join(clone, "NOTES"), "w") as f:
        f.write("my work on lab 1\n")
    rc, out, _ = run(["make", "-s", f"lab-{second}"], cwd=clone)
    current = open(os.path.join(clone, "labs", "current")).read().strip()
    branch = git(clone, "rev-parse", "--abbrev-ref", "HEAD")[1].strip()
    upstream = git(clone, "rev-parse", "--abbrev-ref", "@{upstream}")[1].strip()
    record(f"make lab-{second} in a clone checks out origin/lab-{second}, saving the work on lab-{labs[0]}",
           rc == 0 and current == str(second) and branch == f"lab-{second}"
           and upstream == f"origin/lab-{second}" and not os.path.exists(os.path.join(clone, "NOTES")),
           0, f"{out}\nlabs/current: {current}, branch {branch}, upstream {upstream}")
    rc, out, _ = git(clone, "merge", "-q", "--no-edit", f"lab-{labs[0]}")
    record(f"git merge lab-{labs[0]} on lab-{second} brings the student's work along",
           rc == 0 and os.path.exists(os.path.join(clone, "NOTES")), 0, out)
    rc, out, _ = run(["make", "-s", f"lab-{labs[0]}"], cwd=clone)
    record(f"make lab-{labs[0]} goes back", rc == 0 and open(os.path.join(clone, "labs", "current")).read().strip()
           == str(labs[0]), 0, out)


# --- 4. the checkpoint proof ------------------------------------------------------

def grade_tree(tree, lab, first_failure=False, tests=(), reference=False, cost=None):
    """(all passed?, output) for grading `lab` in a checked-out tree;
    first_failure: stop at the first test that does not pass; tests: just
    these; reference: boots time out at a few times the full tree's;
    cost, a dict: its "seconds" and "cpu" grow by the graded tests'."""
    cmd = [sys.executable, "grade/grade.py", "--lab", str(lab), "--quiet",
           "--build", os.path.join(tree, "build")]
    cmd += ["--first-failure"] if first_failure else []
    cmd += [a for t in tests for a in ("--test", t)]
    cmd += ["--reference", REFERENCE] if reference and os.path.exists(REFERENCE) else []
    res = os.path.join(tree, "build", "proof-grading.json")
    if cost is not None:
        if os.path.exists(res):
            os.unlink(res)
        cmd += ["--results", res]
    rc, out, _ = run(cmd, cwd=tree)
    if cost is not None:
        try:
            graded = json.load(open(res))["tests"]
        except (OSError, ValueError, KeyError):
            graded = []
        cost["seconds"] = cost.get("seconds", 0) + sum(t["seconds"] for t in graded)
        cost["cpu"] = cost.get("cpu", 0) + sum(t.get("cpu_seconds") or 0 for t in graded)
    return rc == 0, out


def not_passing(out):
    """Names of the tests a grader's output shows not passing."""
    return [l.split()[0].rstrip(".") for l in out.splitlines()
            if re.search(r"\s(FAIL|PANIC|TIMEOUT|RESET|SKIP|ERROR)\s", l)]


def build_tree(tree, what):
    """make kernel fsimg in tree; True if it built without warnings."""
    rc, out, s = run(["make", "-s", "-j1", "kernel", "fsimg"], cwd=tree)
    warnings = [l for l in out.splitlines() if "warning:" in l]
    record(f"{what} builds without warnings", rc == 0 and not warnings, s, out[-3000:])
    return rc == 0


def branch_job(pool, repo, tmp, n, hinted):
    def branch(worker):
        tree = os.path.join(tmp, f"lab-{n}")
        t0 = time.monotonic()
        run(["git", "clone", "-q", "-b", f"lab-{n}", repo, tree])
        current = open(os.path.join(tree, "labs", "current")).read().strip()
        record(f"branch lab-{n}: labs/current says {n}", current == str(n), 0)
        prooftrees.seed(ROOT, tree)
        if not build_tree(tree, f"branch lab-{n} (incremental, {time.monotonic() - t0:.0f}s to seed)"):
            return
        for k in [k for k in cp.lab_numbers(ROOT) if k < n][-1:]:
            # A long lab in groups side by side, as on the full tree.
            parts = grading_plan([lab for lab in load_labs() if lab.number == k])
            for i, (estimate, _, names, light) in enumerate(parts):
                part = f" (part {i + 1} of {len(parts)}{', the sleepers' if light else ''})" if len(parts) > 1 else ""
                pool.submit(estimate, earlier_lab_job(tree, n, k, names, part), light=light)
        # Its own lab must fail: a job of its own, light if it mostly
        # slept last time (every exercise blank: a program left waiting).
        last = previous_proof_times().get(f"branch lab-{n}", {})
        pool.submit(last.get("seconds", 3), blank_branch_job(tree, n, hinted),
                    light=sleeps(last.get("seconds", 0), last.get("cpu_seconds")))
    branch.__name__ = f"branch lab-{n}"
    return branch


def blank_branch_job(tree, n, hinted):
    """Branch lab-N, every exercise of lab N blank: lab N must fail."""
    def blank_branch(worker):
        t0, cost = time.monotonic(), {}
        # The tests the exercises map to fail first; the whole lab if not.
        ok, out = grade_tree(tree, n, first_failure=True, tests=hinted, reference=True, cost=cost)
        if ok and hinted:
            ok, out = grade_tree(tree, n, first_failure=True, reference=True, cost=cost)
        with print_lock:
            proof_times[f"branch lab-{n}"] = {"seconds": round(cost.get("seconds", 0), 1),
                                              "cpu_seconds": round(cost.get("cpu", 0), 1)}
        record(f"branch lab-{n}: lab {n} fails with its exercises blank: {', '.join(not_passing(out))[:60]}",
               not ok, time.monotonic() - t0, "the grader passed lab %d with every exercise blank" % n)
    blank_branch.__name__ = f"branch lab-{n} blank"
    return blank_branch


# Branch lab-N grades lab N-1, the lab just before it, and not every lab
# before N: lab k's tests face the most blanks on branch lab-(k+1) (every
# region of labs > k), later branches blank a subset of those and the full
# tree none, so grading lab k there and on the full tree covers it, and the
# cost grows with the number of labs instead of its square.
def earlier_lab_job(tree, n, k, tests=(), part=""):
    def earlier(worker):
        t0 = time.monotonic()
        ok, out = grade_tree(tree, k, tests=tests)
        record(f"branch lab-{n}: lab {k} passes{part}", ok, time.monotonic() - t0, out[-3000:])
    earlier.__name__ = f"branch lab-{n} lab {k}{part}"
    return earlier


def mutation_job(tmp, region, hints):
    """Only this region blank: lab n must fail."""
    def mutation(worker):
        n, rid = region.lab, region.id
        name = f"lab {n} exercise {region.exercise} ({rid}) blank alone"
        tree = worker.state.get("tree")
        if tree is None:
            tree = worker.state["tree"] = prooftrees.MutationTree(ROOT, os.path.join(tmp, f"worker-{worker.slot}"))
        t0 = time.monotonic()
        with tree.blanked(rid):
            flags = ["-B"] if os.path.basename(region.path) in cp.MARKED_NAMES or region.path.endswith(".mk") else []
            rc, out, _ = run(["make", "-s", "-j1", *flags, "kernel", "fsimg"], cwd=tree.path)
            if rc != 0:
                record(f"{name} builds", False, time.monotonic() - t0, out[-3000:])
                return
            built = time.monotonic() - t0
            note, cost = "", {}
            if hints:
                ok, out = grade_tree(tree.path, n, first_failure=True, tests=hints, reference=True, cost=cost)
                if ok:
                    note = (f"lab.py names {', '.join(hints)} for exercise {region.exercise}, but "
                            f"they pass with it blank: update lab.exercise_tests in labs/lab{n}/lab.py")
            if not hints or note:
                ok, out = grade_tree(tree.path, n, first_failure=True, reference=True, cost=cost)
        with print_lock:
            proof_times[rid] = {"seconds": round(cost.get("seconds", 0), 1), "cpu_seconds": round(cost.get("cpu", 0), 1)}
        failing = ", ".join(not_passing(out))
        record(f"{name} fails: {failing[:60]} (build {built:.0f}s)", not ok and not note,
               time.monotonic() - t0, note or "every lab test passed with this region blank: the tests do not cover it")
    mutation.__name__ = f"blank {region.id}"
    return mutation


def exercise_hints():
    """{lab: ({exercise: [test names]}, {test names})} from each labs/labN/lab.py."""
    return {lab.number: (lab.exercise_tests, {t.name for t in lab.tests}) for lab in load_labs()}


def checkpoints():
    with section("checkpoints: every branch, and every exercise blank alone"):
        repo = os.path.join(BUILD, "student-repo")
        regions = cp.regions(cp.load_tree(ROOT)[0])
        hints = exercise_hints()
        for n, (mapping, names) in hints.items():
            unknown = sorted({t for ts in mapping.values() for t in ts} - names)
            record(f"lab {n}: exercise_tests names only tests of the lab", not unknown, 0,
                   f"unknown tests: {', '.join(unknown)}")
        pool = Pool()
        with tempfile.TemporaryDirectory(prefix="kestrel-checkpoint-") as tmp:
            before, labs = previous_test_seconds(), {lab.number: lab for lab in load_labs()}
            for n in cp.lab_numbers(ROOT):
                # The build (its gradings are jobs of their own, submitted
                # once it is built): the branch whose earlier lab takes
                # longest to grade starts first, as its gradings are the
                # suite's longest pole.
                earlier = [k for k in cp.lab_numbers(ROOT) if k < n][-1:]
                estimate = 30 + sum(before.get(t.full_name, t.timeout) for k in earlier if k in labs
                                    for t in labs[k].tests)
                hinted = sorted({t for ts in hints.get(n, ({}, set()))[0].values() for t in ts})
                pool.submit(estimate, branch_job(pool, repo, tmp, n, hinted))
            last = previous_proof_times()
            for r in regions:
                # A blank that left its test asleep until the boot was cut
                # off last time (a wait nothing ends) is a light job.
                seconds, cpu = (last[r.id]["seconds"], last[r.id]["cpu_seconds"]) if r.id in last else (3, None)
                pool.submit(2 + seconds, mutation_job(tmp, r, hints.get(r.lab, ({}, set()))[0].get(r.exercise)),
                            light=sleeps(seconds, cpu))
            pool.run()
        with open(PROOF_TIMES, "w") as f:
            json.dump(proof_times, f, indent=1, sort_keys=True)


def summary(started):
    passed = sum(ok is True for _, ok, _ in results)
    skipped = sum(ok is None for _, ok, _ in results)
    failed = len(results) - passed - skipped
    print(f"\nwhole suite: {time.monotonic() - started:.0f}s with {JOBS} job(s) at a time")
    for title, seconds in sections:
        print(f"  {seconds:6.0f}s  {title}")
    slowest = sorted(results, key=lambda r: -r[2])[:5]
    print("  slowest checks: " + "; ".join(f"{name} {s:.0f}s" for name, _, s in slowest))
    for name, ok, _ in results:
        if ok is False:
            print(f"  failed: {name}")
        elif ok is None:
            print(f"  skipped: {name}")
    print(f"{passed} passed, {failed} failed" + (f" ({skipped} skipped)" if skipped else ""))
    return 1 if failed else 0


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoints-only", action="store_true",
                    help="the build, the student repository and the checkpoints, not the full tree "
                         "(its last results, build/grade-results.json, must be there)")
    ap.add_argument("--save-times", action="store_true",
                    help=f"write {os.path.relpath(TEST_TIMES, ROOT)} from the last run's results, and stop")
    args = ap.parse_args()
    if args.save_times:
        save_test_times()
        return 0
    started = time.monotonic()
    built = build_kernel()
    if not args.checkpoints_only:
        full_tree(built)
    elif not os.path.exists(REFERENCE):
        sys.exit(f"--checkpoints-only needs the full tree's results: {os.path.relpath(REFERENCE, ROOT)}")
    if student_repository() and built:
        checkpoints()
    return summary(started)


if __name__ == "__main__":
    sys.exit(main())
