/* Credentials: who a task acts as (Linux's struct cred, much smaller).
 *
 * A task has four user ids and four group ids:
 *   uid,  gid    real: who started it (kill permission, access())
 *   euid, egid   effective: what most checks use
 *   suid, sgid   saved: a set-id program's euid, kept to switch back to
 *   fsuid, fsgid the file system's: follow euid/egid unless setfsuid says
 *                otherwise; file permission checks and new files' owners
 * and supplementary groups (setgroups).
 *
 * Each task has its own copy (a value in struct task): fork copies it,
 * execve of a set-id file changes it, and only the task itself changes
 * its own, through commit_creds(), which holds tasklist_lock so others
 * (kill, under that lock) read a whole one.
 *
 * Privilege: Linux splits root's power into capabilities (CAP_KILL,
 * CAP_DAC_OVERRIDE...). Kestrel has no capability sets; capable() gives
 * them all to euid 0, and the file system ones to fsuid 0, which is what
 * Linux's rules for root without file capabilities amount to. */
#pragma once
#include <kernel/types.h>
#include <linux/capability.h>

#define NGROUPS_KESTREL 32      /* supplementary groups a task may have (Linux: 65536) */

struct cred {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	int ngroups;
	uint32_t groups[NGROUPS_KESTREL];
};

#define INVALID_ID ((uint32_t)-1)   /* "leave unchanged" in set*id and chown */

struct task;

/* The calling task's credentials (read freely: only it changes them). */
const struct cred *current_cred(void);
/* Replaces the calling task's credentials with *new (a changed copy of
 * current_cred()). Like Linux, a change of euid, egid, fsuid or fsgid
 * makes the process non-dumpable. */
void commit_creds(const struct cred *new);
/* Acts as *c for a while (access() checks as the real ids), leaving
 * dumpable alone; the caller restores its own copy the same way. */
void override_creds(const struct cred *c);

/* Does the calling task have capability cap (CAP_*)? */
bool capable(int cap);
/* Is gid the caller's fsgid or one of its supplementary groups? */
bool in_group_p(uint32_t gid);
/* May the caller send a signal to t (kill's EPERM rule, Linux's
 * kill_ok_by_cred): a real or effective uid matching t's real or saved
 * uid, or CAP_KILL. tasklist_lock held. */
bool kill_ok_by_cred(struct task *t);
