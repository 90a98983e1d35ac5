/* Credentials (proc/cred.h): replacing the caller's, and the questions
 * every permission check asks of them: capable(), in_group_p(). */
#include <kernel/types.h>
#include <kernel/spinlock.h>
#include <proc/cred.h>
#include <proc/task.h>

const struct cred *current_cred(void)
{
	return &current->cred;
}

void override_creds(const struct cred *c)
{
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);
	current->cred = *c;
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void commit_creds(const struct cred *new)
{
	const struct cred *old = current_cred();
	/* A process that became someone else must not leave a core (or a
	 * debugger's view) of what it held: Linux clears "dumpable". */
	if (new->euid != old->euid || new->egid != old->egid ||
	    new->fsuid != old->fsuid || new->fsgid != old->fsgid)
		current->dumpable = false;
	override_creds(new);
}

/* The capabilities that concern files: Linux takes them away when fsuid
 * leaves 0 (setfsuid, or seteuid moving fsuid along) and gives them back
 * when it returns (security/commoncap.c, CAP_FS_MASK). */
static bool fs_capability(int cap)
{
	switch (cap) {
	case CAP_CHOWN:
	case CAP_DAC_OVERRIDE:
	case CAP_DAC_READ_SEARCH:
	case CAP_FOWNER:
	case CAP_FSETID:
	case CAP_LINUX_IMMUTABLE:
	case CAP_MKNOD:
	case CAP_MAC_OVERRIDE:
		return true;
	default:
		return false;
	}
}

bool capable(int cap)
{
	const struct cred *c = current_cred();
	return fs_capability(cap) ? c->fsuid == 0 : c->euid == 0;
}

bool in_group_p(uint32_t gid)
{
	const struct cred *c = current_cred();
	if (gid == c->fsgid)
		return true;
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

bool kill_ok_by_cred(struct task *t)
{
	assert_held(&tasklist_lock);
	const struct cred *me = current_cred(), *tc = &t->cred;
	return me->euid == tc->suid || me->euid == tc->uid ||
	       me->uid == tc->suid || me->uid == tc->uid || capable(CAP_KILL);
}
