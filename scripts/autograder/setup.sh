#!/usr/bin/env bash
# Gradescope's autograder image runs this once, as root, when the
# instructor uploads the bundle (make autograder): the course's Debian
# packages. The bundle's files are in $AUTOGRADER/source. AUTOGRADER (by
# default /autograder) lets make test run it against a scratch folder.
set -euo pipefail
AUTOGRADER=${AUTOGRADER:-/autograder}
"$AUTOGRADER/source/scripts/setup.sh"
