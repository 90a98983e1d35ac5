# prog_ping.sh: busybox ping (root: raw ICMP and ICMPv6 sockets) of
# 127.0.0.1 and ::1, a payload larger than a frame, and an address no
# route leads to; the round-trip times are taken out (they vary), the
# TTL stays (Linux's 64). Compared with Linux, run in a network
# namespace of its own. Run as: sh prog_ping.sh
export LC_ALL=C
exec 0</dev/null            # the console in the guest, /dev/null on the host

out=${TMPDIR:-/tmp}/kt-lab8-ping.out
ping() {
	busybox ping "$@" >"$out" 2>&1
	echo "ping $*: exit status $?"
	sed -e 's/time=[0-9.]* ms/time=T ms/' -e 's|= [0-9.]*/[0-9.]*/[0-9.]* ms|= T/T/T ms|' "$out"
}
ping -c 3 -i 0.2 127.0.0.1
ping -c 3 -i 0.2 ::1
ping -c 2 -i 0.2 -s 4000 127.0.0.1
ping -c 2 -i 0.2 -s 4000 ::1
ping -c 1 -W 1 192.0.2.1
rm -f "$out"
