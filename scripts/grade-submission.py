#!/usr/bin/env python3
"""Grades a student's submission with the instructor's own grader.

A student's repository holds grade/ and labs/*/lab.py too, and nothing
stops a student from editing them. This script trusts only the student's
kernel/ (every exercise region lives there): it lays the submission's
kernel/ over a pristine copy of this tree (its committed state: the
grader, the tests, the test programs in user/, the image recipe), builds,
and grades with this tree's grader.

    grade-submission.py SUB [--lab N] [--out DIR] [--gradescope FILE]
        SUB is a folder (a clone, or an upload without .git) or a git URL.
        The lab is --lab, else the submission's labs/current. --lab final
        grades the capstone (labs/final) with MediaServer from $MEDIASERVER
        or ../shared/mediaserver beside this tree (SKIP without it).
    grade-submission.py --batch DIR [--lab N] [--csv FILE] [--out DIR]
        every entry of DIR (a folder, or a file holding a git URL) is one
        student, named after the entry; one CSV row each.

Per student, DIR/<student>/ (default build/submissions/) gets build.log,
grade.log, results.json (the grader's) and gradescope.json (Gradescope's
autograder format: score, and per test name, score, max_score, status,
output). Exit status 0 when every submission was graded, pass or fail.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STUDENT_DIRS = ("kernel",)          # what a submission contributes
GIT_URL = re.compile(r"^(https?|ssh|git|file)://|^[\w.-]+@[\w.-]+:")
BUILD_TIMEOUT = 900
GRADE_TIMEOUT = 3600


def fetch(sub, dest):
    """The submission's files in dest: cloned from a URL or repository,
    copied from a plain folder."""
    if GIT_URL.match(sub) or os.path.isdir(os.path.join(sub, ".git")):
        subprocess.run(["git", "clone", "-q", "--depth", "1", sub, dest], check=True,
                       capture_output=True, text=True, timeout=600)
    elif os.path.isdir(sub):
        shutil.copytree(sub, dest, symlinks=True)
    else:
        raise ValueError(f"{sub}: neither a folder nor a git URL")


def pristine_tree(dest, source=ROOT):
    """The instructor's tree in dest: its committed state (git archive of
    HEAD), or for a tree without git (the autograder bundle's copy) its
    files, without build/."""
    if os.path.isdir(os.path.join(source, ".git")) or os.path.isfile(os.path.join(source, ".git")):
        os.makedirs(dest)
        archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=source,
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)
    else:
        shutil.copytree(source, dest, symlinks=True, ignore=shutil.ignore_patterns("build", ".gdbinit"))


def lab_arg(text):
    """--lab: a lab's number, or final (the capstone)."""
    return text if text == "final" else int(text)


def mediaserver_make_args():
    """make's MEDIASERVER=DIR for the capstone, when MediaServer is here."""
    folder = os.environ.get("MEDIASERVER") or os.path.join(os.path.dirname(ROOT), "shared", "mediaserver")
    return [f"MEDIASERVER={os.path.abspath(folder)}"] if os.path.exists(os.path.join(folder, "MediaServer")) else []


def lab_of(sub_dir, lab):
    if lab is not None:
        return lab
    try:
        return int(open(os.path.join(sub_dir, "labs", "current")).read().strip())
    except (OSError, ValueError):
        raise ValueError("no --lab given and the submission has no labs/current")


def grade_one(sub, lab, out_dir, source=ROOT):
    """Grades one submission; returns a summary dict and writes the logs,
    results.json and gradescope.json into out_dir."""
    os.makedirs(out_dir, exist_ok=True)
    summary = {"lab": lab, "score": 0, "max_score": 0, "passed": 0, "failed": 0,
               "skipped": 0, "built": False, "error": "", "failing": []}
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kestrel-submission-") as tmp:
        sub_dir, tree = os.path.join(tmp, "submission"), os.path.join(tmp, "tree")
        try:
            fetch(sub, sub_dir)
            lab = summary["lab"] = lab_of(sub_dir, lab)
            pristine_tree(tree, source)
            for d in STUDENT_DIRS:
                shutil.rmtree(os.path.join(tree, d), ignore_errors=True)
                if os.path.isdir(os.path.join(sub_dir, d)):
                    shutil.copytree(os.path.join(sub_dir, d), os.path.join(tree, d), symlinks=False)
        except (ValueError, OSError, subprocess.SubprocessError) as e:
            summary["error"] = f"could not read the submission: {e}"
            return finish(summary, out_dir, t0)
        # Labs 1-3 boot without a disk: no root image to build for them.
        # The capstone has its own image, with MediaServer.
        final = lab == "final"
        targets = ["kernel"] + (["fsimg"] if final or lab >= 4 else []) + (mediaserver_make_args() if final else [])
        build = subprocess.run(["make", "-s", "-j", str(os.cpu_count() or 2), *targets],
                               cwd=tree, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
        open(os.path.join(out_dir, "build.log"), "w").write(build.stdout + build.stderr)
        if build.returncode != 0:
            summary["error"] = "the kernel does not build:\n" + (build.stdout + build.stderr)[-4000:]
            summary["max_score"] = lab_points(tree, lab)
            return finish(summary, out_dir, t0)
        summary["built"] = True
        results = os.path.join(out_dir, "results.json")
        if os.path.exists(results):
            os.remove(results)
        g = subprocess.run([sys.executable, "grade/grade.py", "--lab", str(lab), "--results", results],
                           cwd=tree, capture_output=True, text=True, timeout=GRADE_TIMEOUT)
        open(os.path.join(out_dir, "grade.log"), "w").write(g.stdout + g.stderr)
        try:
            data = json.load(open(results))
        except (OSError, ValueError):
            summary["error"] = "the grader did not finish:\n" + (g.stdout + g.stderr)[-4000:]
            return finish(summary, out_dir, t0)
        for k in ("score", "max_score", "passed", "failed", "skipped"):
            summary[k] = data[k]
        summary["tests"] = data["tests"]
        summary["failing"] = [t["test"] for t in data["tests"] if t["verdict"] not in ("PASS", "SKIP")]
    return finish(summary, out_dir, t0)


def lab_points(tree, lab):
    """The lab's total points, read from the (pristine) lab definition."""
    sys.path.insert(0, os.path.join(tree, "grade"))
    try:
        import grade as grader   # noqa: E402  (the tree's own grader)
        return sum(t.points for l in grader.load_labs(os.path.join(tree, "labs")) if l.number == lab
                   for t in l.tests)
    except Exception:
        return 0
    finally:
        sys.path.pop(0)


def finish(summary, out_dir, t0):
    summary["seconds"] = round(time.monotonic() - t0, 1)
    json.dump(gradescope(summary), open(os.path.join(out_dir, "gradescope.json"), "w"), indent=2)
    return summary


def gradescope(summary):
    """Gradescope's autograder results.json for one submission."""
    if summary["error"]:
        return {"score": 0, "output": summary["error"], "tests": [
            {"name": f"lab {summary['lab']} builds and runs", "score": 0,
             "max_score": summary["max_score"], "status": "failed", "output": summary["error"]}]}
    tests = [{"name": t.get("name", f"lab{t['lab']}/{t['test']}"), "score": t["earned"], "max_score": t["points"],
              "status": "passed" if t["verdict"] == "PASS" else "failed",
              "output": f"{t['verdict']} in {t['seconds']:.1f}s\n" + "\n".join(t["details"])}
             for t in summary["tests"]]
    return {"score": summary["score"], "execution_time": int(summary["seconds"]),
            "output": f"Lab {summary['lab']}: {summary['score']}/{summary['max_score']} "
                      f"({summary['passed']} passed, {summary['failed']} failed, "
                      f"{summary['skipped']} skipped)",
            "tests": tests}


CSV_FIELDS = ["student", "lab", "score", "max_score", "passed", "failed", "skipped",
              "built", "seconds", "failing", "error"]


def batch(folder, lab, out, csv_path):
    entries = sorted(e for e in os.listdir(folder) if not e.startswith("."))
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        for e in entries:
            path = os.path.join(folder, e)
            sub = path if os.path.isdir(path) else open(path).read().strip()
            student = os.path.splitext(e)[0]
            s = grade_one(sub, lab, os.path.join(out, student))
            print(f"{student}: {s['score']}/{s['max_score']}" + (" (error)" if s["error"] else ""),
                  flush=True)
            w.writerow({"student": student, **{k: s[k] for k in CSV_FIELDS[1:-2]},
                        "failing": " ".join(s["failing"]), "error": s["error"].splitlines()[0] if s["error"] else ""})
            f.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sub", nargs="?", help="a submission: folder or git URL")
    ap.add_argument("--batch", metavar="DIR", help="grade every submission in DIR")
    ap.add_argument("--lab", type=lab_arg, help="a lab's number, or final")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "submissions"))
    ap.add_argument("--csv", help="batch: the CSV file (default OUT/grades.csv)")
    ap.add_argument("--gradescope", metavar="FILE", help="also write Gradescope's results.json here")
    a = ap.parse_args()
    if bool(a.sub) == bool(a.batch):
        ap.error("give one submission or --batch DIR")
    if a.batch:
        os.makedirs(a.out, exist_ok=True)
        batch(a.batch, a.lab, a.out, a.csv or os.path.join(a.out, "grades.csv"))
        return 0
    name = re.sub(r"\W+", "_", os.path.basename(a.sub.rstrip("/")).removesuffix(".git")) or "submission"
    out = os.path.join(a.out, name)
    s = grade_one(a.sub, a.lab, out)
    print(open(os.path.join(out, "grade.log")).read() if s["built"] else s["error"])
    print(f"submission {a.sub}: lab {s['lab']}: {s['score']}/{s['max_score']}; logs in {os.path.relpath(out)}")
    if a.gradescope:
        os.makedirs(os.path.dirname(os.path.abspath(a.gradescope)), exist_ok=True)
        shutil.copy(os.path.join(out, "gradescope.json"), a.gradescope)
    return 0


if __name__ == "__main__":
    sys.exit(main())
