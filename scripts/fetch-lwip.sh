#!/usr/bin/env bash
# Fetches Debian's lwip source package (the TCP/IP stack Lab 8 builds into the
# kernel) with apt-get source through the project's own sources list, verified
# by apt against the signed Sources index, and unpacks it into a cache shared by
# every clone of the repository. Idempotent: does nothing when it is there.
set -euo pipefail

LWIP_VERSION=2.1.3+dfsg1
here="$(cd "$(dirname "$0")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kestrel"
dest="$cache/lwip-$LWIP_VERSION"

if [ -f "$dest/.complete" ]; then
  echo "setup: lwip $LWIP_VERSION present in $dest"
  exit 0
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.lwip.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/src"

apt_opts=(
  -o Dir::Etc::SourceList="$here/apt/sources.list"
  -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists="$work/lists"
  -o Dir::Cache::Archives="$work/archives"
  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
  -o Debug::NoLocking=1
)
# apt drops to the _apt user to download, which cannot write into our cache.
[ "$(id -u)" -ne 0 ] || apt_opts+=(-o APT::Sandbox::User=root)
echo "setup: fetching Debian source package lwip $LWIP_VERSION"
apt-get "${apt_opts[@]}" -qq update
(cd "$work/src" && apt-get "${apt_opts[@]}" -qq source --download-only lwip)
# Debian 12 has one upstream version; its revisions (security updates) are fine.
dsc="$(ls "$work/src"/lwip_"$LWIP_VERSION"-*.dsc 2>/dev/null | head -1)"
if [ -z "$dsc" ]; then
  echo "setup: Debian's lwip is no longer $LWIP_VERSION: update LWIP_VERSION here and in the Makefile" >&2
  exit 1
fi
# The .dsc's hashes were checked by apt against the signed index; dpkg-source
# checks the tarballs against the .dsc and applies Debian's patches.
# (The maintainer's own signature on the .dsc is not checked: apt's index check covers it.)
dpkg-source --no-copy -x "$dsc" "$work/src/lwip" >"$work/dpkg-source.log" 2>&1 || { cat "$work/dpkg-source.log"; exit 1; }
test -f "$work/src/lwip/src/core/tcp.c"
# Marked complete before it appears, and moved in one rename, so that a
# build (or a second setup running at the same time) never sees half of it.
touch "$work/src/lwip/.complete"
if [ ! -f "$dest/.complete" ]; then
  rm -rf "$dest"
  mv -T "$work/src/lwip" "$dest" 2>/dev/null || [ -f "$dest/.complete" ]
fi
echo "setup: lwip unpacked in $dest"
