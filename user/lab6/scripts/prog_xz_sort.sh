# prog_xz_sort.sh: two Debian programs that split their work among
# threads, each compared with Linux through its output's checksums. In
# $TMPDIR/kt-xz-sort (a tmpfs in the guest). Run as: sh prog_xz_sort.sh
#
# xz compresses a generated file of about 2 MB with two threads (-T2,
# 256 KiB blocks: several blocks in flight) and decompresses it with two;
# the compressed bytes are the same as on Linux (xz's threaded output
# depends only on its options), and so is the round trip. xz says
# "Cannot allocate memory" when it cannot make its threads.
#
# GNU sort (Debian's /usr/bin/sort; busybox's applet answers to plain
# "sort") sorts 100,000 generated numbers with --parallel=2: two threads
# sort halves that a third merges. (If pthread_create fails, sort quietly
# sorts in one thread: only xz's half of this test sees a kernel without
# threads.)
export LC_ALL=C
dir=${TMPDIR:-/tmp}/kt-xz-sort
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir" || exit 1
echo "-- xz"
seq 1 60000 | awk '{ print $1, $1 * 7 % 1000, "a line of generated text" }' > data
sha256sum data
wc -c < data
/usr/bin/xz -T2 -1 --block-size=256KiB -k data
echo "xz -T2: status $?"
sha256sum data.xz
/usr/bin/xz --robot --list data.xz | cut -f1-5
/usr/bin/xz -T2 -d -c data.xz | sha256sum
/usr/bin/xz -t data.xz && echo "xz -t: ok"
echo "-- sort"
awk 'BEGIN { x = 1; for (i = 0; i < 100000; i++) { x = (x * 69069 + 1) % 4294967296; print x % 1000003, i } }' > numbers
wc -l < numbers
/usr/bin/sort --parallel=2 -S 4M -n -k1,1 -k2,2 numbers > sorted
echo "sort --parallel=2 -n: status $?"
sha256sum sorted
head -3 sorted
tail -3 sorted
/usr/bin/sort --parallel=2 -S 4M -r numbers | sha256sum
/usr/bin/sort -c -n -k1,1 -k2,2 sorted && echo "sort -c: in order"
cd / && rm -rf "$dir"
