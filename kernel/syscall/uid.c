/* The system calls that read and change a task's user and group ids
 * (proc/cred.h), with Linux's rules (kernel/sys.c): an unprivileged task
 * may only move among the ids it already has (real, effective, saved);
 * CAP_SETUID (CAP_SETGID for groups) may set any. -1 leaves an id as it
 * is; fsuid follows every change of euid (fsgid of egid). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <proc/cred.h>
#include <proc/task.h>
#include <syscall/syscalls.h>
#include <x86/uaccess.h>

long sys_getuid(void) { return current_cred()->uid; }
long sys_geteuid(void) { return current_cred()->euid; }
long sys_getgid(void) { return current_cred()->gid; }
long sys_getegid(void) { return current_cred()->egid; }

/* The four ids of one kind (uid or gid) in a cred, so the user and group
 * calls share one implementation: real, effective, saved, fs. */
struct ids { uint32_t *r, *e, *s, *fs; };

static struct ids user_ids(struct cred *c) { return (struct ids){ &c->uid, &c->euid, &c->suid, &c->fsuid }; }
static struct ids group_ids(struct cred *c) { return (struct ids){ &c->gid, &c->egid, &c->sgid, &c->fsgid }; }

/* Is id one the task holds already (real, effective or saved)? */
static bool held(struct ids ids, uint32_t id) { return id == *ids.r || id == *ids.e || id == *ids.s; }

/* setuid/setgid: privileged, all of real, effective and saved; otherwise
 * the effective id only, and only to the real or saved one. */
static long set_one(struct ids (*which)(struct cred *), int cap, uint32_t id)
{
	if (id == INVALID_ID)
		return -EINVAL;
	struct cred new = *current_cred();
	struct ids ids = which(&new);
	if (capable(cap))
		*ids.r = *ids.s = id;
	else if (id != *ids.r && id != *ids.s)
		return -EPERM;
	*ids.e = *ids.fs = id;
	commit_creds(&new);
	return 0;
}

long sys_setuid(uint32_t uid) { return set_one(user_ids, CAP_SETUID, uid); }
long sys_setgid(uint32_t gid) { return set_one(group_ids, CAP_SETGID, gid); }

/* setreuid/setregid: the real id may become the effective one, the
 * effective any of the three. The saved id takes the new effective one
 * when the real id is set or the effective one moves away from it. */
static long set_re(struct ids (*which)(struct cred *), int cap, uint32_t r, uint32_t e)
{
	struct cred old = *current_cred(), new = old;
	struct ids ids = which(&new), was = which(&old);
	bool priv = capable(cap);
	if (r != INVALID_ID) {
		if (r != *was.r && r != *was.e && !priv)
			return -EPERM;
		*ids.r = r;
	}
	if (e != INVALID_ID) {
		if (!held(was, e) && !priv)
			return -EPERM;
		*ids.e = e;
	}
	if (r != INVALID_ID || (e != INVALID_ID && e != *was.r))
		*ids.s = *ids.e;
	*ids.fs = *ids.e;
	commit_creds(&new);
	return 0;
}

long sys_setreuid(uint32_t ruid, uint32_t euid) { return set_re(user_ids, CAP_SETUID, ruid, euid); }
long sys_setregid(uint32_t rgid, uint32_t egid) { return set_re(group_ids, CAP_SETGID, rgid, egid); }

/* setresuid/setresgid: each of the three may become any id held now. */
static long set_res(struct ids (*which)(struct cred *), int cap, uint32_t r, uint32_t e, uint32_t s)
{
	struct cred old = *current_cred(), new = old;
	struct ids ids = which(&new), was = which(&old);
	bool change_r = r != INVALID_ID && r != *was.r;
	bool change_e = e != INVALID_ID && e != *was.e;
	bool change_s = s != INVALID_ID && s != *was.s;
	if (!change_r && !change_e && !change_s)
		return 0;
	bool foreign = (r != INVALID_ID && !held(was, r)) || (e != INVALID_ID && !held(was, e)) ||
		       (s != INVALID_ID && !held(was, s));
	if (foreign && !capable(cap))
		return -EPERM;
	if (r != INVALID_ID)
		*ids.r = r;
	if (e != INVALID_ID)
		*ids.e = e;
	if (s != INVALID_ID)
		*ids.s = s;
	*ids.fs = *ids.e;
	commit_creds(&new);
	return 0;
}

long sys_setresuid(uint32_t ruid, uint32_t euid, uint32_t suid)
{
	return set_res(user_ids, CAP_SETUID, ruid, euid, suid);
}
long sys_setresgid(uint32_t rgid, uint32_t egid, uint32_t sgid)
{
	return set_res(group_ids, CAP_SETGID, rgid, egid, sgid);
}

static long get_res(struct ids ids, uint32_t *ur, uint32_t *ue, uint32_t *us)
{
	if (copy_to_user(ur, ids.r, sizeof(*ur)) || copy_to_user(ue, ids.e, sizeof(*ue)) ||
	    copy_to_user(us, ids.s, sizeof(*us)))
		return -EFAULT;
	return 0;
}

long sys_getresuid(uint32_t *ruid, uint32_t *euid, uint32_t *suid)
{
	struct cred c = *current_cred();
	return get_res(user_ids(&c), ruid, euid, suid);
}
long sys_getresgid(uint32_t *rgid, uint32_t *egid, uint32_t *sgid)
{
	struct cred c = *current_cred();
	return get_res(group_ids(&c), rgid, egid, sgid);
}

/* setfsuid/setfsgid: to any id held (the fs one too), or anything with
 * the capability. No error is ever returned: the old fs id is, whether
 * or not it changed (callers call twice to find out). */
static long set_fs(struct ids (*which)(struct cred *), int cap, uint32_t id)
{
	struct cred new = *current_cred();
	struct ids ids = which(&new);
	uint32_t old = *ids.fs;
	if (id != INVALID_ID && id != old && (held(ids, id) || capable(cap))) {
		*ids.fs = id;
		commit_creds(&new);
	}
	return old;
}

long sys_setfsuid(uint32_t uid) { return set_fs(user_ids, CAP_SETUID, uid); }
long sys_setfsgid(uint32_t gid) { return set_fs(group_ids, CAP_SETGID, gid); }

/* Supplementary groups: kept sorted, as Linux keeps them (getgroups
 * returns them in that order), duplicates and all. */
static void sort_groups(uint32_t *g, int n)
{
	for (int i = 1; i < n; i++) {
		uint32_t v = g[i];
		int j = i;
		for (; j > 0 && g[j - 1] > v; j--)
			g[j] = g[j - 1];
		g[j] = v;
	}
}

long sys_setgroups(int size, const uint32_t *ulist)
{
	if (!capable(CAP_SETGID))
		return -EPERM;
	/* Linux allows 65536 (NGROUPS_MAX); Kestrel keeps fewer, in the task. */
	if (size < 0 || size > NGROUPS_KESTREL)
		return -EINVAL;
	struct cred new = *current_cred();
	if (size && copy_from_user(new.groups, ulist, size * sizeof(*ulist)))
		return -EFAULT;
	new.ngroups = size;
	sort_groups(new.groups, size);
	commit_creds(&new);
	return 0;
}

long sys_getgroups(int size, uint32_t *ulist)
{
	const struct cred *c = current_cred();
	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;      /* how many: the caller sizes its array */
	if (c->ngroups > size)
		return -EINVAL;
	if (copy_to_user(ulist, c->groups, c->ngroups * sizeof(*ulist)))
		return -EFAULT;
	return c->ngroups;
}
