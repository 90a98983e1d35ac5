# bench_workload.sh: the larger workload of `make bench-linux` (not a
# test), run by busybox sh under Kestrel and under Linux in the same QEMU.
# Each "bench-step:" line starts a step; scripts/bench_linux.py times the
# steps by when their lines reach the host, so the guest's clock plays no
# part. The data (a few MB: numbers and a copy of busybox) is made first,
# in $TMPDIR or /tmp (a tmpfs under both kernels).
echo "bench-step: start"
W=${TMPDIR:-/tmp}/kt-bench
rm -rf $W
mkdir -p $W/data
echo "bench-step: setup"
seq 1 300000 > $W/data/numbers
cp /bin/busybox $W/data/busybox
echo "bench-step: 200x /bin/true"
i=0
while [ $i -lt 200 ]; do
	/bin/true
	i=$((i + 1))
done
echo "bench-step: tar cf"
tar cf $W/data.tar -C $W data
echo "bench-step: gzip"
gzip -c $W/data.tar > $W/data.tar.gz
echo "bench-step: done"
rm -rf $W
