# time_bash.sh (run by bash): bash's `time` builtin, which reads the
# clock (gettimeofday, through the vDSO) and the CPU times of the shell
# and its children (getrusage), printing real, user and sys sanely: a
# sleep is real time, not CPU time; a subshell spinning for 0.5 s of
# CPU time shows as much user time (a child's times, gathered at wait);
# the shell spinning itself too. Times vary: only yes/no is printed.
TIMEFORMAT='%3R %3U %3S'
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

ms() { local v=${1/./}; echo $((10#$v)); }      # "0.304" -> 304

check() {   # what value low high (milliseconds)
	if (( $2 >= $3 && $2 <= $4 )); then echo "$1: yes"; else echo "$1: no ($2 ms)"; fi
}

# Sets cpu to the CPU time in ms of this shell and the children it waited
# for, from the times builtin (two lines of "0m0.123s 0m0.004s"). It must
# run in this shell: $(...) would measure a new subshell. A subshell's
# bash counts its own time on either line, so both are added.
cpu_ms() {
	times > "$tmp"
	local u s
	cpu=0
	while read -r u s; do
		u=${u#*m} s=${s#*m}
		cpu=$(( cpu + $(ms "${u%s}") + $(ms "${s%s}") ))
	done < "$tmp"
}

# Spins in this shell until $1 more ms of CPU time are used.
spin_cpu() {
	cpu_ms
	local end=$(( cpu + $1 ))
	while (( cpu < end )); do
		for ((i = 0; i < 3000; i++)); do :; done
		cpu_ms
	done
}

timed() { { time "$@"; } 2> "$tmp"; read -r real user sys < "$tmp"; }

timed sleep 0.5
r=$(ms "$real")
check "time sleep 0.5: real within [0.49, 5] s" "$r" 490 5000
check "  the sleep itself is not CPU time: real - user - sys at least 0.45 s" \
	$(( r - $(ms "$user") - $(ms "$sys") )) 450 2000

timed_subshell() { { time ( spin_cpu "$1" ); } 2> "$tmp"; read -r real user sys < "$tmp"; }
timed_subshell 500
r=$(ms "$real") u=$(ms "$user") s=$(ms "$sys")
check "time ( spin 0.5 s of CPU ): real at least 0.49 s" "$r" 490 10000
# Up to twice real, not real: each $(...) child's exit (its address
# space torn down) runs on the other CPU while the shell goes on, so with
# two CPUs the CPU time can pass the real time; under a loaded host it
# did, by 40%. A bound this loose still catches time lost or misscaled.
check "  user + sys within [0.49 s, 2 x real]" $((u + s)) 490 $((2 * r + 20))
check "  user at least 0.3 s" "$u" 300 10000

timed spin_cpu 300
# The loop checks its time once per round (3000 iterations and two forks),
# and under a loaded host one round can take most of a second: 3 s.
check "time spin 0.3 s of CPU in the shell itself: user + sys within [0.29 s, 3 s]" \
	$(( $(ms "$user") + $(ms "$sys") )) 290 3000

timed true
[[ "$real $user $sys" =~ ^[0-9]+\.[0-9]{3}\ [0-9]+\.[0-9]{3}\ [0-9]+\.[0-9]{3}$ ]] &&
	echo "time true: three times printed: yes" || echo "time true: three times printed: no"
