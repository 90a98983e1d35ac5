#!/usr/bin/env bash
# make doctor: checks that every tool the lab book uses is installed and new
# enough, and says in plain words what to do about anything missing.
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
check qemu qemu-system-x86_64 7.0 "qemu-system-x86_64 --version" qemu-system-x86 "runs the kernel (PVH boot needs 4.0+)"
check gdb-multiarch gdb-multiarch 10 "gdb-multiarch --version" gdb-multiarch "make gdb"
check musl-gcc musl-gcc "" "true" musl-tools "static Linux test programs (later labs)"
check mke2fs mke2fs 1.45 "mke2fs -V 2>&1" e2fsprogs "the root file system image (later labs)"
check busybox busybox "" "true" busybox-static "the guest's shell (later labs)"
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
if [ -d /usr/share/mkdocs/themes/material ] || python3 -c 'import material' 2>/dev/null; then
	printf '  %-16s ok\n' mkdocs-material
else
	printf '  %-16s MISSING  (handout theme) -> sudo apt-get install mkdocs-material\n' mkdocs-material
	problems=$((problems + 1))
fi

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
