#!/usr/bin/env bash
# make lab-N (in the student repository): save the work on the current lab's
# branch and move to branch lab-N, which starts from a working checkpoint
# (the reference solutions of every earlier lab).
set -eu
target=$1
if [ ! -f labs/current ]; then
	echo "make lab-$target works in the student repository, where each lab is a branch."
	echo "This looks like the instructor tree: run 'make checkpoints' to build one (build/student-repo)."
	exit 1
fi
current=$(cat labs/current)
if ! git rev-parse --verify -q "refs/heads/lab-$target" >/dev/null; then
	echo "There is no branch lab-$target. Labs: $(git branch --list 'lab-*' --format='%(refname:short)' | tr '\n' ' ')"
	exit 1
fi
if [ -n "$(git status --porcelain)" ]; then
	git add -A
	git commit -q -m "My work on lab $current (saved by make lab-$target)"
	echo "Saved your work on branch lab-$current."
fi
git checkout -q "lab-$target"
echo "Now on lab-$target. Start with the handout's Lab $target page; 'make grade' grades lab $target."
if [ "$target" -gt "$current" ]; then
	echo "lab-$target holds the reference solutions of labs before $target, so everything earlier works."
	echo "To use your own lab $current code instead: git merge lab-$current  (then fix conflicts in the exercise regions)."
fi
