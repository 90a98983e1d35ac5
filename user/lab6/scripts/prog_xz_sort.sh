# prog_xz_sort.sh: two Debian programs that split their work among
# threads, each compared with Linux through its output's checksums. In
# $TMPDIR/kt-xz-sort (a tmpfs in the guest). Run as: sh prog_xz_sort.sh
#
# xz compresses 1.5 MiB of the image's files (the 1 MiB test file
# "indirect" and the start of busybox) with two threads (-T2, 256 KiB
# blocks: several blocks in flight) and decompresses it with two; the
# compressed bytes are the same as on Linux (xz's threaded output depends
# only on its options), and so is the round trip. xz says
# "Cannot allocate memory" when it cannot make its threads.
#
# GNU sort (Debian's /usr/bin/sort; busybox's applet answers to plain
# "sort") sorts the 81,000 lines `strings` finds in busybox and python3
# with --parallel=2: two threads sort halves that a third merges. (The
# files are read where they are, so that nothing slow under TCG, such
# as an awk loop, makes the data.) (If pthread_create fails, sort quietly
# sorts in one thread: only xz's half of this test sees a kernel without
# threads.)
export LC_ALL=C
dir=${TMPDIR:-/tmp}/kt-xz-sort
root=$PWD           # "/" in the guest, a copy of the image's tree on the host
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir" || exit 1
echo "-- xz"
{ cat "$root/usr/share/kestrel/indirect"; head -c 524288 "$root/bin/busybox"; } > data
sha256sum data
wc -c < data
/usr/bin/xz -T2 -1 --block-size=256KiB -k data
echo "xz -T2: status $?"
sha256sum data.xz
/usr/bin/xz --robot --list data.xz | cut -f1-5
/usr/bin/xz -T2 -d -c data.xz | sha256sum
/usr/bin/xz -t data.xz && echo "xz -t: ok"
echo "-- sort"
strings "$root/bin/busybox" "$root/usr/bin/python3.11" > lines
wc -l < lines
/usr/bin/sort --parallel=2 -S 4M lines > sorted
echo "sort --parallel=2: status $?"
sha256sum sorted
/usr/bin/sort --parallel=2 -S 4M -r -u lines > unique
sha256sum unique
wc -l < unique
/usr/bin/sort -c sorted && echo "sort -c: in order"
cd / && rm -rf "$dir"
