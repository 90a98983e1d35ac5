# prog_busybox.sh: busybox's programs that read /proc and /sys (ps, top,
# free, uptime, pidof, mount, df, nproc) and an lsof-like walk of
# /proc/*/fd, compared with Linux by structure (prog_lib.sh says how).
# Run as: sh prog_busybox.sh
name=busybox
. "${PWD%/}/usr/lib/kestrel/lab7/prog_lib.sh"
start_processes

echo "-- busybox ps"
busybox ps > "$dir/ps"
head -1 "$dir/ps"
check "ps: the sleeping process, its user" [ "$(field $S 2 < "$dir/ps")" = "$(echo "$me" | cut -c1-8)" ]
check "ps: its command line" [ "$(awk -v p=$S '$1 == p { print $3, $4 }' "$dir/ps")" = "sleep 1000$$" ]
check "ps: prog_threads' command line" [ "$(field $P 3 < "$dir/ps")" = "$lab7/prog_threads" ]
check "ps: the zombie shown as [sleep]" [ "$(field $ZC 3 < "$dir/ps")" = "[sleep]" ]

busybox ps -o pid,ppid,stat,comm > "$dir/pso"
head -1 "$dir/pso"
for p in S T Z ZC P; do
	eval pid=\$$p
	awk -v p=$pid -v role=$p '$1 == p { print "ps -o: " role ": state " substr($3, 1, 1) ", command " $4 }' "$dir/pso"
done
check "ps -o: the parent of the sleeping, stopped and threaded processes is this shell" \
	[ "$(field $S 2 < "$dir/pso") $(field $T 2 < "$dir/pso") $(field $P 2 < "$dir/pso")" = "$$ $$ $$" ]
check "ps -o: the zombie's parent" [ "$(field $ZC 2 < "$dir/pso")" = $Z ]
# Only this shell's children's threads: on the host, other tests run the same program.
busybox ps -T -o pid,ppid,comm | awk -v sh=$$ '$2 == sh && $3 ~ /^worker-[123]$/' | wc -l |
	sed 's/^ */ps -T: threads named worker-N: /'

echo "-- busybox top -n 1 -b"
busybox top -n 1 -b > "$dir/top"
head -4 "$dir/top" | structure
check "top: the sleeping process, its parent and state" [ "$(awk -v p=$S '$1 == p { print $2, $4 }' "$dir/top")" = "$$ S" ]
check "top: the stopped process" [ "$(field $T 4 < "$dir/top")" = T ]

echo "-- busybox free"
busybox free > "$dir/free"
structure < "$dir/free"
check "free: total is /proc/meminfo's MemTotal" \
	[ "$(awk '$1 == "Mem:" { print $2 }' "$dir/free")" = "$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)" ]

echo "-- busybox uptime"
busybox uptime > "$dir/uptime"
check "uptime: time, up, users and three load averages" \
	grep -qE '^ [0-9]{2}:[0-9]{2}:[0-9]{2} up .*, +[0-9]+ users?, +load average: [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}$' "$dir/uptime"

echo "-- busybox pidof"
# (lists, not equals: the host may run another test's prog_threads at the same time)
check "pidof prog_threads" grep -qw $P <<EOF
$(busybox pidof prog_threads)
EOF
busybox pidof sleep | tr ' ' '\n' > "$dir/pidof"
check "pidof sleep: the sleeping, stopped and zombie's parent sleeps" \
	[ "$(grep -cxE "$S|$T|$Z" "$dir/pidof")" = 3 ]

echo "-- busybox mount"
busybox mount > "$dir/mount"
check "mount: every line is DEV on DIR type TYPE (OPTIONS)" [ "$(grep -cvE '^[^ ]+ on [^ ]+ type [^ ]+ \([^ ]+\)$' "$dir/mount")" = 0 ]
grep -E ' on (/proc|/sys|/dev/shm) type ' "$dir/mount" | cut -d'(' -f1 | sort -u
check "mount: the root file system" grep -q ' on / type ' "$dir/mount"

echo "-- busybox df"
busybox df / /dev/shm > "$dir/df"
head -1 "$dir/df"
tail -n +2 "$dir/df" | awk '{ $1 = "DEV"; print }' | structure
check "df: used + available <= size" [ "$(awk 'NR > 1 && $3 + $4 > $2' "$dir/df")" = "" ]
busybox df -h /dev/shm | sed -E '2s/[0-9.]+[KMGT]?/N/g' | awk '{ if (NR > 1) $1 = "DEV"; print }' | structure

echo "-- busybox nproc"
n=$(busybox nproc)
check "nproc: /proc/cpuinfo has as many processors" [ "$(grep -c '^processor' /proc/cpuinfo)" = "$n" ]
online=$(cat /sys/devices/system/cpu/online)
check "nproc: /sys/devices/system/cpu/online lists as many" [ "$(echo "$online" | awk -F, '{
	for (i = 1; i <= NF; i++) { split($i, r, "-"); n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }')" = "$n" ]

echo "-- an lsof-like walk of /proc/*/fd"
exec 7< "$root/usr/share/kestrel/hello.txt"
# busybox ls -l of every fd directory: "/proc/PID/fd:" then one line per
# fd, "... FD -> TARGET". Others' directories are unreadable for a user.
ls -l /proc/[0-9]*/fd 2>/dev/null | awk -v root="$root" '
	/^\/proc\/[0-9]+\/fd:$/ { split($0, d, "/"); pid = d[3]; next }
	(n = index($0, " -> ")) > 0 {
		k = split(substr($0, 1, n - 1), a, " ")
		target = substr($0, n + 4)
		if (root != "" && index(target, root "/") == 1)
			target = substr(target, length(root) + 1)
		print pid, a[k], target
	}' > "$dir/fds"
check "walk: more than our own processes seen" [ "$(cut -d' ' -f1 "$dir/fds" | sort -u | wc -l)" -gt 5 ]
awk -v me=$$ '$1 == me && $2 < 10 { t = $3; sub(/\[[0-9]+\]/, "[N]", t); print "walk: this shell: fd", $2, t }' "$dir/fds" | sort -k5n
check "walk: the sleeping process's fd 1 is this shell's (the same pipe)" \
	[ "$(awk -v p=$S '$1 == p && $2 == 1 { print $3 }' "$dir/fds")" = "$(awk -v p=$$ '$1 == p && $2 == 1 { print $3 }' "$dir/fds")" ]
check "walk: prog_threads' fd 1 is the file it writes" \
	[ "$(awk -v p=$P '$1 == p && $2 == 1 { print $3 }' "$dir/fds")" = "$dir/ready" ]
exec 7<&-

stop_processes
echo "busybox: done"
