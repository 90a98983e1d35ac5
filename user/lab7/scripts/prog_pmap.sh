# prog_pmap.sh: which of a process's mappings pmap (that is,
# /proc/PID/maps) names after a file. On Linux every page of an ELF
# segment that holds bytes of the file is mapped from the file, the last,
# partial one too (the bytes past the segment's end are zeroed in memory):
# the program's and the dynamic loader's five segments each show their
# file's name, with their modes, and so do libc's, which ld.so maps.
# Compared with Linux. Run as: sh prog_pmap.sh
name=pmap
. "${PWD%/}/usr/lib/kestrel/lab7/prog_lib.sh"
"$lab7/prog_threads" > "$dir/ready" &
P=$!
wait_for [ -s "$dir/ready" ]
/usr/bin/pmap $P > "$dir/pmap"
for file in prog_threads ld-linux-x86-64.so.2 libc.so.6; do
	awk -v f=$file '$4 == f { m = m " " $3 } END { print "pmap: " f ":" m }' "$dir/pmap"
done
kill $P
wait
rm -rf "$dir"
