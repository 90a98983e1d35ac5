#!/usr/bin/env bash
# Installs every Debian package the lab book needs. Safe to run again: it only
# calls apt-get when something is missing, so CI and students pay for it once.
set -euo pipefail

PACKAGES=(
  build-essential          # gcc, make, binutils: the kernel and host tests
  python3                  # the grader and scripts (standard library only); Lab 6: python3.11 in the guest
  qemu-system-x86          # the machine the kernel runs on
  gdb-multiarch            # debugging the kernel through QEMU's gdb stub
  musl-tools               # static Linux test programs (user/)
  linux-libc-dev           # Linux UAPI headers: syscall numbers, structs, errno
  e2fsprogs                # mke2fs -d for the root image, e2fsck to check it
  busybox-static           # the guest's shell and tools
  openssl                  # a dynamically linked Debian program the Lab 4 tests run
  sqlite3                  # Lab 5: a database on a file, which needs fcntl locks
  coreutils                # Lab 5: GNU ls -la, which probes xattrs (/usr/bin/ls); Lab 6: GNU sort --parallel
  stress                   # Lab 5: a Debian program driven by alarm (SIGALRM's handler)
  tzdata                   # /etc/localtime in the root image (UTC)
  libcriterion-dev         # host unit tests (C test framework)
  mkdocs mkdocs-material   # the handout site
  git                      # make checkpoints builds a git repository
  strace                   # Lab 5: Linux's traces, the oracle for the kernel's tracer
  make                     # Lab 6: GNU make -j2 in the guest (posix_spawn, the jobserver)
  xz-utils                 # Lab 6: xz -T2 in the guest (threads compressing blocks)
  procps                   # Lab 7: Debian's ps, free, top, pgrep, pmap in the guest (libproc2 reads /proc)
  ncurses-base             # Lab 7: /lib/terminfo for top (dumb for -b, linux for the console)
  dpkg-dev                 # Lab 8: dpkg-source unpacks lwip's source package (scripts/fetch-lwip.sh)
  debian-archive-keyring   # Lab 8: apt verifies Debian's source index with it
  ffmpeg                   # capstone: publishes a clip to MediaServer in the guest, checks its HLS on the host
)

missing=()
for p in "${PACKAGES[@]}"; do
  [[ $p == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
else
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Lab 8: lwIP's source (Debian's package), into a cache outside the tree shared by every clone.
"$(dirname "$0")/fetch-lwip.sh"
echo "setup: done"
