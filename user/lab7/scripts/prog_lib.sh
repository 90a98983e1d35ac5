# prog_lib.sh: what the Lab 7 Part D scripts share (sourced, not run).
# They run as the kernel's first process (no rcS: they mount /proc, /sys
# and /dev/shm themselves when missing) and on the host, in a copy of the
# image's tree, where the three are always there: nothing is mounted
# there. A script starts processes whose state it knows (a sleeping, a
# stopped and a zombie process, a process with named threads), runs the
# real programs, and prints what must be the same on both machines: the
# programs' header lines, the structure of their lines (numbers shown as
# N), and checks of the values that must agree (our processes' pids,
# parents, states, names and thread counts) as "what: ok" or "what: BAD
# (the failed test)". Processes, pids, sizes and times of the two
# machines differ; the test's own processes do not.

export LC_ALL=C
exec 0</dev/null            # the console in the guest, /dev/null on the host

[ -e /proc/self/stat ] || mount -t proc proc /proc
[ -e /sys/devices/system/cpu ] || mount -t sysfs sysfs /sys
grep -q ' /dev/shm ' /proc/mounts 2>/dev/null || mount -t tmpfs -o mode=1777 tmpfs /dev/shm

root=$PWD                   # "/" in the guest, the image's copy on the host
[ "$root" = / ] && root=
lab7=$root/usr/lib/kestrel/lab7
dir=${TMPDIR:-/tmp}/kt-lab7-$name     # $name: set by the script
rm -rf "$dir"
mkdir -p "$dir"
me=$(id -un)

# check WHAT TEST...: "WHAT: ok" if TEST (a command) succeeds.
check() {
	what=$1
	shift
	if "$@"; then echo "$what: ok"; else echo "$what: BAD ($*)"; fi
}

# structure: every number becomes N and runs of blanks one blank, so that
# two machines' lines compare (a full field touches its label: top's
# "ni,100.0 id" and "%Cpu(s):100.0 us" are "ni, 99.0 id", "%Cpu(s): 99.0 us"
# elsewhere).
structure() {
	sed -E 's/[0-9]+([.,:][0-9]+)*/N/g; s/([,:])N/\1 N/g; s/[[:space:]]+/ /g; s/ $//'
}

# field PID N < FILE: field N of FILE's line whose first field is PID.
field() {
	awk -v p="$1" -v n="$2" '$1 == p { print $n; exit }'
}

# wait_for TEST...: polls TEST every 50 ms for at most 10 s.
wait_for() {
	i=0
	while ! "$@"; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "gave up waiting for: $*"; return 1; }
		sleep 0.05
	done
}

# state PID: the state letter of /proc/PID/stat (after the ")" of comm).
state() {
	sed -E 's/.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null
}

# has_comm PID NAME: PID's /proc/PID/comm is NAME.
has_comm() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}

# in_state PID LETTER: PID's state is LETTER.
in_state() {
	[ "$(state "$1")" = "$2" ]
}

# start_processes: $S sleeps, $T is stopped, $Z (a sleep) has a zombie
# child $ZC, and $P (prog_threads) has three named threads. Each sleep
# has an argument that no other process of the machine has (1000$$...).
start_processes() {
	sleep 1000$$ &
	S=$!
	sleep 2000$$ &
	T=$!
	# The shell's child is a shell until it has exec'd sleep.
	wait_for has_comm $S sleep
	wait_for has_comm $T sleep
	kill -STOP $T
	( sleep 0 & exec sleep 3000$$ ) &
	Z=$!
	"$lab7/prog_threads" > "$dir/ready" &
	P=$!
	wait_for [ -s "$dir/ready" ]
	wait_for in_state $T T
	ZC=
	wait_for zombie_found
	cat "$dir/ready"
}

zombie_found() {
	for f in /proc/[0-9]*/stat; do
		set -- $(sed -E 's/.*\) //' "$f" 2>/dev/null)
		[ "$1" = Z ] && [ "$2" = "$Z" ] && ZC=${f#/proc/} && ZC=${ZC%/stat} && return 0
	done
	return 1
}

stop_processes() {
	kill $S $P $Z 2>/dev/null
	kill -9 $T 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
}
