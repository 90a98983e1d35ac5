/* sysfs (fs/sysfs/): registers the "sysfs" filesystem type at boot. */
#pragma once

void sysfs_init(void);
