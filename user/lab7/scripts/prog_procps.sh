# prog_procps.sh: Debian's procps (ps, free, top, pgrep, pmap: libproc2
# reading /proc), compared with Linux by structure (prog_lib.sh says how).
# Run as: sh prog_procps.sh
name=procps
. "${PWD%/}/usr/lib/kestrel/lab7/prog_lib.sh"
start_processes
# Full paths: busybox's shell runs its own applet for a plain ps, free or top.
PS=/usr/bin/ps

echo "-- ps aux"
$PS aux > "$dir/aux"
head -1 "$dir/aux"
for p in S T ZC P; do
	eval pid=\$$p
	# USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND...
	awk -v p=$pid -v role=$p '$2 == p { print "ps aux: " role ": " NF - 10 " words of command, tty " $7 ", state " $8 ", start " \
		($9 ~ /^[0-9][0-9]:[0-9][0-9]$/ ? "HH:MM" : $9) ", time " ($10 ~ /^[0-9]+:[0-9][0-9]$/ ? "M:SS" : $10) \
		", %cpu " ($3 ~ /^[0-9]+\.[0-9]$/ ? "N.N" : $3) ", %mem " ($4 ~ /^[0-9]+\.[0-9]$/ ? "N.N" : $4) \
		", vsz " ($5 > 0 ? ">0" : $5) ", rss " ($6 > 0 ? ">0" : $6) }' "$dir/aux"
done
check "ps aux: the sleeping process's command" [ "$(awk -v p=$S '$2 == p { print $11, $12 }' "$dir/aux")" = "sleep 1000$$" ]
check "ps aux: the zombie's command" [ "$(awk -v p=$ZC '$2 == p { print $11, $12 }' "$dir/aux")" = "[sleep] <defunct>" ]
check "ps aux: the threaded process's command" [ "$(awk -v p=$P '$2 == p { print $11 }' "$dir/aux")" = "$lab7/prog_threads" ]
check "ps -o uid: the sleeping process is ours" [ "$($PS -o uid= -p $S | tr -d ' ')" = "$(id -u)" ]
check "ps -o pgid,sid: the sleeping process's group and session are this shell's" \
	[ "$($PS -o pgid=,sid= -p $S)" = "$($PS -o pgid=,sid= -p $$)" ]
check "ps -o ppid: the stopped process's parent" [ "$($PS -o ppid= -p $T | tr -d ' ')" = $$ ]
$PS --ppid $$ -o comm= > "$dir/children"
sort "$dir/children" | tr '\n' ' ' | sed 's/^/ps --ppid: this shell'\''s children: /; s/ $//'
echo

echo "-- ps -eLf"
$PS -eLf > "$dir/elf"
head -1 "$dir/elf"
# UID PID PPID LWP C NLWP STIME TTY TIME CMD
awk -v p=$P '$2 == p { n++; lwp[$4] = 1; nlwp[$6] = 1; ppid = $3; if ($4 == p) leader = 1 }
	END { k = 0; for (l in lwp) k++; m = 0; for (l in nlwp) m++
	      print "ps -eLf: prog_threads: " n " lines, " k " different LWPs, NLWP " (m == 1 ? "the same on each" : "differs") \
	            (leader ? ", one LWP is the pid" : ", BAD: no LWP is the pid") }' "$dir/elf"
check "ps -eLf: NLWP is 4" [ "$(awk -v p=$P '$2 == p && $4 == p { print $6 }' "$dir/elf")" = 4 ]
check "ps -eLf: its parent is this shell" [ "$(awk -v p=$P '$2 == p && $4 == p { print $3 }' "$dir/elf")" = $$ ]
$PS -L -o comm= -p $P | sort | tr '\n' ' ' | sed 's/^/ps -L: thread names: /; s/ $//'
echo
$PS -o nlwp=,stat= -p $P | sed 's/^ */ps -o nlwp,stat: /'

echo "-- free -m"
/usr/bin/free -m > "$dir/free"
structure < "$dir/free"
check "free -m: total is MemTotal in MiB" [ "$(awk -v kb="$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)" \
	'$1 == "Mem:" { d = $2 - kb / 1024; print (d > -1 && d < 1) ? "yes" : "no: " $2 " MiB, " kb " kB" }' "$dir/free")" = yes ]
# procps 4: used is total - available (MemTotal - MemAvailable).
/usr/bin/free | awk '$1 == "Mem:" { print "free: used + available = total:", ($3 + $7 == $2 ? "ok" : "BAD: " $0) }'

echo "-- top -bn1"
/usr/bin/top -bn1 > "$dir/top"
sed -n 1p "$dir/top" | sed -E 's/ up .*, +[0-9]+ users?, / up UPTIME, N users, /' | structure
sed -n 2,7p "$dir/top" | structure
awk '$1 == "Tasks:" { print "top: Tasks: at least one stopped and one zombie:", ($8 >= 1 && $10 >= 1 ? "ok" : "BAD: " $0) }' "$dir/top"
for p in S T ZC P; do
	eval pid=\$$p
	# PID USER PR NI VIRT RES SHR S %CPU %MEM TIME+ COMMAND
	awk -v p=$pid -v role=$p '$1 == p { print "top: " role ": state " $8 ", command " $12 }' "$dir/top"
done
/usr/bin/top -H -bn1 -p $P | awk -v p=$P 'NR > 7 && NF >= 12 { print $12 }' | sort | tr '\n' ' ' | sed 's/^/top -H -p: threads: /; s/ $//'
echo

echo "-- pgrep"
check "pgrep -f: the sleeping process by its argument" [ "$(pgrep -f "sleep 1000$$")" = $S ]
check "pgrep -x -P: this shell's three sleeps" [ "$(pgrep -x -P $$ sleep | sort -n | tr '\n' ' ')" = \
	"$(printf '%s\n' $S $T $Z | sort -n | tr '\n' ' ')" ]
check "pgrep -r T: the stopped one" [ "$(pgrep -r T -P $$)" = $T ]
check "pgrep -P: the zombie's parent's child" [ "$(pgrep -P $Z)" = $ZC ]
# -w lists threads (matched by their own names, or with -f by the command line).
pgrep -w -f "^$lab7/prog_threads\$" | sort -n > "$dir/tids"
check "pgrep -w -f: prog_threads' threads are ps -eLf's LWPs" [ "$(cat "$dir/tids" | tr '\n' ' ')" = \
	"$(awk -v p=$P '$2 == p { print $4 }' "$dir/elf" | sort -n | tr '\n' ' ')" ]
wc -l < "$dir/tids" | sed 's/^/pgrep -w -f: threads: /'
check "pgrep -a: the command line" [ "$(pgrep -a -f "sleep 2000$$")" = "$T sleep 2000$$" ]

echo "-- pmap"
/usr/bin/pmap $P > "$dir/pmap"
check "pmap: the first line is PID: COMMAND" [ "$(head -1 "$dir/pmap")" = "$P:   $lab7/prog_threads" ]
# ADDRESS SIZE MODE NAME; file mappings by name, others as [ anon ], [ stack ]...
awk 'NR > 1 && $1 != "total" && $4 != "[" { print $4 }' "$dir/pmap" | sort -u | tr '\n' ' ' | sed 's/^/pmap: files: /; s/ $//'
echo
check "pmap: a [ stack ]" grep -q ' \[ stack \]$' "$dir/pmap"
check "pmap: libc's text (r-x--)" grep -qE ' r-x-- +libc\.so\.6$' "$dir/pmap"
awk 'NR > 1 && $1 != "total" { sum += $2 } $1 == "total" { total = $2 }
	END { print "pmap: total is the sum of the mappings:", (sum "K" == total ? "ok" : "BAD: " sum "K, total " total) }' "$dir/pmap"

stop_processes
echo "procps: done"
