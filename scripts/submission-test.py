#!/usr/bin/env python3
"""Proves the instructor's hand-in tools work, on Lab 1 (the fastest lab):

  1. grade-submission.py --batch over two submissions: an honest one (this
     tree's kernel) earns every point; a tampered one (an exercise blanked,
     and its own grader rigged to pass everything) loses points, because
     only its kernel/ is used. One CSV row each.
  2. The Gradescope bundle (make autograder): unpacked into a folder laid
     out like Gradescope's /autograder, setup.sh and run_autograder run
     with AUTOGRADER pointing there, and results/results.json has the score
     and one entry per test with the fields Gradescope reads.
  3. The GitHub Actions workflow the student repository carries names only
     commands that exist here, and is plain YAML (spaces, keys we rely on).

Prints "submission: WHAT: PASS|FAIL" per check; exit status 1 if any failed.
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RIGGED_GRADER = 'print("Score: 100/100")\nprint("8 passed, 0 failed")\n'
results = []


def check(ok, what, detail=""):
    results.append(ok)
    print(f"submission: {what}: {'PASS' if ok else 'FAIL'}", flush=True)
    if not ok and detail:
        print("    " + detail.strip()[-3000:].replace("\n", "\n    "))


def export_tree(dest):
    os.makedirs(dest)
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT,
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)


def tampered_submission(dest):
    """Lab 1's checkpoint with only printk's number formatting blank, and a
    grader that claims full marks."""
    listing = subprocess.run([sys.executable, "scripts/checkpoints.py", "list"], cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout
    region = next(l.split()[0] for l in listing.splitlines() if l.startswith("kernel/lib/format.c:"))
    subprocess.run([sys.executable, "scripts/checkpoints.py", "blank", "--lab", "1", "--only", region, dest],
                   cwd=ROOT, check=True, capture_output=True)
    open(os.path.join(dest, "grade", "grade.py"), "w").write(RIGGED_GRADER)
    open(os.path.join(dest, "labs", "current"), "w").write("1\n")


def batch_test(tmp):
    subs = os.path.join(tmp, "subs")
    export_tree(os.path.join(subs, "honest"))
    open(os.path.join(subs, "honest", "labs", "current"), "w").write("1\n")
    tampered_submission(os.path.join(subs, "tampered"))
    out, table = os.path.join(tmp, "out"), os.path.join(tmp, "grades.csv")
    p = subprocess.run([sys.executable, "scripts/grade-submission.py", "--batch", subs, "--out", out,
                        "--csv", table], cwd=ROOT, capture_output=True, text=True, timeout=1200)
    rows = {r["student"]: r for r in csv.DictReader(open(table))} if os.path.exists(table) else {}
    check(p.returncode == 0 and set(rows) == {"honest", "tampered"},
          "batch mode writes one CSV row per submission", p.stdout + p.stderr)
    if set(rows) != {"honest", "tampered"}:
        return
    h, t = rows["honest"], rows["tampered"]
    check(h["score"] == h["max_score"] and int(h["max_score"]) > 0,
          f"the honest submission earns every point ({h['score']}/{h['max_score']})",
          open(os.path.join(out, "honest", "grade.log")).read() if os.path.exists(os.path.join(out, "honest", "grade.log")) else str(h))
    # printk's number formatting is blank: the first test to print a
    # number fails (boot), and those that depend on it are skipped.
    check(int(t["score"]) < int(t["max_score"]) and t["failing"] in ("boot", "printk"),
          f"the tampered one is graded by the instructor's grader ({t['score']}/{t['max_score']}, "
          f"failing: {t['failing']})", str(t))
    check(all(os.path.exists(os.path.join(out, s, f)) for s in ("honest", "tampered")
              for f in ("build.log", "grade.log", "results.json", "gradescope.json")),
          "per-student logs and results")


def autograder_test(tmp):
    ag = os.path.join(tmp, "autograder")
    bundle = os.path.join(tmp, "autograder.zip")
    subprocess.run([sys.executable, "scripts/autograder/bundle.py", bundle, "--lab", "1"], cwd=ROOT,
                   check=True, capture_output=True)
    with zipfile.ZipFile(bundle) as z:
        z.extractall(os.path.join(ag, "source"))
        for info in z.infolist():   # zipfile drops the modes
            os.chmod(os.path.join(ag, "source", info.filename), info.external_attr >> 16 & 0o777)
    export_tree(os.path.join(ag, "submission"))
    env = dict(os.environ, AUTOGRADER=ag)
    p = subprocess.run([os.path.join(ag, "source", "setup.sh")], env=env, capture_output=True, text=True)
    check(p.returncode == 0, "the bundle's setup.sh runs", p.stdout + p.stderr)
    p = subprocess.run([os.path.join(ag, "source", "run_autograder")], env=env, capture_output=True,
                       text=True, timeout=1200)
    path = os.path.join(ag, "results", "results.json")
    try:
        data = json.load(open(path))
    except (OSError, ValueError):
        check(False, "run_autograder writes results/results.json", p.stdout + p.stderr)
        return
    tests = data.get("tests", [])
    fields_ok = tests and all({"name", "score", "max_score", "status", "output"} <= set(x) and
                              x["status"] in ("passed", "failed") for x in tests)
    full = sum(x["max_score"] for x in tests)
    check(bool(fields_ok) and data.get("score") == full > 0,
          f"run_autograder: results.json in Gradescope's format, {data.get('score')}/{full} "
          f"over {len(tests)} tests", p.stdout + p.stderr + json.dumps(data)[:2000])


def workflow_test():
    path = os.path.join(ROOT, ".github", "workflows", "grade.yml")
    text = open(path).read()
    plain = "\t" not in text and all((len(l) - len(l.lstrip(" "))) % 2 == 0 for l in text.splitlines())
    keys = all(re.search(rf"^{k}:", text, re.M) for k in ("name", "on", "jobs"))
    targets = set(re.findall(r"^([a-z][\w-]*):", open(os.path.join(ROOT, "Makefile")).read(), re.M))
    commands = re.findall(r"(?:run: \|?\s*|^\s+)(make [\w-]+|scripts/[\w./-]+)", text, re.M)
    missing = [c for c in commands
               if (c.startswith("make ") and c.split()[1] not in targets and not c.split()[1].startswith("-"))
               or (c.startswith("scripts/") and not os.path.exists(os.path.join(ROOT, c)))]
    check(plain and keys and "make grade" in text and not missing,
          "the GitHub Actions workflow is plain YAML and its commands exist",
          f"tabs or odd indentation: {not plain}; top-level keys: {keys}; missing: {missing}")


def main():
    with tempfile.TemporaryDirectory(prefix="kestrel-submissions-") as tmp:
        batch_test(tmp)
        autograder_test(tmp)
    workflow_test()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
