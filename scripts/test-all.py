#!/usr/bin/env python3
"""The whole test suite: what `make test` and CI run.

  1. the kernel builds
  2. host unit tests (Criterion) of the kernel's pure code
  3. the grader on the full tree: every lab must pass
  4. the debugger workflow (scripts/gdb-test.py)
  5. the root file system image and the grader's disk plumbing (scripts/fsimg-test.py)
  6. the handout: its console transcripts match real runs
     (scripts/handout-transcripts.py), and it builds with mkdocs --strict
  7. the checkpoints: for every lab N, branch lab-N of the student
     repository builds, passes labs < N and fails lab N; and blanking each
     region of lab N alone (keeping every other solution) fails lab N too.

Each check counts once (each unit test and each graded test counts on its
own). The last line is "N passed, N failed".
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import checkpoints as cp  # noqa: E402
BUILD = os.path.join(ROOT, "build")
JOBS = str(os.cpu_count() or 2)
results = []          # (name, ok, seconds)


def record(name, ok, seconds, detail=""):
    results.append((name, ok, seconds))
    print(f"{'PASS' if ok else 'FAIL'}  {name} ({seconds:.1f}s)", flush=True)
    if detail and not ok:
        print("      " + detail.rstrip().replace("\n", "\n      "), flush=True)


def run(cmd, cwd=ROOT, timeout=1800):
    """(exit status, stdout and stderr interleaved as written, seconds)."""
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=timeout)
    return p.returncode, p.stdout, time.monotonic() - t0


def step(title):
    print(f"\n=== {title}", flush=True)


def build_kernel():
    step("build")
    rc, out, s = run(["make", "-s", "-j", JOBS, "kernel"])
    warnings = [l for l in out.splitlines() if "warning:" in l]
    record("kernel builds", rc == 0, s, out)
    record("kernel builds without warnings", rc == 0 and not warnings, 0, "\n".join(warnings))
    if rc != 0:
        return False
    rc, out, s = run(["make", "-s", "fsimg"])
    record("the root file system image builds (make fsimg)", rc == 0, s, out)
    return True


def unit_tests():
    step("host unit tests (Criterion)")
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
        print(f"      {name}: {synth[2]}/{synth[1]} passing")
        results.extend((f"unit {name} #{i}", True, 0) for i in range(int(synth[2])))
        for f in re.findall(r"\[(?:FAIL|CRASH)\] (\S+?):?\s", text):
            record(f"unit {name}: {f}", False, 0, text[-3000:])


def grade_full_tree():
    step("grading the full tree (every lab must pass)")
    res = os.path.join(BUILD, "grade-results.json")
    rc, out, s = run([sys.executable, "grade/grade.py", "--results", res])
    print("\n".join("      " + l for l in out.splitlines()))
    try:
        data = json.load(open(res))
    except (OSError, ValueError):
        record("grader ran", False, s, out)
        return
    for t in data["tests"]:
        results.append((f"lab{t['lab']}/{t['test']}", t["verdict"] == "PASS", t["seconds"]))


def gdb_test():
    step("debugger workflow")
    rc, out, s = run([sys.executable, "scripts/gdb-test.py"], timeout=180)
    checks = re.findall(r"^gdb: (.*): (PASS|FAIL)$", out, re.M)
    for what, verdict in checks:
        record(f"gdb: {what}", verdict == "PASS", s / max(len(checks), 1), out)
    if rc != 0 and all(v == "PASS" for _, v in checks):
        record("gdb test ran to the end", False, s, out)


def fsimg_test():
    step("the root file system image and the grader's disks")
    rc, out, s = run([sys.executable, "scripts/fsimg-test.py"], timeout=300)
    print("\n".join("      " + l for l in out.splitlines()))
    record("disk images: e2fsck, corruption helpers, disk=True in tests", rc == 0, s, out[-3000:])


def submissions():
    step("hand-in: grade-submission, the Gradescope bundle, the GitHub workflow")
    rc, out, s = run([sys.executable, "scripts/submission-test.py"], timeout=2400)
    checks = re.findall(r"^submission: (.*): (PASS|FAIL)$", out, re.M)
    for what, verdict in checks:
        record(f"hand-in: {what}", verdict == "PASS", s / max(len(checks), 1), out[-3000:])
    if rc != 0 and all(v == "PASS" for _, v in checks):
        record("hand-in test ran to the end", False, s, out[-3000:])


def handout():
    step("handout (mkdocs build --strict)")
    rc, out, s = run(["make", "-s", "handout"])
    record("handout builds without warnings", rc == 0, s, out)


def handout_transcripts():
    step("handout transcripts (scripts/handout-transcripts.py --check)")
    rc, out, s = run([sys.executable, "scripts/handout-transcripts.py", "--check"], timeout=600)
    # One check per transcript: "ok    NAME (...)" or "FAIL  NAME ..." and its diff.
    checked = re.findall(r"^(ok|FAIL) +([\w-]+)(.*(?:\n(?!ok |FAIL ).*)*)", out, flags=re.M)
    for verdict, name, detail in checked:
        secs = re.search(r"([\d.]+)s\)", detail)
        record(f"handout transcript {name} matches a real run", verdict == "ok",
               float(secs[1]) if secs else 0, detail)
    if rc != 0 and not any(v == "FAIL" for v, _, _ in checked):
        record("handout transcripts checked", False, s, out[-3000:])


def grade_tree(tree, lab, first_failure=False):
    """(all passed?, output) for grading `lab` in a checked-out tree;
    first_failure: stop at the first test that does not pass."""
    rc, out, _ = run([sys.executable, "grade/grade.py", "--lab", str(lab), "--quiet",
                      *(["--first-failure"] if first_failure else []),
                      "--build", os.path.join(tree, "build")], cwd=tree)
    return rc == 0, out


def checkpoints():
    step("checkpoints (the student repository)")
    repo = os.path.join(BUILD, "student-repo")
    rc, out, s = run([sys.executable, "scripts/checkpoints.py", "build", "--out", repo])
    record("make checkpoints builds the student repository", rc == 0, s, out)
    if rc != 0:
        return
    regions = cp.regions(cp.load_tree(ROOT)[0])
    with tempfile.TemporaryDirectory(prefix="kestrel-checkpoint-") as tmp:
        for n in cp.lab_numbers(ROOT):
            tree = os.path.join(tmp, f"lab-{n}")
            run(["git", "clone", "-q", "-b", f"lab-{n}", repo, tree])
            t0 = time.monotonic()
            current = open(os.path.join(tree, "labs", "current")).read().strip()
            record(f"branch lab-{n}: labs/current says {n}", current == str(n), 0)
            rc, out, s = run(["make", "-s", "-j", JOBS, "kernel", "fsimg"], cwd=tree)
            warnings = [l for l in out.splitlines() if "warning:" in l]
            record(f"branch lab-{n}: builds without warnings", rc == 0 and not warnings, s, out[-3000:])
            if rc != 0:
                continue
            for k in range(1, n):
                t0 = time.monotonic()
                ok, out = grade_tree(tree, k)
                record(f"branch lab-{n}: lab {k} passes", ok, time.monotonic() - t0, out[-3000:])
            t0 = time.monotonic()
            ok, out = grade_tree(tree, n, first_failure=True)
            record(f"branch lab-{n}: lab {n} fails with its exercises blank", not ok,
                   time.monotonic() - t0, "the grader passed lab %d with every exercise blank" % n)
            for r in regions:
                if r.lab == n:
                    mutation(tmp, n, r.id, f"exercise {r.exercise}")


def mutation(tmp, n, rid, exercise):
    """Only this region blank: lab n must fail."""
    tree = os.path.join(tmp, "only-" + re.sub(r"\W", "_", rid))
    t0 = time.monotonic()
    rc, out, _ = run([sys.executable, "scripts/checkpoints.py", "blank", "--lab", str(n), "--only", rid, tree])
    if rc == 0:
        rc, out, _ = run(["make", "-s", "-j", JOBS, "kernel", "fsimg"], cwd=tree)
    if rc != 0:
        record(f"lab {n} {exercise} ({rid}) blank alone builds", False, time.monotonic() - t0, out[-3000:])
        return
    ok, out = grade_tree(tree, n, first_failure=True)
    failing = [l.split()[0].rstrip(".") for l in out.splitlines() if re.search(r"\s(FAIL|PANIC|TIMEOUT|RESET|SKIP|ERROR)\s", l)]
    record(f"lab {n} {exercise} ({rid}) blank alone fails: {', '.join(failing)[:60]}", not ok,
           time.monotonic() - t0, "every lab test passed with this region blank: the tests do not cover it")
    shutil.rmtree(tree, ignore_errors=True)


def main():
    started = time.monotonic()
    if build_kernel():
        unit_tests()
        grade_full_tree()
        gdb_test()
        fsimg_test()
        submissions()
        handout_transcripts()
    handout()
    checkpoints()
    passed = sum(ok for _, ok, _ in results)
    failed = len(results) - passed
    print(f"\nwhole suite: {time.monotonic() - started:.0f}s")
    for name, ok, _ in results:
        if not ok:
            print(f"  failed: {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
