#!/usr/bin/env bash
# make doctor: checks that every tool the lab book uses is installed and new
# enough, and says in plain words what to do about anything missing; then
# whether the machine is loaded enough to make the grader's timeouts bite.
set -u
problems=0

# version_ge A B: is version A >= B?
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

check() {   # check NAME COMMAND MIN_VERSION VERSION_COMMAND PACKAGE WHY
	local name=$1 cmd=$2 min=$3 vcmd=$4 pkg=$5 why=$6
	if ! command -v "$cmd" >/dev/null 2>&1; then
		printf '  %-16s MISSING  (%s) -> sudo apt-get install %s, or run scripts/setup.sh\n' "$name" "$why" "$pkg"
		problems=$((problems + 1))
		return
	fi
	local v
	v=$(eval "$vcmd" 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)+' | head -n1)
	if [ -n "$min" ] && [ -n "$v" ] && ! version_ge "$v" "$min"; then
		printf '  %-16s TOO OLD  %s, need %s or newer (%s)\n' "$name" "$v" "$min" "$why"
		problems=$((problems + 1))
		return
	fi
	printf '  %-16s ok       %s\n' "$name" "${v:-present}"
}

echo "Checking the tools the lab book needs:"
check gcc gcc 10 "gcc --version" build-essential "compiles the kernel"
check make make 4 "make --version" build-essential "builds everything"
check ld ld 2.38 "ld --version" binutils "links the kernel"
check python3 python3 3.9 "python3 --version" python3 "runs the grader"
# QEMU: 7.0 or newer (q35 with -accel, blkdebug's inject-error by sector,
# isa-debug-exit); the grader's timeouts were set with Debian 12's 7.2.
QEMU_MIN=7.0
check qemu qemu-system-x86_64 $QEMU_MIN "qemu-system-x86_64 --version" qemu-system-x86 "runs the kernel; the course needs $QEMU_MIN or newer"
check gdb-multiarch gdb-multiarch 10 "gdb-multiarch --version" gdb-multiarch "make gdb"
check musl-gcc musl-gcc "" "true" musl-tools "static Linux test programs (later labs)"
check mke2fs mke2fs 1.45 "mke2fs -V 2>&1" e2fsprogs "the root file system image (later labs)"
check busybox busybox "" "true" busybox-static "the guest's shell (later labs)"
check strace strace "" "strace -V" strace "Linux's traces, which Lab 5's tracer is compared with"
check mkdocs mkdocs 1.4 "mkdocs --version" "mkdocs mkdocs-material" "builds the handout"
check git git 2.20 "git --version" git "the student repository"
check addr2line addr2line "" "true" binutils "file:line in the grader's backtraces"

if [ -f /usr/include/criterion/criterion.h ]; then
	printf '  %-16s ok\n' criterion
else
	printf '  %-16s MISSING  (host unit tests) -> sudo apt-get install libcriterion-dev\n' criterion
	problems=$((problems + 1))
fi
if [ -f /usr/include/linux/version.h ]; then
	printf '  %-16s ok\n' linux-libc-dev
else
	printf '  %-16s MISSING  (Linux UAPI headers) -> sudo apt-get install linux-libc-dev\n' linux-libc-dev
	problems=$((problems + 1))
fi
lwip_dir="${XDG_CACHE_HOME:-$HOME/.cache}/kestrel/lwip-2.1.3+dfsg1"
if [ -f "$lwip_dir/.complete" ]; then
	printf '  %-16s ok       %s\n' lwip "$lwip_dir"
else
	printf '  %-16s MISSING  (the TCP/IP stack, Lab 8) -> scripts/setup.sh fetches it into %s\n' lwip "$lwip_dir"
	problems=$((problems + 1))
fi
if [ -d /usr/share/mkdocs/themes/material ] || python3 -c 'import material' 2>/dev/null; then
	printf '  %-16s ok\n' mkdocs-material
else
	printf '  %-16s MISSING  (handout theme) -> sudo apt-get install mkdocs-material\n' mkdocs-material
	problems=$((problems + 1))
fi

# load_warning: the 1-minute load average against the cores. TCG runs
# every guest CPU as a host thread: on a busy machine tests run slower and
# may hit their timeouts, which TIMEOUT_SCALE stretches.
load_warning() {
	local cores load
	cores=$(nproc 2>/dev/null || echo 1)
	load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null) || return
	echo
	if awk -v l="$load" -v c="$cores" 'BEGIN { exit !(l > 1.5 * c) }'; then
		local scale
		scale=$(awk -v l="$load" -v c="$cores" 'BEGIN { s = int(l / c + 0.999); print (s < 2 ? 2 : s) }')
		echo "Warning: this machine is busy: load average $load on $cores core(s)."
		echo "         Grading boots QEMU under emulation, so tests run slower and may time out."
		echo "         Grade when it is quieter, or stretch every timeout: make grade TIMEOUT_SCALE=$scale"
	else
		echo "Load: $load on $cores core(s): fine for grading."
	fi
}
load_warning

echo
if [ -e /dev/kvm ]; then
	echo "Note: /dev/kvm exists. The default is still TCG (ACCEL=tcg): a nested or"
	echo "      restricted KVM can exist and still fail to run guests. If you have real"
	echo "      hardware virtualization, try: make qemu ACCEL=kvm"
else
	echo "Note: no /dev/kvm: QEMU emulates the CPU (TCG), the default. That is fine."
fi
if [ "$problems" -eq 0 ]; then
	echo "All good."
else
	echo "$problems problem(s) above. scripts/setup.sh installs everything on Debian 12."
	exit 1
fi
