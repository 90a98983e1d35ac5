# sys_busybox.sh: busybox's nproc, free and uptime, which read /sys and
# /proc, compared with Linux by the structure of what they print (the
# figures differ between two machines). Run as: sh sys_busybox.sh
#
# nproc (sysconf: /sys/devices/system/cpu/online) must count the
# processors /proc/cpuinfo lists; free prints its header, a Mem: line of
# six figures and a Swap: line of three, with used + free + buff/cache =
# total; uptime prints "HH:MM:SS up ..., N users, load average: A, B, C".
[ -e /proc/self ] || mount -t proc proc /proc
[ -e /sys/devices ] || mount -t sysfs sysfs /sys

n=$(nproc)
c=$(grep -c '^processor' /proc/cpuinfo)
[ "$n" = "$c" ] && echo "nproc counts the CPUs of cpuinfo: ok" || echo "nproc $n, cpuinfo $c: BAD"

free | awk 'NR == 1 { print "free header:", $0 }
	    NR == 2 { print "free", $1, NF - 1, "figures";
		      d = $2 - $3 - $4 - $6; if (d < 0) d = -d;
		      print "used + free + buff/cache = total:", (d <= 8 ? "ok" : "BAD") }
	    NR == 3 { print "free", $1, NF - 1, "figures" }'

uptime | sed -E 's/^ [0-9]{2}:[0-9]{2}:[0-9]{2} up .*, +[0-9]+ users?, +load average: [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}$/uptime: ok/'
