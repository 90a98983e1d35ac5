#!/usr/bin/env python3
"""make autograder: the Gradescope autograder bundle, a zip with setup.sh
and run_autograder at its top and the instructor's committed tree (git
archive of HEAD) beside them, which Gradescope unpacks into
/autograder/source.

    bundle.py OUT.zip [--lab N]     --lab: grade lab N whatever the
                                    submission's labs/current says
"""
import argparse
import io
import os
import subprocess
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--lab", type=int)
    a = ap.parse_args()
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT,
                             check=True, capture_output=True).stdout
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with zipfile.ZipFile(a.out, "w", zipfile.ZIP_DEFLATED) as z, \
            tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for m in tar.getmembers():
            if m.isfile():
                info = zipfile.ZipInfo(m.name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = (m.mode & 0o777 | 0o100000) << 16
                z.writestr(info, tar.extractfile(m).read())
        for script in ("setup.sh", "run_autograder"):
            info = zipfile.ZipInfo(script, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o100755 << 16
            z.writestr(info, open(os.path.join(ROOT, "scripts", "autograder", script), "rb").read())
        if a.lab is not None:
            z.writestr("autograder-lab", f"{a.lab}\n")
    print(f"{a.out}: the Gradescope autograder bundle"
          + (f" for lab {a.lab}" if a.lab is not None else " (the lab from each submission's labs/current)"))


if __name__ == "__main__":
    main()
