/* File permission checks (fs/permission.h), as Linux's generic_permission
 * and its neighbours in fs/namei.c and fs/attr.c make them.
 *
 * A file has an owner, a group and three sets of rwx bits. The caller
 * (its fsuid, fsgid and supplementary groups) falls in exactly one class:
 * the owner's if its fsuid owns the file, otherwise the group's if it is
 * in the file's group, otherwise the others'. That class's bits alone
 * decide; then capabilities may still allow what they refused
 * (CAP_DAC_OVERRIDE: anything but executing a file no one may execute;
 * CAP_DAC_READ_SEARCH: reading files, reading and searching directories). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <linux/stat.h>
#include <proc/cred.h>
#include <fs/permission.h>

/* The mode bits' verdict for the caller: 0 or -EACCES. */
static int mode_permission(const struct inode *inode, int mask)
{
	// LAB 5 BEGIN(exercise 6): choose the caller's class (owner, group, others) and compare its rwx bits with mask
	const struct cred *c = current_cred();
	unsigned mode = inode->mode;
	if (c->fsuid == inode->uid)
		mode >>= 6;
	else if (in_group_p(inode->gid))
		mode >>= 3;
	return (mask & ~mode & (MAY_READ | MAY_WRITE | MAY_EXEC)) == 0 ? 0 : -EACCES;
	// LAB 5 STUB: return -EACCES;      /* the bits never allow: only root's capabilities do */
	// LAB 5 END
}

int inode_permission(const struct inode *inode, int mask)
{
	int err = mode_permission(inode, mask);
	if (err != -EACCES)
		return err;
	if (S_ISDIR(inode->mode)) {
		if (!(mask & MAY_WRITE) && capable(CAP_DAC_READ_SEARCH))
			return 0;
		return capable(CAP_DAC_OVERRIDE) ? 0 : -EACCES;
	}
	if (mask == MAY_READ && capable(CAP_DAC_READ_SEARCH))
		return 0;
	/* Even root runs only what someone may run. */
	if ((!(mask & MAY_EXEC) || (inode->mode & (S_IXUSR | S_IXGRP | S_IXOTH))) && capable(CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

bool inode_owner_or_capable(const struct inode *inode)
{
	return current_cred()->fsuid == inode->uid || capable(CAP_FOWNER);
}

int may_create(const struct inode *dir)
{
	return inode_permission(dir, MAY_WRITE | MAY_EXEC);
}

int may_delete(const struct inode *dir, const struct inode *victim)
{
	int err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	if (err)
		return err;
	/* The sticky bit: in a directory everyone may write to, like /tmp,
	 * no one removes or replaces another's files. */
	uint32_t me = current_cred()->fsuid;
	if ((dir->mode & S_ISVTX) && victim->uid != me && dir->uid != me && !capable(CAP_FOWNER))
		return -EPERM;
	return 0;
}

int may_link(const struct inode *inode)
{
	if (current_cred()->fsuid == inode->uid)
		return 0;
	bool safe = S_ISREG(inode->mode) && !(inode->mode & S_ISUID) &&
		    (inode->mode & (S_ISGID | S_IXGRP)) != (S_ISGID | S_IXGRP) &&
		    inode_permission(inode, MAY_READ | MAY_WRITE) == 0;
	return safe || capable(CAP_FOWNER) ? 0 : -EPERM;
}

int may_chmod(const struct inode *inode, unsigned *mode)
{
	if (!inode_owner_or_capable(inode))
		return -EPERM;
	/* Setting set-group-ID for a group one is not in would let one run
	 * as that group. */
	if (!in_group_p(inode->gid) && !capable(CAP_FSETID))
		*mode &= ~S_ISGID;
	return 0;
}

int may_chown(const struct inode *inode, uint32_t uid, uint32_t gid)
{
	uint32_t me = current_cred()->fsuid;
	bool chown_ok = uid == INVALID_ID || (me == inode->uid && uid == inode->uid) || capable(CAP_CHOWN);
	bool chgrp_ok = gid == INVALID_ID || (me == inode->uid && (in_group_p(gid) || gid == inode->gid)) ||
			capable(CAP_CHOWN);
	return chown_ok && chgrp_ok ? 0 : -EPERM;
}

int may_set_times(const struct inode *inode, bool explicit_times)
{
	if (inode_owner_or_capable(inode))
		return 0;
	return explicit_times ? -EPERM : inode_permission(inode, MAY_WRITE);
}

void file_remove_privs(struct inode *inode)
{
	uint32_t kill = inode->mode & S_ISUID;
	if ((inode->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		kill |= S_ISGID;
	if (!kill || !S_ISREG(inode->mode) || capable(CAP_FSETID))
		return;
	inode->mode &= ~kill;
	inode->ctime = current_time();
	mark_inode_dirty(inode);
}

uint32_t inode_init_owner(struct inode *inode, const struct inode *dir, uint32_t mode)
{
	const struct cred *c = current_cred();
	inode->uid = c->fsuid;
	if (dir && (dir->mode & S_ISGID)) {
		inode->gid = dir->gid;
		if (S_ISDIR(mode))
			mode |= S_ISGID;
	} else {
		inode->gid = c->fsgid;
	}
	return mode;
}
