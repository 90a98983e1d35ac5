/* What a mount's flags forbid (fs/mount_flags.c); mnt_readonly() and
 * MNT_NODEV's check at open are in fs/dentry.h and open.c. */
#pragma once
#include <kernel/types.h>

struct file;

/* May f's program run (execve), or f be mapped PROT_EXEC? 0, or -EACCES
 * if it was opened through a noexec mount (mmap turns that into EPERM,
 * as Linux does). */
int mount_may_exec(const struct file *f);
/* Do f's set-user-ID and set-group-ID bits count at execve (false on a
 * nosuid mount)? */
bool mount_may_setid(const struct file *f);
