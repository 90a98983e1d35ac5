#!/usr/bin/env python3
"""The grader: runs the tests of the labs under labs/ against a kernel.

    grade/grade.py                      every lab
    grade/grade.py --lab 1              one lab (--lab final: the capstone, labs/final)
    grade/grade.py --test timer         one test (or lab1/timer); repeat --test for more
    grade/grade.py --results out.json   also write the results as JSON
    grade/grade.py --timeout-scale 3    every timeout three times as long (or TIMEOUT_SCALE=3)

Each test boots its own QEMU. Logs go to build/grade/labN/TEST.log. The
last line printed is "N passed, N failed[, N skipped]"; a skipped test
(one whose dependency failed, or the capstone without MediaServer) counts
as neither, and the exit status is 1 only when a test failed.
"""
import argparse
import importlib.util
import json
import os
import resource
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testing import Abort, Context, Skip, Verdict   # noqa: E402
from fsimg_tools import ImageError             # noqa: E402
import report                                  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Timeouts in lab definitions are for hardware virtualization. TCG
# translates every instruction and is several times slower; KVM gets a
# little slack too, for firmware start-up under nested virtualization.
ACCEL_SLOWDOWN = {"kvm": 2.0, "tcg": 5.0}
# The one knob for slow or loaded machines: `make grade TIMEOUT_SCALE=3`
# multiplies every timeout the grader sets (boots, and programs run on the
# host). GRADE_TIMEOUT_SCALE is its older name.
TIMEOUT_SCALE_ENV = ("TIMEOUT_SCALE", "GRADE_TIMEOUT_SCALE")
# Every test's boot may be cut short by --reference: at REFERENCE_FACTOR
# times what it took in a passing run, but never under REFERENCE_FLOOR
# seconds (times TIMEOUT_SCALE). Only gradings that must fail use it (a
# blank exercise), so a short cut can only end a wait the blank causes
# sooner: a blank that leaves a program asleep costs the floor.
REFERENCE_FACTOR = 5.0
REFERENCE_FLOOR = 8.0


def timeout_scale_default():
    for name in TIMEOUT_SCALE_ENV:
        if os.environ.get(name):
            return float(os.environ[name])
    return 1.0


def load_labs(labs_dir):
    """labs/lab1, lab2... in order, then labs/final (the capstone)."""
    labs = []
    for entry in sorted(os.listdir(labs_dir), key=lambda d: (d == "final", len(d), d)):
        path = os.path.join(labs_dir, entry, "lab.py")
        if (entry.startswith("lab") or entry == "final") and os.path.exists(path):
            spec = importlib.util.spec_from_file_location(f"labdef_{entry}", path)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            labs.append(mod.lab)
    return labs


def select(labs, lab_number, test_name):
    """The tests of lab_number (all labs if None) named in the list
    test_name (all if empty), in declaration order."""
    tests = [t for lab in labs for t in lab.tests
             if lab_number is None or str(lab.number) == str(lab_number)]
    if test_name:
        tests = [t for t in tests if t.name in test_name or t.full_name in test_name]
    return tests


def run_test(test, options, verdicts):
    """Runs one test; returns (verdict, report lines, context)."""
    # Dependencies name tests of the same lab.
    failed_deps = [d for d in test.depends
                   if verdicts.get(f"{test.lab.key}/{d}", Verdict.PASS) != Verdict.PASS]
    if failed_deps and not options.test:
        how = "was skipped" if all(verdicts.get(f"{test.lab.key}/{d}") == Verdict.SKIP for d in failed_deps) \
            else "did not pass"
        return Verdict.SKIP, [f"skipped: depends on {', '.join(failed_deps)}, which {how}"], None
    ctx = Context(test, options)
    try:
        test.func(ctx)
        verdict = report.decide(ctx)
    except Abort:
        verdict = report.decide(ctx)
        if verdict == Verdict.PASS:
            verdict = Verdict.FAIL
    except Skip as e:
        ctx.close()
        return Verdict.SKIP, [f"SKIP {test.full_name} ({e})"], ctx
    except ImageError as e:          # no disk image, or a stale one: a setup problem
        return Verdict.ERROR, [f"the grader could not run this test: {e}"], ctx
    except Exception:
        return Verdict.ERROR, ["the grader failed running this test:"] + \
            ["    " + l for l in traceback.format_exc().splitlines()], ctx
    finally:
        ctx.close()                  # the test's temporary folder (disk copies)
    return verdict, report.explain(ctx, verdict, options.kernel), ctx


def write_log(options, test, verdict, lines, ctx):
    path = os.path.join(options.logdir, test.lab.key, f"{test.name}.log")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(f"test {test.full_name}: {verdict}\n")
        if ctx and ctx.result:
            r = ctx.result
            f.write(f"token: {ctx.token}\ncommand: {' '.join(r.command)}\n")
            f.write(f"exit status: {r.status}, {r.seconds:.2f}s\n\n")
            f.writelines(f"[{l.time:8.3f}] {l.text}\n" for l in r.lines)
            if r.reset and r.cpu_log:
                f.write("\nQEMU's exception log (tail):\n" + "\n".join(r.cpu_log[-400:]) + "\n")
        if ctx and getattr(ctx, "host_lines", None) is not None:
            f.write("\nwhat Linux printed (the host's run):\n" + "".join(f"    {l}\n" for l in ctx.host_lines))
        if lines:
            f.write("\n" + "\n".join(lines) + "\n")
    return path


def reference_caps(path, scale):
    """{full test name: seconds a boot may take}, from the time each test
    took in a passing run's results."""
    if not path:
        return {}
    with open(path) as f:
        tests = json.load(f)["tests"]
    return {t.get("name", f"lab{t['lab']}/{t['test']}"): max(REFERENCE_FLOOR, REFERENCE_FACTOR * t["seconds"]) * scale
            for t in tests if t["verdict"] == Verdict.PASS}


def children_cpu():
    """User plus system seconds of this process's finished children (QEMU,
    cp, e2fsck, the host's runs): what a test cost the machine, which on
    a busy machine says more than the time it took."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def print_subtotals(records):
    """One line per lab, when more than one lab was graded."""
    labs = list(dict.fromkeys(r["lab"] for r in records))     # in grading order
    if len(labs) < 2:
        return
    for n in labs:
        mine = [r for r in records if r["lab"] == n]
        print(f"  {'Lab ' if isinstance(n, int) else ''}{n}: {sum(r['earned'] for r in mine)}/{sum(r['points'] for r in mine)}"
              f" ({sum(r['verdict'] == Verdict.PASS for r in mine)} of {len(mine)} tests passed)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--lab", help="a lab's number, or final")
    ap.add_argument("--test", action="append", default=[], help="a test's name (repeatable)")
    ap.add_argument("--results", help="write results as JSON to this file")
    ap.add_argument("--accel", default=os.environ.get("ACCEL", "tcg"), choices=["tcg", "kvm"])
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--labs-dir", default=os.path.join(ROOT, "labs"))
    ap.add_argument("--quiet", action="store_true", help="no failure details, just verdicts")
    ap.add_argument("--first-failure", action="store_true",
                    help="stop at the first test that does not pass (the checkpoint proof only "
                         "needs to know that a lab fails)")
    ap.add_argument("--timeout-scale", type=float, default=timeout_scale_default(),
                    help="multiply every timeout (slow or loaded machines; default: $TIMEOUT_SCALE or 1)")
    ap.add_argument("--reference", metavar="RESULTS",
                    help="results (JSON) of a passing run on this machine: each test's boot times out "
                         f"after {REFERENCE_FACTOR:g} times its time there (at least {REFERENCE_FLOOR:g}s), "
                         "so that a broken kernel fails fast (the checkpoint proof)")
    options = ap.parse_args()
    options.logdir = os.path.join(options.build, "grade")
    knob = options.timeout_scale
    options.timeout_scale = ACCEL_SLOWDOWN[options.accel] * knob    # what lab timeouts are multiplied by
    options.host_timeout = 60 * knob                                # a program run on the host
    options.timeout_caps = reference_caps(options.reference, knob)

    if not os.path.exists(options.kernel):
        sys.exit(f"grade: no kernel at {options.kernel}: run make first")
    labs = load_labs(options.labs_dir)
    tests = select(labs, options.lab, options.test)
    if not tests:
        sys.exit(f"grade: no test matches (labs: {', '.join(str(l.number) for l in labs)})")

    verdicts, records, current_lab = {}, [], None
    started = time.monotonic()
    for test in tests:
        if test.lab is not current_lab:
            current_lab = test.lab
            print(f"== {'Lab ' if isinstance(test.lab.number, int) else ''}{test.lab.number}: {test.lab.title}")
        t0, cpu0 = time.monotonic(), children_cpu()
        verdict, lines, ctx = run_test(test, options, verdicts)
        seconds, cpu = time.monotonic() - t0, children_cpu() - cpu0
        verdicts[test.full_name] = verdict
        earned = test.points if verdict == Verdict.PASS else 0
        print(f"{test.name:.<36s} {verdict:7s} ({seconds:4.1f}s) {earned:3d}/{test.points}", flush=True)
        if lines and not options.quiet:
            print("\n".join("    " + l for l in lines), flush=True)
        log = write_log(options, test, verdict, lines, ctx)
        if verdict not in (Verdict.PASS, Verdict.SKIP) and not options.quiet:
            print(f"    log: {os.path.relpath(log)}")
        records.append({"lab": test.lab.number, "test": test.name, "name": test.full_name,
                        "points": test.points,
                        "earned": earned, "verdict": verdict, "seconds": round(seconds, 3),
                        "cpu_seconds": round(cpu, 3),
                        "log": os.path.relpath(log), "details": lines,
                        "token": ctx.token if ctx else None})
        if options.first_failure and verdict != Verdict.PASS:
            break

    passed = sum(r["verdict"] == Verdict.PASS for r in records)
    skipped = sum(r["verdict"] == Verdict.SKIP for r in records)
    failed = len(records) - passed - skipped
    score = sum(r["earned"] for r in records)
    total = sum(r["points"] for r in records)
    print_subtotals(records)
    print(f"Score: {score}/{total} in {time.monotonic() - started:.1f}s ({options.accel})")
    if options.results:
        with open(options.results, "w") as f:
            json.dump({"kernel": options.kernel, "accel": options.accel, "score": score,
                       "max_score": total, "passed": passed, "failed": failed,
                       "skipped": skipped, "tests": records}, f, indent=2)
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
