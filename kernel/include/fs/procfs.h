/* /proc (fs/proc/): registers the "proc" filesystem type at boot, which
 * busybox's rcS mounts on /proc (mount -t proc proc /proc). */
#pragma once

void proc_init(void);
