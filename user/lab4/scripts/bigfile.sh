# bigfile.sh: an 8 MiB file made with dd from a deterministic stream,
# checksummed with md5sum and sha256sum, copied with cat, cp and dd (odd
# block sizes), and compared. In ./kt-bigfile and $TMPDIR/kt-bigfile
# (/tmp in the guest; a private folder when the grader runs it on the host).
# Run as: sh bigfile.sh
export LC_ALL=C
T=kt-bigfile
U=${TMPDIR:-/tmp}/kt-bigfile
rm -rf $T $U
mkdir $T $U

# A 64 KiB block of numbered lines; then 132 copies of it, each followed
# by its own number so that no two 64 KiB stretches are alike. dd cuts
# exactly 8 MiB out of the stream: with the image's 4 KiB blocks, the
# file reaches past its double indirect block (from 4.05 MiB on), and so
# does the overwrite in place at 5,000,000 below.
seq -w 0 8191 | sed 's/^/line /' | head -c 65536 > $T/block
wc -c $T/block
i=0
while [ $i -lt 132 ]; do
	cat $T/block
	echo "block $i"
	i=$((i + 1))
done | dd of=$T/big bs=65536 count=128 iflag=fullblock 2>/dev/null
echo "dd: $?"
wc -c $T/big
md5sum $T/big
sha256sum $T/big

cat $T/big > $T/cat-copy
cmp $T/big $T/cat-copy && echo "cat copy: same"
dd if=$T/big of=$T/dd-copy bs=12345 2>/dev/null
cmp $T/big $T/dd-copy && echo "dd bs=12345 copy: same"
cp $T/big $U/big
cmp $T/big $U/big && echo "cp to /tmp: same"
md5sum < $U/big
cat $U/big $T/big | wc -c

# Pieces: the middle, the end, an overwrite in place.
dd if=$T/big bs=4096 skip=1000 count=3 2>/dev/null | md5sum
tail -c 1000 $T/big | md5sum
head -c 1000000 $T/big | tail -c 10
echo
printf 'XYZ' | dd of=$T/dd-copy bs=1 seek=5000000 conv=notrunc 2>/dev/null
wc -c $T/dd-copy
cmp $T/big $T/dd-copy
md5sum < $T/dd-copy
dd if=/dev/zero of=$T/zero bs=1M count=3 2>/dev/null
md5sum < $T/zero
tr '\0' 'k' < $T/zero | md5sum

rm -r $T $U
ls -d $T $U 2>/dev/null
echo "done"
