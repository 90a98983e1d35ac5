# mnt_busybox.sh: busybox's mount, umount and df at work on a tmpfs in
# $TMPDIR/kt-mnt-bb (only there: on the host too, where this runs as root,
# nothing else is mounted or unmounted), compared with Linux: /proc/mounts
# and /proc/self/mountinfo lines, df's figures, remount ro/rw/noexec, a
# bind mount, a mount point with a space, stacked mounts, umount of a
# busy mount and umount -l. Paths print as DIR.
# Run as: sh mnt_busybox.sh
dir=${TMPDIR:-/tmp}/kt-mnt-bb
umount -l "$dir/b" "$dir/m" 2>/dev/null
rm -rf "$dir"
mkdir -p "$dir/m" "$dir/b"
# The guest runs this as its first process, before any rcS: it mounts
# /proc itself (the host has one already and keeps it).
[ -e /proc/self/mounts ] || mount -t proc -o nosuid,nodev,noexec proc /proc
mounts() { grep " $dir/" /proc/mounts | sed "s|$dir|DIR|g"; }
# mountinfo: the ids and device numbers differ between machines; the rest
# (root, mount point, options, type, source, filesystem options) must not.
info() { grep " $dir/" /proc/self/mountinfo | sed "s|$dir|DIR|g" | awk '{$1 = "ID"; $2 = "PARENT"; $3 = "DEV"; print}'; }
dfk() { df -k "$1" | sed "s|$dir|DIR|g" | awk '{print $1, $2, $3, $4, $5, $6}'; }

echo "-- mount"
mount -t tmpfs -o size=1m,mode=0755 kt-tmp "$dir/m"; echo "mount: $?"
mounts
info
mount | grep " $dir/" | sed "s|$dir|DIR|g"
dfk "$dir/m"
dd if=/dev/zero of="$dir/m/f" bs=1k count=100 2>/dev/null
dfk "$dir/m"
dd if=/dev/zero of="$dir/m/g" bs=1k count=2000 2>&1 | grep -o "No space left on device" | head -1
dfk "$dir/m"
rm "$dir/m/g"

echo "-- remount"
mount -o remount,ro,nosuid "$dir/m"; echo "remount ro: $?"
mounts
touch "$dir/m/h" 2>&1 | sed "s|$dir|DIR|g"
mount -o remount,rw,noexec "$dir/m"; echo "remount rw: $?"
mounts
touch "$dir/m/h"; echo "touch: $?"

echo "-- bind"
mount --bind "$dir/m" "$dir/b"; echo "bind: $?"
info
ls "$dir/b"
umount "$dir/b"; echo "umount bind: $?"

echo "-- names"
# A space in a mount point is written \040 in /proc/mounts and mountinfo;
# a mount without a source is "none".
mkdir "$dir/m/a b"
mount -t tmpfs -o size=4k kt-sp "$dir/m/a b"; echo "mount on 'a b': $?"
busybox mount -t tmpfs none "$dir/m/a b"; echo "stacked: $?"
mounts
umount "$dir/m" 2>&1 | sed "s|$dir|DIR|g"
umount "$dir/m/a b"; umount "$dir/m/a b"; echo "umount 'a b' twice: $?"

echo "-- busy"
cd "$dir/m" && umount "$dir/m" 2>&1 | sed "s|$dir|DIR|g"
cd /
umount "$dir/m" 2>/dev/null || umount -l "$dir/m"
echo "umount: $?"
mounts
echo "left: $(grep -c " $dir/" /proc/mounts)"
rm -rf "$dir"
