# tree.sh: a directory tree made, copied, moved, listed and removed with
# busybox's tools, in ./kt-tree and $TMPDIR/kt-tree (TMPDIR: /tmp in the
# guest, a private folder when the grader runs it on the host, so that two
# runs never share it). Run as: sh tree.sh
# Listings go through sort or ls (which sorts); no sizes of directories,
# no times, and paths under $U printed relative to it.
export LC_ALL=C
T=kt-tree
U=${TMPDIR:-/tmp}/kt-tree
rm -rf $T $U

step() { echo "-- $*"; }

step make the tree
mkdir -p $T/src/a/b/c $T/src/empty $T/dst
echo "top file" > $T/src/top.txt
echo "in a" > $T/src/a/a.txt
printf 'line 1\nline 2\nline 3\n' > $T/src/a/b/b.txt
seq 1 1000 > $T/src/a/b/c/numbers
ln -s ../top.txt $T/src/a/link-to-top
ln $T/src/top.txt $T/src/hardlink
echo "mkdir -p again: $(mkdir -p $T/src/a/b/c; echo $?)"
find $T | sort
ls -R $T/src

step copy it with cp -r
cp -r $T/src $T/dst/copy
find $T/dst | sort
diff -r $T/src $T/dst/copy && echo "diff -r: same"
readlink $T/dst/copy/a/link-to-top
cat $T/dst/copy/a/link-to-top
stat -c '%n %F %h %s' $T/src/top.txt $T/src/hardlink $T/dst/copy/top.txt $T/dst/copy/hardlink

step move within the tree
mv $T/dst/copy/a $T/dst/moved-a
mv $T/dst/copy $T/dst/renamed
find $T/dst | sort
cat $T/dst/moved-a/b/b.txt
echo "the old names: $(ls $T/dst/copy 2>/dev/null; echo $?)"

step move to /tmp and back, across file systems in the guest
mkdir -p $U
mv $T/dst/moved-a $U/
cp -r $T/src $U/src-copy
(cd $U && find . | sort)
wc -l < $U/moved-a/b/c/numbers
diff -r $T/src $U/src-copy && echo "diff -r with the /tmp copy: same"
mv $U/src-copy $T/back
diff -r $T/src $T/back && echo "diff -r after moving back: same"
ls $U

step find
find $T -type f | sort
find $T -type l | sort
find $T -type d -name 'b' | sort
find $T -name '*.txt' -type f | sort | xargs cat
find $T/src -newer $T/src/top.txt -name nothing
find $T -type f | wc -l

step rm -r
rm -r $T/dst $U
find $T | sort
rm -r $T
ls $T 2>&1
echo "ls status: $?"
ls -d $T $U 2>/dev/null
echo "done"
