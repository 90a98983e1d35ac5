# manyfiles.sh: 500 files in one directory: made with touch and with the
# shell's own redirections, counted, listed (ls sorts), partly removed, then
# removed with rm -r. In ./kt-manyfiles. Run as: sh manyfiles.sh
export LC_ALL=C
T=kt-manyfiles
rm -rf $T
mkdir $T

i=0
while [ $i -lt 250 ]; do
	touch $T/file-$i
	echo "this is number $i" > $T/text-$i
	i=$((i + 1))
done
echo "ls | wc -l: $(ls $T | wc -l)"
echo "ls -a | wc -l: $(ls -a $T | wc -l)"
ls $T | head -n 5
ls $T | tail -n 5
ls $T | sort -t- -k2 -n | head -n 3
cat $T/text-* | wc -l
cat $T/text-* | md5sum
find $T -type f -size 0 | wc -l
find $T -name 'text-1?' | sort

rm $T/file-1*
echo "after rm file-1*: $(ls $T | wc -l)"
for f in $T/text-2*; do
	mv $f $f.moved
done
ls $T | grep -c moved
touch $T/file-10
ls $T/file-10 $T/file-11 2>&1
rm -r $T
ls $T 2>&1
echo "done"
