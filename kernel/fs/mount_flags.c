/* What a mount's flags forbid, for the code that opens, runs and maps
 * files (Linux's path_noexec, may_open_dev, mnt_may_suid). The flags are
 * the mount's, not the filesystem's: the same files bind-mounted noexec
 * at one place still run from another. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <fs/dentry.h>
#include <fs/mount_flags.h>

int mount_may_exec(const struct file *f)
{
	// LAB 7 BEGIN(exercise 1): a file opened through a noexec mount may not run or be mapped executable (-EACCES)
	return mnt_has(f->mnt, MNT_NOEXEC) ? -EACCES : 0;
	// LAB 7 STUB: return 0;
	// LAB 7 END
}

bool mount_may_setid(const struct file *f)
{
	// LAB 7 BEGIN(exercise 1): a program on a nosuid mount runs with the caller's ids, whatever its set-id bits say
	return !mnt_has(f->mnt, MNT_NOSUID);
	// LAB 7 STUB: return true;
	// LAB 7 END
}
