# prog_make.sh: GNU make (Debian's) runs the recipes of a small Makefile
# with -j2: it starts each recipe's /bin/sh with posix_spawn (clone3 with
# CLONE_VM|CLONE_VFORK) and waits for them; a recursive make talks to its
# parent through the jobserver pipe. Then an incremental rebuild, nothing
# to do, and a failing recipe (make's status 2). In $TMPDIR/kt-make (a
# tmpfs in the guest). Run as: sh prog_make.sh
export LC_ALL=C
dir=${TMPDIR:-/tmp}/kt-make
rm -rf "$dir"
mkdir -p "$dir/sub"
cd "$dir" || exit 1
echo "three little words" > src.txt
# Recipes start with a tab.
printf '%s\n' \
	'all: out/a out/b out/c out/d out/joined sub' \
	'out:' \
	'	mkdir -p out' \
	'out/a: | out' \
	'	echo alpha > $@' \
	'out/b: src.txt | out' \
	'	tr a-z A-Z < src.txt > $@' \
	'out/c: | out' \
	'	echo gamma > $@' \
	'out/d: | out' \
	'	echo delta > $@' \
	'out/joined: out/a out/b out/c out/d' \
	'	cat out/a out/b out/c out/d > $@' \
	'sub:' \
	'	$(MAKE) --no-print-directory -C sub' \
	'bad:' \
	'	false' \
	'.PHONY: all sub bad' > Makefile
printf '%s\n' \
	'all: one two' \
	'one:' \
	'	echo sub-one > one' \
	'two:' \
	'	echo sub-two > two' > sub/Makefile
make -s -j2
echo "make -j2: status $?"
cat out/joined sub/one sub/two
sleep 1        # a second later: a newer mtime on any file system
echo "two little words" > src.txt
echo "-- src.txt changed: only what depends on it is rebuilt"
make -j2 --no-print-directory out/joined
echo "status $?"
cat out/joined
echo "-- again"
make -j2 --no-print-directory out/joined
echo "-- a failing recipe"
make -j2 --no-print-directory bad
echo "status $?"
cd / && rm -rf "$dir"
