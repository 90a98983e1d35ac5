#!/usr/bin/env bash
# make lab-N (in the student repository): save the work on the current lab's
# branch and move to branch lab-N, which starts from a working checkpoint
# (the reference solutions of every earlier lab). In a clone, lab-N comes
# from origin/lab-N the first time; labs are released one at a time, so a
# lab not on origin yet has not been released.
set -eu
target=$1
if ! [[ $target =~ ^[0-9]+$ ]]; then
	echo "make lab-N takes a lab number, e.g. make lab-2."
	exit 1
fi
if [ ! -f labs/current ]; then
	echo "make lab-$target works in the student repository, where each lab is a branch."
	echo "This looks like the instructor tree: run 'make checkpoints' to build one (build/student-repo)."
	exit 1
fi
current=$(cat labs/current)

has_ref() { git rev-parse --verify -q "$1" >/dev/null; }
has_origin() { git remote | grep -qx origin; }
known_labs() {   # every lab-N this clone knows of, here or on origin, in order
	git for-each-ref --format='%(refname:lstrip=-1)' 'refs/heads/lab-*' 'refs/remotes/origin/lab-*' |
		sort -u -V | tr '\n' ' '
}

if [ "$target" = "$current" ] && has_ref "refs/heads/lab-$target"; then
	echo "You are on lab-$target already."
	exit 0
fi
if ! has_ref "refs/heads/lab-$target" && has_origin; then
	# Labs are released as the course goes on: ask origin what is out now.
	GIT_TERMINAL_PROMPT=0 timeout 60 git fetch -q origin ||
		echo "(could not reach origin to look for new labs: using what this clone knows)"
fi
if ! has_ref "refs/heads/lab-$target" && ! has_ref "refs/remotes/origin/lab-$target"; then
	echo "Lab $target has not been released yet: there is no branch lab-$target here or on origin."
	echo "Released so far: $(known_labs)"
	echo "When your instructor releases it, run make lab-$target again."
	exit 1
fi
if [ -n "$(git status --porcelain)" ]; then
	git add -A
	git commit -q -m "My work on lab $current (saved by make lab-$target)"
	echo "Saved your work on branch lab-$current."
fi
if has_ref "refs/heads/lab-$target"; then
	git checkout -q "lab-$target"
else
	git checkout -q -b "lab-$target" --track "origin/lab-$target"
fi
echo "Now on lab-$target. Start with the handout's Lab $target page; 'make grade' grades lab $target."
if [ "$target" -gt "$current" ]; then
	echo "lab-$target holds the reference solutions of labs before $target, so everything earlier works."
	echo "To use your own lab $current code instead: git merge lab-$current  (then fix conflicts in the exercise regions)."
fi
